import { authorize } from '../core/auth/policies.ts';
import { eq } from 'drizzle-orm';
import { storeFile } from '../files/public.ts';
import type { CommandContext } from '../journal/public.ts';
import { productionError } from './messages/production.ts';
import { mineralCodes } from './queries/production.ts';
import { productionDeclarations, sites } from './schema.ts';
import { type DeclarationFigures, figureProblems } from './production-figures.ts';

export type ProductionDeclaration = typeof productionDeclarations.$inferSelect;

/** Refuses figures that break a rule: 422 with the first problem's code, every problem in the details. */
export async function refuseBadFigures(ctx: CommandContext, figures: DeclarationFigures) {
  const problems = figureProblems(figures, await mineralCodes(ctx.tx), ctx.now);
  const first = problems[0];
  if (first) throw productionError(first.problem, 422, first.params, problems.map(({ field, problem }) => ({ field, code: problem })));
}

/** Serialises production changes of one site, so checks such as "already corrected" hold until commit. */
/** The site declared for, locked against a concurrent change of its status, once the actor may declare its production. */
export async function lockSiteToDeclare(ctx: CommandContext, siteId: number) {
  const [site] = await ctx.tx
    .select({ id: sites.id, code: sites.code, cooperativeOrganisationId: sites.cooperativeOrganisationId })
    .from(sites)
    .where(eq(sites.id, siteId))
    .for('no key update');
  if (!site) throw productionError('site_not_found', 404);
  authorize(ctx.actor, 'production.declare', { siteCooperativeOrgId: site.cooperativeOrganisationId });
  return site;
}

export type EvidenceUpload = { filename: string; content: Buffer };

/** An uploaded form file as evidence; a form sent without choosing a file carries an empty one. */
export async function evidenceFromFile(file: File | undefined): Promise<EvidenceUpload | null> {
  if (!file || file.size === 0) return null;
  return { filename: file.name, content: Buffer.from(await file.arrayBuffer()) };
}

/** Assay certificates arrive as PDF or as a photo; the type is read from the bytes, not from the client's word. */
function evidenceContentType(content: Buffer): string | null {
  if (content.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (content[0] === 0x89 && content.subarray(1, 4).toString('latin1') === 'PNG') return 'image/png';
  if (content[0] === 0xff && content[1] === 0xd8 && content[2] === 0xff) return 'image/jpeg';
  return null;
}

export async function storeEvidence(ctx: CommandContext, evidence: EvidenceUpload) {
  const contentType = evidenceContentType(evidence.content);
  if (!contentType) throw productionError('evidence_type_not_allowed', 422);
  return storeFile(ctx, { filename: evidence.filename || 'evidence', contentType, content: evidence.content });
}

export const declarationFacts = (siteCode: string, row: ProductionDeclaration) => ({
  id: row.id,
  site: siteCode,
  mineral: row.mineral,
  producedOn: row.producedOn,
  lotReference: row.lotReference,
  wetOreKg: row.wetOreKg,
  dryOreKg: row.dryOreKg,
  gradeBasisPoints: row.gradeBasisPoints,
  containedKg: row.containedKg,
});

export const blankToNull = (value: string | null | undefined) => (value && value.trim() !== '' ? value.trim() : null);
