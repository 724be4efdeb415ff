import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { minorUnitsOf } from '../../rates/public.ts';

/** An English and a French narrative of an element (IATI's multilingual text). */
export function narratives(parent: XMLBuilder, texts: { en: string; fr: string }): void {
  parent.ele('narrative', { 'xml:lang': 'en' }).txt(texts.en);
  parent.ele('narrative', { 'xml:lang': 'fr' }).txt(texts.fr);
}

/** An amount in minor units as the decimal IATI writes (`12800000` EUR cents is `128000.00`), exact for any size. */
export function decimalAmount(amountMinor: number, currency: string): string {
  const digits = minorUnitsOf(currency);
  const sign = amountMinor < 0 ? '-' : '';
  const magnitude = String(Math.abs(amountMinor)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${magnitude}` : `${sign}${magnitude.slice(0, -digits)}.${magnitude.slice(-digits)}`;
}

/** A `value` element: its currency written only where it differs from the file's or activity's default. */
export function valueElement(parent: XMLBuilder, value: { amountMinor: number; currency: string; valueDate: string }, defaultCurrency: string): void {
  const attributes: Record<string, string> = value.currency === defaultCurrency ? {} : { currency: value.currency };
  parent.ele('value', { ...attributes, 'value-date': value.valueDate }).txt(decimalAmount(value.amountMinor, value.currency));
}

/** A period of a budget or a total (`period-start`, `period-end`). */
export function periodElements(parent: XMLBuilder, start: string, end: string): void {
  parent.ele('period-start', { 'iso-date': start });
  parent.ele('period-end', { 'iso-date': end });
}
