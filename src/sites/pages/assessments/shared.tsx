import type { Context } from 'hono';
import { z } from 'zod';
import { authorize, can } from '../../../core/auth/policies.ts';
import { notFound } from '../../../core/errors.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { formatDate, formatNumber } from '../../../core/i18n/format.ts';
import { StatusTag, type FieldErrors, type TagTone } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { authorizeAssessmentWrite } from '../../assessment-records.ts';
import { assessmentsText } from '../../messages/assessments.ts';
import { getAssessment, type AssessmentDetail, type Rating, type ScoreTenths } from '../../queries/assessments.ts';
import { standardAreas } from '../../schema.ts';


export type Key = Parameters<typeof assessmentsText.t>[1];
export const textFor = (locale: Locale) => (key: Key, params?: Record<string, string | number>) => assessmentsText.t(locale, key, params);

/** A posted file, or undefined when the field was left empty (browsers then send an empty part with no name). */
export async function fileOf(c: Context<AppEnv>, name: string): Promise<File | undefined> {
  const value = (await c.req.parseBody())[name];
  return value instanceof File && (value.size > 0 || value.name !== '') ? value : undefined;
}

export function fieldErrors(error: z.ZodError, message: (field: string) => string): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    errors[field] ??= message(field);
  }
  return errors;
}

/** 875 tenths → "87.5%" / "87,5 %"; a dash when there is no score. */
export function formatScore(locale: Locale, tenths: ScoreTenths): string {
  return tenths === null ? '–' : formatNumber(locale, tenths / 1000, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

export function formatChange(locale: Locale, tenths: ScoreTenths): string {
  if (tenths === null) return '–';
  return assessmentsText.t(locale, 'change_points', { value: formatNumber(locale, tenths / 10, { minimumFractionDigits: 1, maximumFractionDigits: 1, signDisplay: 'exceptZero' }) });
}

export const ratingTone: Record<Rating, TagTone> = { met: 'green', partly_met: 'yellow', not_met: 'red', not_applicable: 'grey' };

export function ScoringNote({ locale }: { locale: Locale }) {
  const t = textFor(locale);
  return (
    <details>
      <summary>{t('scoring_title')}</summary>
      <p>{t('scoring_formula')}</p>
      <p>{t('scoring_baseline')}</p>
    </details>
  );
}

export const periodOf = (locale: Locale, a: { periodStart: string; periodEnd: string }) => `${formatDate(locale, a.periodStart)} – ${formatDate(locale, a.periodEnd)}`;
export const areasOf = (assessment: AssessmentDetail) => standardAreas.filter((area) => assessment.criteria.some((c) => c.area === area));
export const mayEdit = (c: Context<AppEnv>, assessment: AssessmentDetail) => {
  const actor = c.get('actor');
  return assessment.status === 'draft' && 'orgId' in actor && actor.orgId === assessment.verifierOrganisationId && can(actor, 'assessment.write', { siteCooperativeOrgId: assessment.site.cooperativeOrganisationId });
};

export async function loadAssessment(c: Context<AppEnv>, access: 'read' | 'write') {
  const id = Number(c.req.param('id'));
  const assessment = Number.isSafeInteger(id) && id > 0 ? await getAssessment(c.get('deps').db, id) : undefined;
  const siteCooperativeOrgId = assessment?.site.cooperativeOrganisationId ?? -1;
  if (access === 'read') authorize(c.get('actor'), 'assessment.read', { siteCooperativeOrgId });
  else authorizeAssessmentWrite(c.get('actor'), { cooperativeOrganisationId: siteCooperativeOrgId });
  if (!assessment) throw notFound();
  return assessment;
}

export function crumbs(locale: Locale, assessment: AssessmentDetail) {
  const t = textFor(locale);
  return [
    { href: `/sites/${assessment.site.code}/assessments`, label: t('assessments_of', { site: assessment.site.name }) },
    { href: `/assessments/${assessment.id}`, label: t('assessment_for', { period: periodOf(locale, assessment) }) },
  ];
}

export const statusTag = (locale: Locale, status: 'draft' | 'submitted') => <StatusTag tone={status === 'submitted' ? 'green' : 'blue'}>{textFor(locale)(`status_${status}`)}</StatusTag>;
