import { and, asc, desc, eq, inArray, lt, ne } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { notFound } from '../../core/errors.ts';
import type { Queryable } from '../../db/connect.ts';
import { files } from '../../files/public.ts';
import { assessmentEvidence, assessmentResponses, assessments, ratings, sites, standardAreas, standardCriteria, standardVersions } from '../schema.ts';

export type Rating = (typeof ratings)[number];
export type StandardArea = (typeof standardAreas)[number];
export type CriterionLevel = 'baseline' | 'progress';

/** A score in tenths of a percent (875 = 87.5 %), or null when nothing applicable was rated. */
export type ScoreTenths = number | null;

export type BaselineStatus = { met: boolean; failing: string[] };
export type AssessmentScores = { areas: Record<StandardArea, ScoreTenths>; overall: ScoreTenths; baseline: BaselineStatus };

/**
 * How a rating counts, in halves of a point: met = 1, partly met = 0.5, not met = 0; not
 * applicable is left out of the score altogether (neither in the sum nor in the count).
 */
const ratingHalfPoints: Record<Rating, number | null> = { met: 2, partly_met: 1, not_met: 0, not_applicable: null };

/**
 * A score as integer tenths of a percent: 100 × (sum of points) / (criteria rated and applicable),
 * rounded half up to the nearest tenth, in integers only (no float is ever stored or compared).
 * With points counted in halves: round(1000 × halves / (2 × rated)) = ⌊(1000 × halves + rated) / (2 × rated)⌋.
 */
export function scoreTenths(halfPoints: number, rated: number): ScoreTenths {
  if (rated === 0) return null;
  return Math.floor((1000 * halfPoints + rated) / (2 * rated));
}

/**
 * Scores an assessment from its criteria and the ratings given so far (unrated criteria do not
 * count). Per area and overall: see `scoreTenths`. The baseline is met when every baseline
 * criterion is rated met or not applicable. Not applicable counts as met for the baseline because a
 * requirement that cannot arise at a site cannot be failed there (for example the shoring of
 * tunnels at a site with open pits only); the verifier says why in the criterion's notes, and the
 * signed verification cites the assessment, so the claim stays checkable.
 */
export function computeAssessmentScores(criteria: readonly { code: string; area: StandardArea; level: CriterionLevel }[], ratingsByCode: ReadonlyMap<string, Rating>): AssessmentScores {
  const tally = new Map<StandardArea, { halves: number; rated: number }>(standardAreas.map((area) => [area, { halves: 0, rated: 0 }]));
  let halves = 0;
  let rated = 0;
  const failing: string[] = [];
  for (const criterion of criteria) {
    const rating = ratingsByCode.get(criterion.code);
    if (criterion.level === 'baseline' && rating !== 'met' && rating !== 'not_applicable') failing.push(criterion.code);
    const points = rating === undefined ? null : ratingHalfPoints[rating];
    if (points === null) continue;
    const area = tally.get(criterion.area)!;
    area.halves += points;
    area.rated += 1;
    halves += points;
    rated += 1;
  }
  const areas = Object.fromEntries(standardAreas.map((area) => [area, scoreTenths(tally.get(area)!.halves, tally.get(area)!.rated)])) as Record<StandardArea, ScoreTenths>;
  return { areas, overall: scoreTenths(halves, rated), baseline: { met: failing.length === 0, failing } };
}

/** Criteria in the order the standard presents them: by area, then position. */
export function sortCriteria<T extends { area: StandardArea; position: number; code: string }>(criteria: T[]): T[] {
  const areaOrder = (area: StandardArea) => standardAreas.indexOf(area);
  return [...criteria].sort((a, b) => areaOrder(a.area) - areaOrder(b.area) || a.position - b.position || a.code.localeCompare(b.code));
}

/** The sites this part of the module needs to find by their public code. */
export async function findSiteByCode(db: Queryable, code: string) {
  const [site] = await db.select().from(sites).where(eq(sites.code, code));
  return site;
}

export async function listPublishedStandardVersions(db: Queryable) {
  return db
    .select({ id: standardVersions.id, version: standardVersions.version, publishedAt: standardVersions.publishedAt })
    .from(standardVersions)
    .where(eq(standardVersions.status, 'published'))
    .orderBy(desc(standardVersions.publishedAt), desc(standardVersions.id));
}

export async function listVersionCriteria(db: Queryable, versionId: number) {
  const rows = await db.select().from(standardCriteria).where(eq(standardCriteria.versionId, versionId));
  return sortCriteria(rows);
}

