import type { Context } from 'hono';
import { isoDateOf } from '../../core/calendar.ts';
import type { Locale, Params } from '../../core/i18n/index.ts';
import { formatNumber } from '../../core/i18n/format.ts';
import { frame } from '../../web/messages.ts';
import type { AppEnv } from '../../web/context.ts';
import { safetyErrors, type SafetyErrorCode } from '../messages/errors.ts';
import { safetyText, type SafetyTextKey } from '../messages/pages.ts';
import type { safetySite } from '../queries/summary.ts';
import { siteOrNotFound } from '../site-access.ts';

export type Site = NonNullable<Awaited<ReturnType<typeof safetySite>>>;

export const text = (locale: Locale) => (key: SafetyTextKey, params?: Params) => safetyText.t(locale, key, params);
export const errorText = (locale: Locale) => (key: SafetyErrorCode, params?: Params) => safetyErrors.t(locale, key, params);

export const siteOf = (c: Context<AppEnv>): Promise<Site> => siteOrNotFound(c.get('deps').db, c.req.param('code') ?? '');

export const safetyPath = (site: Site) => `/safety/sites/${site.code}`;

export const crumbs = (c: Context<AppEnv>, site?: Site) => {
  const locale = c.get('locale');
  return [
    { href: '/', label: frame.t(locale, 'nav_home') },
    { href: '/safety', label: safetyText.t(locale, 'safety_title') },
    ...(site ? [{ href: safetyPath(site), label: safetyText.t(locale, 'open_dashboard', { site: site.name }) }] : []),
  ];
};

/** A year from the query string, or the fallback. */
export function yearOf(c: Context<AppEnv>, fallback: number): number {
  const asked = Number(c.req.query('year'));
  return Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : fallback;
}

export const today = () => isoDateOf(new Date());

/** A rate with two decimals, or a dash where there is nothing to divide by. */
export const formatRate = (locale: Locale, value: number | null) => (value === null ? '—' : formatNumber(locale, value, { minimumFractionDigits: 2, maximumFractionDigits: 2 }));

/** Reads a whole number typed by a person; empty is null, anything else not whole is NaN (refused by the command). */
export function wholeNumber(value: string | undefined): number | null {
  const trimmed = (value ?? '').replace(/[\s\u00a0\u202f]/g, '');
  if (trimmed === '') return null;
  return /^-?\d{1,12}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

export function Checkbox({ name, label, checked }: { name: string; label: string; checked: boolean }) {
  return (
    <div class="checkbox">
      <input type="checkbox" id={name} name={name} value="1" checked={checked} />{' '}
      <label for={name}>{label}</label>
    </div>
  );
}
