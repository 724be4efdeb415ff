import { randomBytes } from 'node:crypto';
import type { Database } from '../../src/db/connect.ts';
import { standardCriteria, standardVersions, type criterionLevels, type standardAreas } from '../../src/sites/schema.ts';

type Area = (typeof standardAreas)[number];
type Level = (typeof criterionLevels)[number];

/** A small standard: two or three criteria per area, a baseline one first where the area has one. */
export const defaultTestCriteria: readonly { code: string; area: Area; level: Level }[] = [
  { code: 'HS.1', area: 'health_safety', level: 'baseline' },
  { code: 'HS.2', area: 'health_safety', level: 'progress' },
  { code: 'HS.3', area: 'health_safety', level: 'progress' },
  { code: 'CR.1', area: 'child_rights', level: 'baseline' },
  { code: 'CR.2', area: 'child_rights', level: 'progress' },
  { code: 'CG.1', area: 'cooperative_governance', level: 'baseline' },
  { code: 'CG.2', area: 'cooperative_governance', level: 'progress' },
  { code: 'EN.1', area: 'environment', level: 'progress' },
  { code: 'EN.2', area: 'environment', level: 'progress' },
  { code: 'LT.1', area: 'legality_traceability', level: 'baseline' },
  { code: 'LT.2', area: 'legality_traceability', level: 'progress' },
];

/**
 * A published version of the standard with its criteria, inserted directly: for tests of the parts
 * of the sites module that assess against the standard but are not about writing it.
 */
export async function insertPublishedStandard(
  db: Database,
  props: { version?: string; publishedAt?: Date; criteria?: readonly { code: string; area: Area; level: Level }[]; status?: 'draft' | 'published' } = {},
) {
  const status = props.status ?? 'published';
  const [version] = await db
    .insert(standardVersions)
    .values({
      version: props.version ?? `test-${randomBytes(3).toString('hex')}`,
      status,
      publishedAt: status === 'published' ? (props.publishedAt ?? new Date()) : null,
    })
    .returning();
  const criteria = await db
    .insert(standardCriteria)
    .values(
      (props.criteria ?? defaultTestCriteria).map((criterion, position) => ({
        versionId: version!.id,
        code: criterion.code,
        area: criterion.area,
        level: criterion.level,
        position,
        textEn: `Requirement ${criterion.code}`,
        textFr: `Exigence ${criterion.code}`,
        guidanceEn: `How to check ${criterion.code}`,
        guidanceFr: `Comment vérifier ${criterion.code}`,
      })),
    )
    .returning();
  return { version: version!, criteria };
}
