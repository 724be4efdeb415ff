import type { Context, Hono } from 'hono';
import { authorize, can } from '../../../core/auth/policies.ts';
import { formatDate, formatNumber, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { listMinerals } from '../../../sites/public.ts';
import { CardGrid, DataTable, EmptyState, SummaryCard } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { footprintError } from '../../messages/footprints.ts';
import { getCalculation, type CalculationDetail } from '../../queries/footprints.ts';
import { tonnesInput } from '../../../core/quantities.ts';
import { crumbs, footprintsPath, formatCoverage, formatGrams, mineralLabel, text } from './shared.tsx';

/** A retirement's `covers` may hold 500 characters. */
const maxCovers = 500;

/** Grams of metal in a line (units × milligrams ÷ 1,000, exact), shown as kilograms with up to three decimals. */
const lineKilograms = (locale: Locale, line: { unitsSold: number; milligramsPerUnit: number }) =>
  `${formatNumber(locale, Number((BigInt(line.unitsSold) * BigInt(line.milligramsPerUnit)) / 1000n) / 1000, { maximumFractionDigits: 3 })} kg`;

/** What a retirement against this calculation covers, in words: each product line and its units sold. */
export function coversText(locale: Locale, calculation: CalculationDetail): string {
  const t = text(locale);
  const sold = calculation.lines.filter((line) => line.unitsSold > 0);
  const summary = sold.map((line) => t('covers_line', { name: line.name, units: line.unitsSold })).join('; ');
  if (summary.length > 0 && summary.length <= maxCovers) return summary;
  const units = sold.reduce((sum, line) => sum + line.unitsSold, 0);
  return t('covers_total', { count: sold.length, units, reference: calculation.reference }).slice(0, maxCovers);
}

/** The retirement page, filled in to retire what the calculation still lacks; the reader chooses the account there. */
export function retireRestLink(locale: Locale, calculation: CalculationDetail): string {
  const query = new URLSearchParams({
    quantity: tonnesInput(calculation.coverage.restKg),
    footprintReference: calculation.reference,
    claimStart: calculation.periodStart,
    claimEnd: calculation.periodEnd,
    covers: coversText(locale, calculation),
    beneficiary: calculation.organisation.name,
  });
  return `/registry/retire?${query.toString()}`;
}

function CoverageSummary({ locale, calculation, mineral }: { locale: Locale; calculation: CalculationDetail; mineral: string }) {
  const t = text(locale);
  const { coverage, reference } = calculation;
  const figures = { retired: formatTonnes(locale, coverage.retiredKg), required: formatTonnes(locale, coverage.requiredKg), percent: formatCoverage(locale, coverage), over: formatTonnes(locale, coverage.overKg) };
  return (
    <>
      <CardGrid>
        <SummaryCard figure={formatTonnes(locale, coverage.requiredKg)} label={t('required_label', { mineral })} />
        <SummaryCard figure={formatTonnes(locale, coverage.retiredKg)} label={t('retired_label', { reference })} />
        <SummaryCard figure={formatCoverage(locale, coverage)} label={t('coverage_label')} />
        {coverage.overKg > 0 ? <SummaryCard figure={formatTonnes(locale, coverage.overKg)} label={t('over_label')} /> : <SummaryCard figure={formatTonnes(locale, coverage.restKg)} label={t('rest_label')} />}
      </CardGrid>
      {coverage.percent === null ? (
        <p>{t('coverage_nothing')}</p>
      ) : (
        <p>
          <label for="coverage">{t('coverage_meter', { reference })}</label>
          <br />
          {/* A meter shows at most full: over-coverage is told in the sentence beside it. */}
          <meter id="coverage" style="width: 100%; max-width: 24em; height: 1.5em" min={0} max={100} low={99.95} high={100} optimum={100} value={Math.min(coverage.percent, 100)}>
            {figures.percent}
          </meter>{' '}
          {coverage.overKg > 0 ? t('coverage_over_text', figures) : t('coverage_text', figures)}
        </p>
      )}
    </>
  );
}

async function detailPage(c: Context<AppEnv>) {
  const locale = c.get('locale');
  const t = text(locale);
  const actor = c.get('actor');
  const db = c.get('deps').db;
  const reference = c.req.param('reference') ?? '';
  const calculation = await getCalculation(db, reference);
  // References are public (the journal names them), so saying one does not exist reveals nothing.
  if (!calculation) throw footprintError('footprint_not_found', 404, { reference });
  authorize(actor, 'registry.footprint.read', { orgId: calculation.organisation.id });
  const minerals = await listMinerals(db, [calculation.mineral]);
  const mineral = mineralLabel(minerals, calculation.mineral, locale).toLocaleLowerCase(locale);
  const period = { start: formatDate(locale, calculation.periodStart), end: formatDate(locale, calculation.periodEnd) };
  const mayRetire = can(actor, 'registry.footprint.manage', { orgId: calculation.organisation.id }) && can(actor, 'registry.retire');
  const { coverage } = calculation;
  return renderPage(c, {
    title: t('detail_title', { reference }),
    breadcrumbs: crumbs(c, true),
    children: (
      <>
        {c.req.query('calculated') === '1' && (
          <p class="panel" role="status">
            {t('calculated_panel', { reference })}
          </p>
        )}
        <h1>{t('detail_title', { reference })}</h1>
        <p class="lead">{t('detail_lead', { organisation: calculation.organisation.name, required: formatTonnes(locale, coverage.requiredKg), mineral, ...period })}</p>
        <CoverageSummary locale={locale} calculation={calculation} mineral={mineral} />
        {coverage.restKg > 0 ? (
          mayRetire && (
            <p>
              <a class="button" id="retire-rest" href={retireRestLink(locale, calculation)}>
                {t('retire_rest', { quantity: formatTonnes(locale, coverage.restKg) })}
              </a>{' '}
              <a id="order-rest" href={`/registry/orders/new?quantity=${tonnesInput(coverage.restKg)}`}>
                {t('order_rest', { quantity: formatTonnes(locale, coverage.restKg) })}
              </a>
            </p>
          )
        ) : (
          coverage.percent !== null && <p>{t('fully_covered')}</p>
        )}
        <DataTable
          caption={t('lines_caption', period)}
          rows={[...calculation.lines, null]}
          columns={[
            { header: t('product_line'), cell: (line) => (line ? line.name : <strong>{t('total')}</strong>) },
            { header: t('content_per_unit'), cell: (line) => (line ? t('grams_value', { grams: formatGrams(locale, line.milligramsPerUnit) }) : ''), numeric: true },
            { header: t('units_sold'), cell: (line) => (line ? formatNumber(locale, line.unitsSold) : ''), numeric: true },
            { header: t('metal'), cell: (line) => (line ? lineKilograms(locale, line) : <strong>{formatTonnes(locale, coverage.requiredKg)}</strong>), numeric: true },
          ]}
        />
        <h2>{t('retirements_title')}</h2>
        {calculation.retirements.length === 0 ? (
          <EmptyState title={t('no_retirements')} next={t('no_retirements_next', { reference })} />
        ) : (
          <DataTable
            caption={t('retirements_caption', { organisation: calculation.organisation.name, reference })}
            rows={calculation.retirements}
            columns={[
              { header: t('retired_on'), cell: (r) => formatDate(locale, r.createdAt) },
              { header: t('beneficiary'), cell: (r) => r.beneficiary },
              { header: t('claim_period'), cell: (r) => t('period_value', { start: formatDate(locale, r.claimPeriodStart), end: formatDate(locale, r.claimPeriodEnd) }) },
              { header: t('quantity'), cell: (r) => formatTonnes(locale, r.quantityKg), numeric: true },
              { header: t('certificate'), cell: (r) => <a href={`/certificates/${r.id}`}>{t('certificate_link', { id: r.id })}</a> },
            ]}
          />
        )}
        <p>
          <a href={footprintsPath}>{t('back_to_footprints')}</a>
        </p>
      </>
    ),
  });
}

/** One footprint calculation: its lines, coverage and the retirements that cover it. */
export function registerFootprintDetailPage(pages: Hono<AppEnv>) {
  pages.get(`${footprintsPath}/:reference`, detailPage);
}
