import type { Context } from 'hono';
import { AppError } from '../../core/errors.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { StatusTag, type FieldErrors, type TagTone } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { fundPageText, type FundPageKey } from '../messages/pages.ts';
import type { ProposalStatus } from '../schema.ts';

export type Translate = (key: FundPageKey, params?: Record<string, string | number>) => string;
export const translator = (locale: Locale): Translate => (key, params) => fundPageText.t(locale, key, params);

export type Form = Record<string, string>;

export async function formOf(c: Context<AppEnv>): Promise<{ form: Form; files: Record<string, File[]> }> {
  const body = await c.req.parseBody({ all: true });
  const form: Form = {};
  const files: Record<string, File[]> = {};
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item instanceof File) {
        if (item.size > 0) (files[name] ??= []).push(item);
      } else if (typeof item === 'string') form[name] = name in form ? `${form[name]},${item}` : item;
    }
  }
  return { form, files };
}

export const uploaded = async (file: File) => ({ filename: file.name, contentType: file.type, content: Buffer.from(await file.arrayBuffer()) });

/** A refused command as the error summary of the form it came from; anything but a 4xx refusal is rethrown. */
export function refusalOf(error: unknown, locale: Locale): { errors: FieldErrors; status: 404 | 409 | 422 } {
  if (!(error instanceof AppError) || ![404, 409, 422].includes(error.status)) throw error;
  return { errors: { form: error.text[locale] }, status: error.status as 404 | 409 | 422 };
}

const tones: Record<ProposalStatus, TagTone> = { draft: 'grey', submitted: 'blue', approved: 'green', rejected: 'red', in_progress: 'yellow', completed: 'green', cancelled: 'grey' };

export function ProposalStatusTag({ locale, status }: { locale: Locale; status: ProposalStatus }) {
  return <StatusTag tone={tones[status]}>{translator(locale)(`status_${status}`)}</StatusTag>;
}

export const fundCrumbs = (locale: Locale, site: string, signedIn: boolean) => [
  { href: `/funds/${site}`, label: translator(locale)('public_title', { site }) },
  ...(signedIn ? [{ href: `/funds/${site}/manage`, label: translator(locale)('manage_title', { site }) }] : []),
];

export function FundNav({ locale, site }: { locale: Locale; site: string }) {
  const t = translator(locale);
  return (
    <ul class="inline-list">
      <li><a href={`/funds/${site}/manage`}>{t('manage_title', { site })}</a></li>
      <li><a href={`/funds/${site}/committee`}>{t('committee_link')}</a></li>
      <li><a href={`/funds/${site}/meetings`}>{t('meetings_link')}</a></li>
      <li><a href={`/funds/${site}/proposals`}>{t('proposals_link')}</a></li>
      <li><a href={`/funds/${site}/rates`}>{t('rates_link')}</a></li>
      <li><a href={`/funds/${site}`}>{t('public_link')}</a></li>
    </ul>
  );
}