const assessmentHeader = {
  assessment: assessments,
  site: { id: sites.id, code: sites.code, name: sites.name, cooperativeOrganisationId: sites.cooperativeOrganisationId },
  verifierOrganisation: { id: organisations.id, code: organisations.code, name: organisations.name },
  standardVersion: { id: standardVersions.id, version: standardVersions.version },
};

/** An assessment with its site, verifier organisation and standard version (no responses). */
export async function findAssessment(db: Queryable, id: number) {
  const [row] = await db
    .select(assessmentHeader)
    .from(assessments)
    .innerJoin(sites, eq(sites.id, assessments.siteId))
    .innerJoin(organisations, eq(organisations.id, assessments.verifierOrganisationId))
    .innerJoin(standardVersions, eq(standardVersions.id, assessments.standardVersionId))
    .where(eq(assessments.id, id));
  return row ? { ...row.assessment, site: row.site, verifierOrganisation: row.verifierOrganisation, standardVersion: row.standardVersion } : undefined;
}

/** The ratings given in some assessments, with what the scores need of their criteria. */
async function ratedCriteria(db: Queryable, assessmentIds: number[]) {
  if (assessmentIds.length === 0) return [];
  return db
    .select({ assessmentId: assessmentResponses.assessmentId, code: standardCriteria.code, rating: assessmentResponses.rating })
    .from(assessmentResponses)
    .innerJoin(standardCriteria, eq(standardCriteria.id, assessmentResponses.criterionId))
    .where(inArray(assessmentResponses.assessmentId, assessmentIds));
}

async function criteriaOfVersions(db: Queryable, versionIds: number[]) {
  if (versionIds.length === 0) return [];
  return db
    .select({ versionId: standardCriteria.versionId, code: standardCriteria.code, area: standardCriteria.area, level: standardCriteria.level })
    .from(standardCriteria)
    .where(inArray(standardCriteria.versionId, [...new Set(versionIds)]));
}

/** One assessment with its site, verifier organisation, standard version, criteria and responses (with evidence). */
export async function getAssessment(db: Queryable, id: number) {
  const header = await findAssessment(db, id);
  if (!header) return undefined;
  const criteria = await listVersionCriteria(db, header.standardVersionId);
  const responseRows = await db
    .select({
      id: assessmentResponses.id,
      criterionId: assessmentResponses.criterionId,
      criterionCode: standardCriteria.code,
      rating: assessmentResponses.rating,
      notes: assessmentResponses.notes,
      updatedAt: assessmentResponses.updatedAt,
    })
    .from(assessmentResponses)
    .innerJoin(standardCriteria, eq(standardCriteria.id, assessmentResponses.criterionId))
    .where(eq(assessmentResponses.assessmentId, id));
  const evidenceRows =
    responseRows.length === 0
      ? []
      : await db
          .select({ responseId: assessmentEvidence.responseId, fileId: files.id, filename: files.filename, contentType: files.contentType, sizeBytes: files.sizeBytes, sha256: files.sha256 })
          .from(assessmentEvidence)
          .innerJoin(files, eq(files.id, assessmentEvidence.fileId))
          .where(
            inArray(
              assessmentEvidence.responseId,
              responseRows.map((r) => r.id),
            ),
          )
          .orderBy(asc(assessmentEvidence.id));
  const responses = responseRows.map((response) => ({
    ...response,
    evidence: evidenceRows.filter((e) => e.responseId === response.id).map(({ responseId: _responseId, sha256, ...file }) => ({ ...file, sha256: sha256.toString('hex') })),
  }));
  return { ...header, criteria, responses };
}

export type AssessmentDetail = NonNullable<Awaited<ReturnType<typeof getAssessment>>>;

/** The assessments of a site, latest period first, with their progress and (once submitted) overall score. */
export async function listAssessments(db: Queryable, filter: { siteId: number }) {
  const rows = await db
    .select(assessmentHeader)
    .from(assessments)
    .innerJoin(sites, eq(sites.id, assessments.siteId))
    .innerJoin(organisations, eq(organisations.id, assessments.verifierOrganisationId))
    .innerJoin(standardVersions, eq(standardVersions.id, assessments.standardVersionId))
    .where(eq(assessments.siteId, filter.siteId))
    .orderBy(desc(assessments.periodEnd), desc(assessments.createdAt), desc(assessments.id));
  const criteria = await criteriaOfVersions(
    db,
    rows.map((r) => r.assessment.standardVersionId),
  );
  const rated = await ratedCriteria(
    db,
    rows.map((r) => r.assessment.id),
  );
  return rows.map((row) => {
    const ofVersion = criteria.filter((c) => c.versionId === row.assessment.standardVersionId);
    const given = new Map(rated.filter((r) => r.assessmentId === row.assessment.id).map((r) => [r.code, r.rating]));
    const scores = computeAssessmentScores(ofVersion, given);
    return {
      ...row.assessment,
      verifierOrganisation: row.verifierOrganisation,
      standardVersion: row.standardVersion,
      rated: given.size,
      total: ofVersion.length,
      overall: row.assessment.status === 'submitted' ? scores.overall : null,
    };
  });
}

