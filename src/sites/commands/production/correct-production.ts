import { organisationOf } from '../../../core/auth/roles.ts';
import { eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { productionError } from '../../messages/production.ts';
import { productionDeclarations } from '../../schema.ts';
import { blankToNull, declarationFacts, type EvidenceUpload, lockSiteToDeclare, type ProductionDeclaration, refuseBadFigures, storeEvidence } from '../../production-declarations.ts';
import { containedKgOf, type DeclarationFigures, maxReasonLength } from '../../production-figures.ts';

/**
 * Corrects a declaration with a new one that points at it; the old row stays as it was. Only the
 * newest entry of a chain can be corrected. Zero wet and dry ore voids the entry. Fields left out
 * keep the corrected entry's value.
 */
export async function correctProduction(
  ctx: CommandContext,
  props: {
    siteId: number;
    correctsId: number;
    reason: string;
    /** When given, must be the corrected entry's mineral: a correction never moves production to another mineral. */
    mineral?: string;
    producedOn?: string;
    lotReference?: string | null;
    wetOreKg: number;
    dryOreKg: number;
    gradeBasisPoints: number;
    buyer?: string;
    evidence?: EvidenceUpload | null;
  },
): Promise<ProductionDeclaration> {
  const site = await lockSiteToDeclare(ctx, props.siteId);
  const [original] = await ctx.tx.select().from(productionDeclarations).where(eq(productionDeclarations.id, props.correctsId));
  if (!original || original.siteId !== site.id) throw productionError('declaration_not_found', 404, { id: props.correctsId });
  if (props.mineral !== undefined && props.mineral !== original.mineral) {
    throw productionError('correction_mismatch', 422, { mineral: original.mineral, site: site.code });
  }
  const [newer] = await ctx.tx.select({ id: productionDeclarations.id }).from(productionDeclarations).where(eq(productionDeclarations.correctsId, original.id));
  if (newer) throw productionError('already_corrected', 409, { id: original.id, by: newer.id }, { correctedBy: newer.id });
  const reason = props.reason.trim();
  if (reason === '') throw productionError('correction_reason_missing', 422);
  if (reason.length > maxReasonLength) throw productionError('text_too_long', 422, { max: maxReasonLength });
  const figures: DeclarationFigures = {
    mineral: original.mineral,
    producedOn: props.producedOn ?? original.producedOn,
    lotReference: props.lotReference === undefined ? original.lotReference : blankToNull(props.lotReference),
    wetOreKg: props.wetOreKg,
    dryOreKg: props.dryOreKg,
    gradeBasisPoints: props.gradeBasisPoints,
    buyer: (props.buyer ?? original.buyer).trim(),
  };
  await refuseBadFigures(ctx, figures);
  const evidence = props.evidence ? await storeEvidence(ctx, props.evidence) : null;
  const [row] = await ctx.tx
    .insert(productionDeclarations)
    .values({
      siteId: site.id,
      ...figures,
      lotReference: figures.lotReference ?? null,
      containedKg: containedKgOf(figures.dryOreKg, figures.gradeBasisPoints),
      evidenceFileId: evidence?.id ?? original.evidenceFileId,
      correctsId: original.id,
      correctionReason: reason,
      declaredByOrganisationId: organisationOf(ctx.actor),
    })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.production_corrected',
    subject: `production:${row!.id}`,
    payload: {
      ...declarationFacts(site.code, row!),
      corrects: original.id,
      previousContainedKg: original.containedKg,
      voids: row!.wetOreKg === 0 && row!.dryOreKg === 0,
      evidenceSha256: evidence?.sha256 ?? null,
    },
  });
  return row!;
}
