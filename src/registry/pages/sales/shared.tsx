import type { Context } from 'hono';
import { AppError } from '../../../core/errors.ts';
import { formatDate } from '../../../core/i18n/format.ts';
import type { Locale, Params } from '../../../core/i18n/index.ts';
import { StatusTag, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { salesPageText, salesText, type SalesMessage, type SalesPageMessage } from '../../messages/sales.ts';
import type { Order, OrderStatus } from '../../queries/sales.ts';

export type Form = Record<string, string>;

export const pageText = (locale: Locale) => (key: SalesPageMessage, params?: Params) => salesPageText.t(locale, key, params);
export const salesWords = (locale: Locale) => (key: SalesMessage, params?: Params) => salesText.t(locale, key, params);

export async function formOf(c: Context<AppEnv>): Promise<Form> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

export const registryCrumb = (locale: Locale) => ({ href: '/registry', label: pageText(locale)('registry') });
export const ordersCrumb = (locale: Locale) => ({ href: '/registry/orders', label: pageText(locale)('orders_title') });

/** The digits after the decimal point of a currency's minor unit: 2 for USD, 0 for JPY. */
const minorDigits = (currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

/**
 * An amount as a person typed it (`5000`, `5 000`, `12500.5`, `12 500,50`) to minor units of the
 * currency; null when it is not an amount above zero with at most the currency's decimals. Only
 * spaces separate thousands, so `5,000` is never read as five thousand by one reader and five by
 * another.
 */
export function parseMoney(text: string, currency: string): number | null {
  const digits = /^[A-Z]{3}$/.test(currency) ? minorDigits(currency) : 2;
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ''));
  if (!match || (match[2] ?? '').length > digits) return null;
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
  return Number.isSafeInteger(minor) && minor > 0 ? minor : null;
}

/** Minor units back into the text the forms take: 1250000 USD → "12500.00". */
export function moneyInput(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  return `${Math.floor(minor / 10 ** digits)}.${String(minor % 10 ** digits).padStart(digits, '0')}`;
}

/** A percentage with at most two decimals (`10`, `2.5`, `2,5`) to basis points; null outside 0–100 %. */
export function parsePercent(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.replace(/[\s%]/g, ''));
  if (!match) return null;
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return basisPoints <= 10_000 ? basisPoints : null;
}

const statusTone = { awaiting_payment: 'yellow', paid: 'green', expired: 'grey' } as const;

export function OrderStatusTag({ locale, status }: { locale: Locale; status: OrderStatus }) {
  return <StatusTag tone={statusTone[status]}>{salesWords(locale)(`status_${status}`)}</StatusTag>;
}

export const creditsOf = (locale: Locale, order: Order) =>
  pageText(locale)('credits_value', { mineral: order.mineralLabel[locale], vintage: order.vintage, site: `${order.siteName} (${order.siteCode})` });

export const payByOf = (locale: Locale, order: Order) => formatDate(locale, order.expiresAt);

/** A refusal of a command, shown on the form beside the field it concerns (or at the top); anything else is not the form's to show. */
export function refusalOnForm(error: unknown, locale: Locale, fieldOfError: Record<string, string>): { errors: FieldErrors; status: 404 | 409 | 422 } {
  if (!(error instanceof AppError) || (error.status !== 404 && error.status !== 409 && error.status !== 422)) throw error;
  return { errors: { [fieldOfError[error.code] ?? 'form']: error.text[locale] }, status: error.status };
}
