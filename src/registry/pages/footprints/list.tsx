import type { Context, Hono } from 'hono';
import { findOrganisation } from '../../../accounts/public.ts';
import { authorize, can } from '../../../core/auth/policies.ts';
import { isIsoDate } from '../../../core/calendar.ts';
import { formatDate, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { listMinerals } from '../../../sites/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { calculateFootprint, type CalculateFootprintProps } from '../../commands/footprints/calculate-footprint.ts';
import { recordProductLine } from '../../commands/footprints/record-product-line.ts';
import { footprintError } from '../../messages/footprints.ts';
import { listCalculations, listProductLines } from '../../queries/footprints.ts';
import { formOf, refusalOnForm, type Form } from '../../../web/forms.ts';
import { crumbs, footprintsPath, formatCoverage, formatGrams, mineralLabel, parseGrams, parseUnits, text, type Mineral } from './shared.tsx';

type Owner = { id: number; code: string; name: string };
type ProductLine = Awaited<ReturnType<typeof listProductLines>>[number];
type FormState = { values: Form; errors: FieldErrors };
type Status = 200 | 400 | 404 | 409 | 422;

const blank: FormState = { values: {}, errors: {} };
const unitsField = (productLineId: number) => `units-${productLineId}`;

/** The organisation whose footprints the page shows: the reader's own, after checking the reader may see them. */
async function ownerOf(c: Context<AppEnv>): Promise<Owner> {
  const actor = c.get('actor');
  const organisation = 'orgId' in actor && actor.orgId !== null ? await findOrganisation(c.get('deps').db, { id: actor.orgId }) : undefined;
  authorize(actor, 'registry.footprint.read', { orgId: organisation?.id ?? -1 });
  if (!organisation) throw footprintError('footprint_organisation_required', 422);
  return organisation;
}

function ProductLineForm({ c, minerals, state }: { c: Context<AppEnv>; minerals: Mineral[]; state: FormState }) {
  const locale = c.get('locale');
  const t = text(locale);
  return (
    <>
      <h2 id="add-product-line">{t('add_product_line_title')}</h2>
      <ErrorSummary locale={locale} errors={state.errors} />
      <form method="post" action={`${footprintsPath}/product-lines`} novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <Field name="lineName" label={t('name_label')} hint={t('name_hint')} value={state.values.lineName} error={state.errors.lineName} />
        <SelectField
          name="lineMineral"
          label={t('mineral_label')}
          value={state.values.lineMineral ?? 'cobalt'}
          error={state.errors.lineMineral}
          options={minerals.map((m) => ({ value: m.code, label: mineralLabel(minerals, m.code, locale) }))}
        />
        <Field name="gramsPerUnit" label={t('grams_label')} hint={t('grams_hint')} value={state.values.gramsPerUnit} error={state.errors.gramsPerUnit} />
        <button class="button" type="submit">
          {t('add_product_line')}
        </button>
      </form>
    </>
  );
}

function CalculationForm({ c, minerals, productLines, state }: { c: Context<AppEnv>; minerals: Mineral[]; productLines: ProductLine[]; state: FormState }) {
  const locale = c.get('locale');
  const t = text(locale);
  const lastYear = new Date().getUTCFullYear() - 1;
  return (
    <>
      <h2 id="new-calculation">{t('new_calculation_title')}</h2>
      {productLines.length === 0 ? (
        <p>{t('add_product_line_first')}</p>
      ) : (
        <>
          <p>{t('new_calculation_lead')}</p>
          <ErrorSummary locale={locale} errors={state.errors} />
          <form method="post" action={footprintsPath} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <SelectField
              name="mineral"
              label={t('calculation_mineral_label')}
              value={state.values.mineral ?? (productLines.some((line) => line.mineral === 'cobalt') ? 'cobalt' : productLines[0]!.mineral)}
              error={state.errors.mineral}
              options={minerals.map((m) => ({ value: m.code, label: mineralLabel(minerals, m.code, locale) }))}
            />
            <Field name="periodStart" type="date" label={t('period_start_label')} value={state.values.periodStart ?? `${lastYear}-01-01`} error={state.errors.periodStart} />
            <Field name="periodEnd" type="date" label={t('period_end_label')} value={state.values.periodEnd ?? `${lastYear}-12-31`} error={state.errors.periodEnd} />
            {productLines.map((line) => (
              <Field
                name={unitsField(line.id)}
                label={t('units_label', { name: line.name })}
                hint={t('units_hint', { grams: formatGrams(locale, line.milligramsPerUnit), mineral: mineralLabel(minerals, line.mineral, locale).toLocaleLowerCase(locale) })}
                value={state.values[unitsField(line.id)]}
                error={state.errors[unitsField(line.id)]}
              />
            ))}
            <button class="button" type="submit">
              {t('calculate')}
            </button>
          </form>
        </>
      )}
    </>
  );
}

async function footprintsPage(c: Context<AppEnv>, owner: Owner, forms: { productLine?: FormState; calculation?: FormState } = {}, status: Status = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const db = c.get('deps').db;
  const [minerals, productLines, calculations] = await Promise.all([listMinerals(db), listProductLines(db, owner.id), listCalculations(db, owner.id)]);
  const manages = can(c.get('actor'), 'registry.footprint.manage', { orgId: owner.id });
  const recorded = productLines.find((line) => String(line.id) === c.req.query('recorded'));
  return renderPage(
    c,
    {
      title: t('title'),
      breadcrumbs: crumbs(c),
      children: (
        <>
          <h1>{t('title')}</h1>
          <p class="lead">{t('lead')}</p>
          {recorded && status === 200 && (
            <p class="panel" role="status">
              {t('product_line_recorded', { name: recorded.name })}
            </p>
          )}
          <h2>{t('calculations_title')}</h2>
          {calculations.length === 0 ? (
            <EmptyState title={t('no_calculations')} next={t('no_calculations_next')} />
          ) : (
            <DataTable
              caption={t('calculations_caption', { organisation: owner.name })}
              rows={calculations}
              columns={[
                { header: t('reference'), cell: (calc) => <a href={`${footprintsPath}/${calc.reference}`}>{calc.reference}</a> },
                { header: t('mineral'), cell: (calc) => mineralLabel(minerals, calc.mineral, locale) },
                { header: t('claim_period'), cell: (calc) => t('period_value', { start: formatDate(locale, calc.periodStart), end: formatDate(locale, calc.periodEnd) }) },
                { header: t('required'), cell: (calc) => formatTonnes(locale, calc.coverage.requiredKg), numeric: true },
                { header: t('retired'), cell: (calc) => formatTonnes(locale, calc.coverage.retiredKg), numeric: true },
                { header: t('coverage'), cell: (calc) => formatCoverage(locale, calc.coverage), numeric: true },
              ]}
            />
          )}
          <h2>{t('product_lines_title')}</h2>
          {productLines.length === 0 ? (
            <EmptyState title={t('no_product_lines')} next={t('no_product_lines_next')} />
          ) : (
            <DataTable
              caption={t('product_lines_caption', { organisation: owner.name })}
              rows={productLines}
              columns={[
                { header: t('product_line'), cell: (line) => line.name },
                { header: t('mineral'), cell: (line) => mineralLabel(minerals, line.mineral, locale) },
                { header: t('content_per_unit'), cell: (line) => t('grams_value', { grams: formatGrams(locale, line.milligramsPerUnit) }), numeric: true },
                { header: t('recorded_on'), cell: (line) => formatDate(locale, line.createdAt) },
              ]}
            />
          )}
          {manages && (
            <>
              <CalculationForm c={c} minerals={minerals} productLines={productLines} state={forms.calculation ?? blank} />
              <ProductLineForm c={c} minerals={minerals} state={forms.productLine ?? blank} />
            </>
          )}
        </>
      ),
    },
    status,
  );
}

const productLineFieldOf: Record<string, string> = { product_line_name_invalid: 'lineName', product_line_name_taken: 'lineName', mineral_unknown: 'lineMineral', content_per_unit_invalid: 'gramsPerUnit' };

/** The calculation a submitted form asks for (lines with units given), or the field errors that stop it. */
function readCalculationForm(locale: Locale, form: Form, owner: Owner, productLines: ProductLine[]): { props: CalculateFootprintProps } | { errors: FieldErrors } {
  const t = text(locale);
  const errors: FieldErrors = {};
  if (!isIsoDate(form.periodStart ?? '')) errors.periodStart = t('date_invalid');
  if (!isIsoDate(form.periodEnd ?? '')) errors.periodEnd = t('date_invalid');
  const lines: CalculateFootprintProps['lines'][number][] = [];
  for (const line of productLines) {
    const typed = (form[unitsField(line.id)] ?? '').trim();
    if (typed === '') continue;
    const unitsSold = parseUnits(typed);
    if (unitsSold === null) errors[unitsField(line.id)] = t('units_invalid');
    else lines.push({ productLineId: line.id, unitsSold });
  }
  if (Object.keys(errors).length > 0) return { errors };
  return { props: { organisationId: owner.id, mineral: form.mineral ?? '', periodStart: form.periodStart!, periodEnd: form.periodEnd!, lines } };
}

/** The footprint page of the reader's organisation, and its two forms: a new product line, a new calculation. */
export function registerFootprintListPages(pages: Hono<AppEnv>) {
  pages.get(footprintsPath, async (c) => footprintsPage(c, await ownerOf(c)));

  pages.post(`${footprintsPath}/product-lines`, async (c) => {
    const owner = await ownerOf(c);
    const locale = c.get('locale');
    const form = await formOf(c);
    const milligramsPerUnit = parseGrams(form.gramsPerUnit ?? '');
    if (milligramsPerUnit === null) return footprintsPage(c, owner, { productLine: { values: form, errors: { gramsPerUnit: text(locale)('grams_invalid') } } }, 400);
    try {
      const line = await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        recordProductLine(ctx, { organisationId: owner.id, name: form.lineName ?? '', mineral: form.lineMineral ?? '', milligramsPerUnit }),
      );
      return c.redirect(`${footprintsPath}?recorded=${line.id}`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, locale, (refused) => productLineFieldOf[refused.code] ?? 'lineName');
      return footprintsPage(c, owner, { productLine: { values: form, errors: refusal.errors } }, refusal.status);
    }
  });

  pages.post(footprintsPath, async (c) => {
    const owner = await ownerOf(c);
    const locale = c.get('locale');
    const form = await formOf(c);
    const productLines = await listProductLines(c.get('deps').db, owner.id);
    const read = readCalculationForm(locale, form, owner, productLines);
    if ('errors' in read) return footprintsPage(c, owner, { calculation: { values: form, errors: read.errors } }, 400);
    const firstUnits = unitsField(read.props.lines[0]?.productLineId ?? productLines[0]?.id ?? 0);
    try {
      const calculation = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => calculateFootprint(ctx, read.props));
      return c.redirect(`${footprintsPath}/${calculation.reference}?calculated=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, locale, ({ code, details }) => {
        if (code === 'mineral_unknown') return 'mineral';
        if (code === 'footprint_period_invalid') return 'periodStart';
        const productLineId = (details as { productLineId?: unknown } | undefined)?.productLineId;
        return typeof productLineId === 'number' ? unitsField(productLineId) : firstUnits;
      });
      return footprintsPage(c, owner, { calculation: { values: form, errors: refusal.errors } }, refusal.status);
    }
  });
}
