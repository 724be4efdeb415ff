import type { Locale } from '../../core/i18n/index.ts';
import { StatusTag, type TagTone } from '../../web/components.tsx';
import { fundPageText, type FundPageKey } from '../messages/pages.ts';
import type { ProposalStatus } from '../schema.ts';

export type Translate = (key: FundPageKey, params?: Record<string, string | number>) => string;
export const translator = (locale: Locale): Translate => (key, params) => fundPageText.t(locale, key, params);

export const uploaded = async (file: File) => ({ filename: file.name, contentType: file.type, content: Buffer.from(await file.arrayBuffer()) });

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
