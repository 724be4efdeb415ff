import { formatTonnes } from '../../../core/i18n/format.ts';
import type { CommandContext } from '../../../journal/public.ts';
import { verificationError } from '../../messages/verifications.ts';
import { verifyStatementSignature } from '../../queries/verifications.ts';
import { verificationDraws } from '../../schema.ts';
import { type Draw, type DrawProps, lockStatementForDraw } from '../../verification-statements.ts';

/**
 * Takes quantity from a statement when the registry issues credits from it. For the registry's
 * own issuing command: it runs in that command's transaction and appends no event (the issuing
 * event records the draw). Refused when the statement's signature does not verify, or when the
 * quantity is more than what remains; concurrent draws queue on the statement's row.
 */
export async function drawFromVerification(ctx: CommandContext, props: DrawProps): Promise<Draw> {
  const { statement, drawnKg, reference } = await lockStatementForDraw(ctx, props);
  if (!verifyStatementSignature(statement).valid) throw verificationError('verification_signature_invalid', 409, () => ({ id: statement.id }));
  const remainingKg = statement.responsibleKg - drawnKg;
  if (props.quantityKg > remainingKg) {
    throw verificationError('exceeds_issuable_quantity', 422, (locale) => ({ remaining: formatTonnes(locale, Math.max(0, remainingKg)), id: statement.id }), { remainingKg });
  }
  const [draw] = await ctx.tx.insert(verificationDraws).values({ statementId: statement.id, quantityKg: props.quantityKg, reference, createdAt: ctx.now }).returning();
  return { draw: draw!, remainingKg: remainingKg - props.quantityKg };
}
