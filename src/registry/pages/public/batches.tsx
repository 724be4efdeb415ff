import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { formatDate, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { listMinerals } from '../../../sites/public.ts';
import { DataTable, EmptyState, ErrorSummary, SelectField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { publicText } from '../../messages/public.ts';
import { batchFilterChoices, listBatches, type BatchFilter } from '../../queries/ledger.ts';
import { rangeSerials } from '../../serials.ts';
import { CsvLink, crumbs, mineralLabel, registryPath, type Mineral } from './shared.tsx';

type Choices = Awaited<ReturnType<typeof batchFilterChoices>>;
type Filters = { site: string; mineral: string; vintage: string };

/** The filters as asked in the query string, checked as the API checks them; an empty one means any. */
function readFilters(locale: Locale, c: Context<AppEnv>, minerals: Mineral[]): { filters: Filters; filter: BatchFilter; errors: FieldErrors } {
  const t = publicText(locale);
  const filters = { site: c.req.query('site') ?? '', mineral: c.req.query('mineral') ?? '', vintage: c.req.query('vintage') ?? '' };
  const errors: FieldErrors = {};
  if (filters.site && !/^[A-Z]{3,6}$/.test(filters.site)) errors.site = t('site_invalid');
  if (filters.mineral && !minerals.some((m) => m.code === filters.mineral)) errors.mineral = t('mineral_invalid');
  if (filters.vintage && !/^\d{4}$/.test(filters.vintage)) errors.vintage = t('vintage_invalid');
  return {
    filters,
    errors,
    filter: { siteCode: filters.site || undefined, mineral: filters.mineral || undefined, vintage: filters.vintage ? Number(filters.vintage) : undefined },
  };
}

function FilterForm({ locale, filters, errors, choices, minerals }: { locale: Locale; filters: Filters; errors: FieldErrors; choices: Choices; minerals: Mineral[] }) {
  const t = publicText(locale);
  const any = { value: '', label: t('any') };
  return (
    <form method="get" action={`${registryPath}/batches`} aria-label={t('filters_title')}>
      <div class="filters">
        <SelectField name="site" label={t('site')} value={filters.site} error={errors.site} options={[any, ...[...new Set([...choices.siteCodes, ...(filters.site ? [filters.site] : [])])].map((code) => ({ value: code, label: code }))]} />
        <SelectField name="mineral" label={t('mineral')} value={filters.mineral} error={errors.mineral} options={[any, ...minerals.map((m) => ({ value: m.code, label: mineralLabel(minerals, m.code, locale) }))]} />
        <SelectField name="vintage" label={t('vintage')} value={filters.vintage} error={errors.vintage} options={[any, ...choices.vintages.map((year) => ({ value: String(year), label: String(year) }))]} />
      </div>
      <button class="button button-secondary" type="submit">
        {t('filter')}
      </button>{' '}
      <a href={`${registryPath}/batches`}>{t('clear_filters')}</a>
    </form>
  );
}

async function batchesPage(c: Context<AppEnv>) {
  authorize(c.get('actor'), 'registry.read.public');
  const locale = c.get('locale');
  const t = publicText(locale);
  const db = c.get('deps').db;
  const [choices, minerals] = await Promise.all([batchFilterChoices(db), listMinerals(db)]);
  const { filters, filter, errors } = readFilters(locale, c, minerals);
  const valid = Object.keys(errors).length === 0;
  const batches = valid ? await listBatches(db, filter) : [];
  const filtered = Object.values(filters).some(Boolean);
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value !== '')).toString();
  return renderPage(
    c,
    {
      title: t('batches_title'),
      breadcrumbs: crumbs(c),
      children: (
        <>
          <h1>{t('batches_title')}</h1>
          <p class="lead">{t('batches_lead')}</p>
          <p>{t('period_links_to_verification')}</p>
          <ErrorSummary locale={locale} errors={errors} />
          <FilterForm locale={locale} filters={filters} errors={errors} choices={choices} minerals={minerals} />
          {valid && (
            <>
              {batches.length === 0 ? (
                <EmptyState title={t('no_batches')} next={<a href={`${registryPath}/batches`}>{t('no_batches_next')}</a>} />
              ) : (
                <DataTable
                  caption={filtered ? t('batches_caption_filtered') : t('batches_caption')}
                  rows={batches}
                  columns={[
                    { header: t('serials'), cell: (b) => <span class="mono">{rangeSerials(b.serialPrefix, { first: 1, last: b.issuedKg })}</span> },
                    { header: t('site'), cell: (b) => <a href={`/sites/${b.siteCode}`}>{`${b.siteCode} (${b.country})`}</a> },
                    { header: t('mineral'), cell: (b) => mineralLabel(minerals, b.mineral, locale) },
                    { header: t('vintage'), cell: (b) => String(b.vintage) },
                    {
                      header: t('period'),
                      cell: (b) => (
                        <a href={`/verifications/${b.statementId}`} title={t('verification_link', { id: b.statementId })}>
                          {t('period_value', { start: formatDate(locale, b.periodStart), end: formatDate(locale, b.periodEnd) })}
                        </a>
                      ),
                    },
                    { header: t('issued'), cell: (b) => formatTonnes(locale, b.issuedKg), numeric: true },
                    { header: t('held'), cell: (b) => formatTonnes(locale, b.heldKg), numeric: true },
                    { header: t('retired'), cell: (b) => formatTonnes(locale, b.retiredKg), numeric: true },
                    { header: t('cancelled'), cell: (b) => formatTonnes(locale, b.cancelledKg), numeric: true },
                  ]}
                />
              )}
              <CsvLink href={`/api/v1/registry/batches.csv${query ? `?${query}` : ''}`} label={t('download_batches')} />
            </>
          )}
        </>
      ),
    },
    valid ? 200 : 400,
  );
}

/** Every batch issued, filtered by site, mineral and vintage through the query string (a permalink per view). */
export function registerBatchesPage(pages: Hono<AppEnv>) {
  pages.get(`${registryPath}/batches`, batchesPage);
}
