import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { formatDate, formatDateTime, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { CardGrid, DataTable, StatusTag, SummaryCard } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { frame } from '../../../web/messages.ts';
import type { CertificateDocument } from '../../certificate/document.ts';
import { certificateViewOf, mineralLabels } from '../../certificate/responses.ts';
import type { CertificateView } from '../../certificate/view.ts';
import { certificatesText, type CertificatesMessage } from '../../messages/certificates.ts';

type Translate = (key: CertificatesMessage, params?: Record<string, string | number>) => string;
type Row = { label: string; value: Child };

const translator = (locale: Locale): Translate => (key, params) => certificatesText.t(locale, key, params);
const mono = (text: string) => <span class="mono">{text}</span>;
const factsTable = (caption: string, t: Translate, rows: Row[]) => (
  <DataTable caption={caption} rows={rows} columns={[{ header: t('fact'), cell: (r) => r.label }, { header: t('value'), cell: (r) => r.value }]} />
);

function SignatureStatus({ view, t }: { view: CertificateView; t: Translate }) {
  if (view.check.valid) {
    return (
      <>
        <p>
          <StatusTag tone="green">{t('signature_valid')}</StatusTag>
        </p>
        <p>{t('signature_valid_text')}</p>
      </>
    );
  }
  return (
    <>
      <p>
        <StatusTag tone="red">{t('signature_invalid')}</StatusTag>
      </p>
      <p>{t('signature_invalid_text', { problem: t(`problem_${view.check.problem}`) })}</p>
    </>
  );
}

function CertificateBody({ locale, view, document, mineral }: { locale: Locale; view: CertificateView; document: CertificateDocument; mineral: (code: string) => string }) {
  const t = translator(locale);
  const period = (p: { start: string; end: string }) => t('period_value', { start: formatDate(locale, p.start), end: formatDate(locale, p.end) });
  const { journal, key } = document;
  return (
    <>
      <h1>{t('title', { id: document.retirementId })}</h1>
      <SignatureStatus view={view} t={t} />
      <p class="lead">{t('lead', { quantity: formatTonnes(locale, document.quantity.kg), beneficiary: document.beneficiary, start: formatDate(locale, document.claimPeriod.start), end: formatDate(locale, document.claimPeriod.end) })}</p>
      <CardGrid>
        <SummaryCard figure={formatTonnes(locale, document.quantity.kg)} label={t('quantity')} />
        <SummaryCard figure={document.beneficiary} label={t('beneficiary')} small />
        <SummaryCard figure={period(document.claimPeriod)} label={t('claim_period')} small />
      </CardGrid>
      <p>
        <a class="button" href={`${view.links.pdf}?lang=${locale}`}>
          {t('download_pdf')}
        </a>
      </p>
      {factsTable(t('facts_caption'), t, [
        { label: t('retirement'), value: String(document.retirementId) },
        { label: t('beneficiary'), value: document.beneficiary },
        { label: t('quantity'), value: `${formatTonnes(locale, document.quantity.kg)} (${document.quantity.kg} kg)` },
        { label: t('claim_period'), value: period(document.claimPeriod) },
        { label: t('covers'), value: document.covers },
        { label: t('footprint_reference'), value: document.footprintReference ?? t('none') },
        { label: t('public_statement'), value: document.publicStatement || t('none') },
        { label: t('retired_at'), value: formatDateTime(locale, document.retiredAt) },
      ])}
      <DataTable
        caption={t('serials_caption')}
        rows={document.serials}
        columns={[
          { header: t('serials'), cell: (r) => mono(r.serials) },
          { header: t('mineral'), cell: (r) => mineral(r.mineral) },
          { header: t('site'), cell: (r) => <a href={`/sites/${r.site.code}`}>{`${r.site.name} (${r.site.code}, ${r.country})`}</a> },
          { header: t('vintage'), cell: (r) => String(r.vintage) },
          { header: t('production_period'), cell: (r) => period(r.period) },
          { header: t('quantity'), cell: (r) => formatTonnes(locale, r.quantityKg), numeric: true },
          { header: t('in_registry'), cell: (r) => <a href={`/api/v1/registry/serials/${encodeURIComponent(r.serials)}`}>{t('look_up')}</a> },
        ]}
      />
      {factsTable(t('journal_caption'), t, [
        { label: t('journal_entry'), value: <a href={`/journal/${journal.index}`}>{t('journal_entry_value', { index: journal.index, origin: journal.origin })}</a> },
        { label: t('entry_sha256'), value: mono(journal.entrySha256) },
        {
          label: t('checkpoint'),
          value: view.checkpoint ? t('checkpoint_value', { size: view.checkpoint.treeSize, date: formatDateTime(locale, view.checkpoint.signedAt) }) : t('checkpoint_pending'),
        },
      ])}
      {factsTable(t('signature_caption'), t, [
        { label: t('algorithm'), value: 'Ed25519' },
        { label: t('key'), value: key.name },
        { label: t('key_hash'), value: mono(key.keyHash) },
        { label: t('public_key'), value: mono(key.publicKey) },
        { label: t('signature'), value: mono(view.certificate.signature.toString('base64')) },
        { label: t('document_sha256'), value: mono(view.documentSha256) },
        { label: t('issued_at'), value: formatDateTime(locale, document.issuedAt) },
      ])}
      <h2>{t('check_title')}</h2>
      <p>
        {t('check_text')} <a href="/docs/certificates.md">{t('check_doc')}</a>.
      </p>
      <ul>
        <li>
          <a href={view.links.json}>{t('download_json')}</a>
        </li>
        <li>
          <a href={`${view.links.pdf}?lang=${locale}`}>{t('download_pdf')}</a>
        </li>
        {view.checkpoint && (
          <li>
            <a href={view.links.tlogProof}>{t('download_proof')}</a>
          </li>
        )}
        <li>
          <a href="/.well-known/orebook-key">{t('registry_keys')}</a>
        </li>
      </ul>
    </>
  );
}

/** The public page of a certificate: what it states, whether its signature holds, and how to check it offline. */
export async function certificatePage(c: Context<AppEnv>, retirementId: number) {
  const locale = c.get('locale');
  const view = await certificateViewOf(c, retirementId);
  const t = translator(locale);
  const title = t('title', { id: retirementId });
  const crumbs = [
    { href: '/', label: frame.t(locale, 'nav_home') },
    { href: '/registry', label: frame.t(locale, 'nav_registry') },
  ];
  return renderPage(c, {
    title,
    breadcrumbs: crumbs,
    children: view.document ? (
      <CertificateBody locale={locale} view={view} document={view.document} mineral={await mineralLabels(c)} />
    ) : (
      <>
        <h1>{title}</h1>
        <SignatureStatus view={view} t={t} />
      </>
    ),
  });
}
