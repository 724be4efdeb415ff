import { organisationOf } from '../../../core/auth/roles.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { productionDeclarations } from '../../schema.ts';
import { blankToNull, declarationFacts, type EvidenceUpload, lockSiteToDeclare, type ProductionDeclaration, refuseBadFigures, storeEvidence } from '../../production-declarations.ts';
import { containedKgOf, type DeclarationFigures } from '../../production-figures.ts';

/**
 * Declares production of one site for a day or a lot. Contained metal is computed here, never
 * taken from the caller. The buyer stays out of the journal (it may name a person); the evidence
 * file is cited by its SHA-256.
 */
export async function declareProduction(
  ctx: CommandContext,
  props: DeclarationFigures & { siteId: number; evidence?: EvidenceUpload | null },
): Promise<ProductionDeclaration> {
  const site = await lockSiteToDeclare(ctx, props.siteId);
  const figures = { ...props, lotReference: blankToNull(props.lotReference), buyer: props.buyer.trim() };
  await refuseBadFigures(ctx, figures);
  const evidence = props.evidence ? await storeEvidence(ctx, props.evidence) : null;
  const [row] = await ctx.tx
    .insert(productionDeclarations)
    .values({
      siteId: site.id,
      mineral: figures.mineral,
      producedOn: figures.producedOn,
      lotReference: figures.lotReference,
      wetOreKg: figures.wetOreKg,
      dryOreKg: figures.dryOreKg,
      gradeBasisPoints: figures.gradeBasisPoints,
      containedKg: containedKgOf(figures.dryOreKg, figures.gradeBasisPoints),
      buyer: figures.buyer,
      evidenceFileId: evidence?.id ?? null,
      declaredByOrganisationId: organisationOf(ctx.actor),
    })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.production_declared',
    subject: `production:${row!.id}`,
    payload: { ...declarationFacts(site.code, row!), evidenceSha256: evidence?.sha256 ?? null },
  });
  return row!;
}
