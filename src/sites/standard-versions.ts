import { createHash } from 'node:crypto';
import { asc, eq } from 'drizzle-orm';
import { canonicalBytes } from '../core/canonical-json.ts';
import type { CommandContext } from '../journal/public.ts';
import { standardError } from './messages/standard.ts';
import { criterionLevels, standardAreas, standardCriteria, standardVersions } from './schema.ts';

export type StandardArea = (typeof standardAreas)[number];
export type CriterionLevel = (typeof criterionLevels)[number];

/** One criterion of a version, as written by the secretariat; its position is its place in the list. */
export type CriterionInput = {
  /** Short permanent code, two to four capital letters, a hyphen and two or three digits: `HS-01`. */
  code: string;
  area: StandardArea;
  /** `baseline`: must be met before credits are issued; `progress`: scored improvement. */
  level: CriterionLevel;
  textEn: string;
  textFr: string;
  /** What the verifier looks at, asks and counts. */
  guidanceEn: string;
  guidanceFr: string;
};

export type StandardVersion = typeof standardVersions.$inferSelect;

export const versionPattern = /^\d{1,3}\.\d{1,3}$/;
export const criterionCodePattern = /^[A-Z]{2,4}-\d{2,3}$/;
const maxText = 2000;

export type CriterionProblem = { index: number; code: string; field: string; problem: 'code_format' | 'code_duplicate' | 'area_invalid' | 'level_invalid' | 'text_missing' | 'text_too_long' };

/**
 * What is wrong with a list of criteria: codes unique and well formed, areas and levels known, text
 * and guidance present in English and French. Every problem is listed, not only the first.
 */
export function criteriaProblems(criteria: readonly CriterionInput[]): CriterionProblem[] {
  const problems: CriterionProblem[] = [];
  const seen = new Set<string>();
  criteria.forEach((criterion, index) => {
    const at = (field: string, problem: CriterionProblem['problem']) => problems.push({ index, code: String(criterion.code ?? ''), field, problem });
    if (typeof criterion.code !== 'string' || !criterionCodePattern.test(criterion.code)) at('code', 'code_format');
    else if (seen.has(criterion.code)) at('code', 'code_duplicate');
    else seen.add(criterion.code);
    if (!(standardAreas as readonly string[]).includes(criterion.area)) at('area', 'area_invalid');
    if (!(criterionLevels as readonly string[]).includes(criterion.level)) at('level', 'level_invalid');
    for (const field of ['textEn', 'textFr', 'guidanceEn', 'guidanceFr'] as const) {
      const value = criterion[field];
      if (typeof value !== 'string' || value.trim() === '') at(field, 'text_missing');
      else if (value.length > maxText) at(field, 'text_too_long');
    }
  });
  return problems;
}

export function refuseInvalidCriteria(criteria: readonly CriterionInput[]) {
  if (criteria.length === 0) throw standardError('standard_criteria_empty', 422);
  const problems = criteriaProblems(criteria);
  if (problems.length > 0) {
    throw standardError('standard_criteria_invalid', 422, { count: problems.length }, problems);
  }
}

export const criterionRows = (versionId: number, criteria: readonly CriterionInput[]) =>
  criteria.map((c, position) => ({
    versionId,
    position,
    code: c.code,
    area: c.area,
    level: c.level,
    textEn: c.textEn.trim(),
    textFr: c.textFr.trim(),
    guidanceEn: c.guidanceEn.trim(),
    guidanceFr: c.guidanceFr.trim(),
  }));

/** SHA-256 of the criteria's canonical JSON: the journal commits to the exact text of a version. */
export function criteriaDigest(criteria: readonly CriterionInput[]): string {
  const plain = criteria.map(({ code, area, level, textEn, textFr, guidanceEn, guidanceFr }) => ({ code, area, level, textEn, textFr, guidanceEn, guidanceFr }));
  return createHash('sha256').update(canonicalBytes(plain)).digest('hex');
}

export async function criteriaOfVersion(ctx: CommandContext, versionId: number): Promise<CriterionInput[]> {
  return ctx.tx
    .select({
      code: standardCriteria.code,
      area: standardCriteria.area,
      level: standardCriteria.level,
      textEn: standardCriteria.textEn,
      textFr: standardCriteria.textFr,
      guidanceEn: standardCriteria.guidanceEn,
      guidanceFr: standardCriteria.guidanceFr,
    })
    .from(standardCriteria)
    .where(eq(standardCriteria.versionId, versionId))
    .orderBy(asc(standardCriteria.position));
}

/** Locks a version row for the rest of the command, so publishing and editing a draft never interleave. */
export async function lockVersion(ctx: CommandContext, version: string): Promise<StandardVersion> {
  const [row] = await ctx.tx.select().from(standardVersions).where(eq(standardVersions.version, version)).for('update');
  if (!row) throw standardError('standard_version_not_found', 404, { version });
  return row;
}
