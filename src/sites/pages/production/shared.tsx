import type { Context } from 'hono';
import { AppError } from '../../../core/errors.ts';
import { formatNumber } from '../../../core/i18n/format.ts';
import type { Locale, Params } from '../../../core/i18n/index.ts';
import { Field, SelectField, StatusTag, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import type { Form } from '../../../web/forms.ts';
import { frame } from '../../../web/messages.ts';
import { type DeclarationFigures, figureProblems, parseGradePercent, parseTonnes } from '../../production-figures.ts';
import { productionError, productionText, type ProductionMessage } from '../../messages/production.ts';
import { listMinerals, siteByCode, type DeclarationEntry } from '../../queries/production.ts';

export type Site = NonNullable<Awaited<ReturnType<typeof siteByCode>>>;
export type Mineral = Awaited<ReturnType<typeof listMinerals>>[number];

export const text = (locale: Locale) => (key: ProductionMessage, params?: Params) => productionText.t(locale, key, params);

export async function siteOf(c: Context<AppEnv>): Promise<Site> {
  const site = await siteByCode(c.get('deps').db, c.req.param('code') ?? '');
  if (!site) throw productionError('site_not_found', 404);
  return site;
}

export const resourceOf = (site: Site) => ({ siteCooperativeOrgId: site.cooperativeOrganisationId });
export const productionPath = (site: Site) => `/sites/${site.code}/production`;
export const crumbs = (c: Context<AppEnv>, site: Site, withProduction = true) => [
  { href: '/', label: frame.t(c.get('locale'), 'nav_home') },
  { href: `/sites/${site.code}`, label: site.name },
  ...(withProduction ? [{ href: productionPath(site), label: productionText.t(c.get('locale'), 'production_title', { site: site.name }) }] : []),
];

/** Kilograms and basis points back into the decimal text the forms take: 12345 → "12.345". */
export const tonnesText = (kg: number) => `${Math.floor(kg / 1000)}.${String(kg % 1000).padStart(3, '0')}`;
export const percentText = (bp: number) => `${Math.floor(bp / 100)}.${String(bp % 100).padStart(2, '0')}`;
export const formatGrade = (locale: Locale, bp: number) => `${formatNumber(locale, bp / 100, { minimumFractionDigits: 2, maximumFractionDigits: 2 })} %`;
export const mineralLabel = (minerals: Mineral[], code: string, locale: Locale) => {
  const mineral = minerals.find((m) => m.code === code);
  return mineral ? (locale === 'fr' ? mineral.labelFr : mineral.labelEn) : code;
};

export const pageField: Record<keyof DeclarationFigures, string> = {
  mineral: 'mineral',
  producedOn: 'producedOn',
  lotReference: 'lotReference',
  wetOreKg: 'wetOreTonnes',
  dryOreKg: 'dryOreTonnes',
  gradeBasisPoints: 'gradePercent',
  buyer: 'buyer',
};

/**
 * Reads the declaration fields of a form with the rules the command applies, so every problem shows
 * beside its field. French readers may write a decimal comma.
 */
export function readFigures(form: Form, locale: Locale, minerals: Mineral[]): { figures: DeclarationFigures; errors: FieldErrors } {
  const t = text(locale);
  const options = { decimalComma: locale === 'fr' };
  const errors: FieldErrors = {};
  const wet = parseTonnes(form.wetOreTonnes ?? '', options);
  const dry = parseTonnes(form.dryOreTonnes ?? '', options);
  const grade = parseGradePercent(form.gradePercent ?? '', options);
  if (!wet.ok) errors.wetOreTonnes = t(wet.problem);
  if (!dry.ok) errors.dryOreTonnes = t(dry.problem);
  if (!grade.ok) errors.gradePercent = t(grade.problem);
  const figures: DeclarationFigures = {
    mineral: form.mineral ?? '',
    producedOn: (form.producedOn ?? '').trim(),
    lotReference: form.lotReference ?? null,
    wetOreKg: wet.ok ? wet.value : 0,
    dryOreKg: dry.ok ? dry.value : 0,
    gradeBasisPoints: grade.ok ? grade.value : 0,
    buyer: form.buyer ?? '',
  };
  for (const problem of figureProblems(figures, new Set(minerals.map((m) => m.code)), new Date())) {
    const field = pageField[problem.field];
    if (problem.problem === 'dry_above_wet' && (!wet.ok || !dry.ok)) continue;
    errors[field] ??= t(problem.problem, problem.params);
  }
  return { figures, errors };
}

/** Where an error the command raised belongs on the form. */
export function fieldOfError(error: AppError): string {
  const byCode: Record<string, string> = {
    evidence_type_not_allowed: 'evidence',
    correction_reason_missing: 'reason',
    text_too_long: 'reason',
    correction_mismatch: 'mineral',
    mineral_unknown: 'mineral',
    date_invalid: 'producedOn',
    date_in_future: 'producedOn',
    buyer_missing: 'buyer',
    dry_above_wet: 'dryOreTonnes',
  };
  return byCode[error.code] ?? 'form';
}

export function FigureFields({ locale, minerals, values, errors, fixedMineral }: { locale: Locale; minerals: Mineral[]; values: Form; errors: FieldErrors; fixedMineral?: string }) {
  const t = text(locale);
  return (
    <>
      {fixedMineral ? (
        <p>
          {t('mineral')}: <strong>{mineralLabel(minerals, fixedMineral, locale)}</strong>
        </p>
      ) : (
        <SelectField name="mineral" label={t('mineral_label')} value={values.mineral} error={errors.mineral} options={minerals.map((m) => ({ value: m.code, label: locale === 'fr' ? m.labelFr : m.labelEn }))} />
      )}
      <Field name="producedOn" type="date" label={t('produced_on_label')} hint={t('produced_on_hint')} value={values.producedOn} error={errors.producedOn} />
      <Field name="lotReference" label={t('lot_label')} hint={t('lot_hint')} value={values.lotReference} error={errors.lotReference} />
      <Field name="wetOreTonnes" label={t('wet_label')} hint={t('tonnes_hint')} value={values.wetOreTonnes} error={errors.wetOreTonnes} />
      <Field name="dryOreTonnes" label={t('dry_label')} hint={t('tonnes_hint')} value={values.dryOreTonnes} error={errors.dryOreTonnes} />
      <Field name="gradePercent" label={t('grade_label')} hint={t('grade_hint')} value={values.gradePercent} error={errors.gradePercent} />
      <Field name="buyer" label={t('buyer_label')} hint={t('buyer_hint')} value={values.buyer} error={errors.buyer} />
    </>
  );
}

export function statusOf(entry: DeclarationEntry, t: ReturnType<typeof text>) {
  if (entry.correctedById !== null) return <StatusTag tone="grey">{t('status_corrected_by', { id: entry.correctedById })}</StatusTag>;
  if (entry.correctsId !== null && entry.wetOreKg === 0 && entry.dryOreKg === 0) return <StatusTag tone="red">{t('status_voids', { id: entry.correctsId })}</StatusTag>;
  if (entry.correctsId !== null) return <StatusTag tone="blue">{t('status_correction_of', { id: entry.correctsId })}</StatusTag>;
  return <StatusTag tone="green">{t('status_counts')}</StatusTag>;
}

export const monthsOf = (year: number) => Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);


export const statusOfError = (error: AppError) => (error.status === 409 ? 409 : error.status === 413 ? 413 : 422);

/** Production of a site: monthly totals and declarations for everyone, declaring, correcting and importing for its cooperative and the secretariat. */
