import { formatTonnes } from '../../../core/i18n/format.ts';
import type { CommandContext } from '../../../journal/public.ts';
import { verificationError } from '../../messages/verifications.ts';
import { verificationDraws } from '../../schema.ts';
import { type Draw, type DrawProps, lockStatementForDraw } from '../../verification-statements.ts';

/**
 * Gives quantity back to a statement when the registry cancels units issued from it (a negative
 * draw). Like `drawFromVerification`, for the registry's own command, with no event of its own.
 * Never gives back more than has been drawn.
 */
export async function restoreToVerification(ctx: CommandContext, props: DrawProps): Promise<Draw> {
  const { statement, drawnKg, reference } = await lockStatementForDraw(ctx, props);
  if (props.quantityKg > drawnKg) {
    throw verificationError('exceeds_drawn_quantity', 422, (locale) => ({ drawn: formatTonnes(locale, Math.max(0, drawnKg)), id: statement.id }), { drawnKg });
  }
  const [draw] = await ctx.tx.insert(verificationDraws).values({ statementId: statement.id, quantityKg: -props.quantityKg, reference, createdAt: ctx.now }).returning();
  return { draw: draw!, remainingKg: statement.responsibleKg - drawnKg + props.quantityKg };
}