/** Scores per area and overall, and the baseline status, from the ratings given so far. Throws 404 for an unknown assessment. */
export async function assessmentScores(db: Queryable, assessmentId: number): Promise<AssessmentScores> {
  const [assessment] = await db.select({ versionId: assessments.standardVersionId }).from(assessments).where(eq(assessments.id, assessmentId));
  if (!assessment) throw notFound();
  const criteria = await criteriaOfVersions(db, [assessment.versionId]);
  const given = await ratedCriteria(db, [assessmentId]);
  return computeAssessmentScores(criteria, new Map(given.map((r) => [r.code, r.rating])));
}

/** Whether every baseline criterion is met (not applicable counts as met), and the codes of those that are not. */
export async function baselineStatus(db: Queryable, assessmentId: number): Promise<BaselineStatus> {
  return (await assessmentScores(db, assessmentId)).baseline;
}

/**
 * The assessment this one is compared with: the latest submitted assessment of the same site whose
 * period ended before this one's period ends (by period end, then submission time).
 */
export async function previousSubmittedAssessment(db: Queryable, assessmentId: number) {
  const [current] = await db.select().from(assessments).where(eq(assessments.id, assessmentId));
  if (!current) return undefined;
  const [previous] = await db
    .select({ id: assessments.id })
    .from(assessments)
    .where(and(eq(assessments.siteId, current.siteId), eq(assessments.status, 'submitted'), ne(assessments.id, current.id), lt(assessments.periodEnd, current.periodEnd)))
    .orderBy(desc(assessments.periodEnd), desc(assessments.submittedAt), desc(assessments.id))
    .limit(1);
  return previous ? findAssessment(db, previous.id) : undefined;
}

export type ScoreChange = { current: ScoreTenths; previous: ScoreTenths; change: ScoreTenths };

const change = (current: ScoreTenths, previous: ScoreTenths): ScoreChange => ({
  current,
  previous,
  change: current === null || previous === null ? null : current - previous,
});

/**
 * This assessment's scores beside the previous one's, per area and overall; the change is in
 * tenths of a percentage point, null when either side has no score. `sameVersion` says whether
 * both were made against the same version of the standard (a change of version weakens the comparison).
 */
export async function compareWithPrevious(db: Queryable, assessmentId: number) {
  const current = await assessmentScores(db, assessmentId);
  const previous = await previousSubmittedAssessment(db, assessmentId);
  const before = previous ? await assessmentScores(db, previous.id) : null;
  const [own] = await db.select({ versionId: assessments.standardVersionId }).from(assessments).where(eq(assessments.id, assessmentId));
  return {
    previous: previous
      ? { id: previous.id, periodStart: previous.periodStart, periodEnd: previous.periodEnd, submittedAt: previous.submittedAt, standardVersion: previous.standardVersion }
      : null,
    sameVersion: previous ? previous.standardVersionId === own!.versionId : null,
    areas: Object.fromEntries(standardAreas.map((area) => [area, change(current.areas[area], before?.areas[area] ?? null)])) as Record<StandardArea, ScoreChange>,
    overall: change(current.overall, before?.overall ?? null),
  };
}

/** The scores of the site's latest submitted assessment (latest period end), with its period; null when none. */
export async function latestScoresByArea(db: Queryable, siteId: number) {
  const [latest] = await db
    .select({ id: assessments.id })
    .from(assessments)
    .where(and(eq(assessments.siteId, siteId), eq(assessments.status, 'submitted')))
    .orderBy(desc(assessments.periodEnd), desc(assessments.submittedAt), desc(assessments.id))
    .limit(1);
  if (!latest) return null;
  const header = (await findAssessment(db, latest.id))!;
  const scores = await assessmentScores(db, latest.id);
  return {
    assessmentId: header.id,
    periodStart: header.periodStart,
    periodEnd: header.periodEnd,
    submittedAt: header.submittedAt!,
    standardVersion: header.standardVersion,
    verifierOrganisation: header.verifierOrganisation,
    ...scores,
  };
}
