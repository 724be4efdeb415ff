import { eq } from 'drizzle-orm';
import { authorize } from '../core/auth/policies.ts';
import { notFound } from '../core/errors.ts';
import type { CommandContext } from '../journal/public.ts';
import { assessmentError } from './messages/assessments.ts';
import { correctiveActions, sites } from './schema.ts';

export type CorrectiveAction = typeof correctiveActions.$inferSelect;

/** The currencies a cost estimate may be given in, with their ISO 4217 minor-unit digits. */
export const costCurrencies = { USD: 2, CDF: 2 } as const;
export type CostCurrency = keyof typeof costCurrencies;

/**
 * Reads a cost estimate typed by a person, in the currency's major unit ("1250", "1 250,50",
 * "1250.5"), as integer minor units. Spaces group thousands; a point or a comma marks the decimals,
 * with no more decimals than the currency has.
 */
export function parseCostEstimate(text: string, currency: CostCurrency): number {
  const digits = costCurrencies[currency];
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(compact);
  if (!match || (match[2]?.length ?? 0) > digits) throw assessmentError('cost_estimate_invalid', 422, { value: text, currency, digits });
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) throw assessmentError('cost_estimate_invalid', 422, { value: text, currency, digits });
  return minor;
}

/** The corrective action a command may change: the actor may manage its site's actions, it exists, and it is not closed. */
export async function lockCorrectiveAction(ctx: CommandContext, id: number) {
  const [row] = await ctx.tx
    .select({ action: correctiveActions, siteCooperativeOrgId: sites.cooperativeOrganisationId })
    .from(correctiveActions)
    .innerJoin(sites, eq(sites.id, correctiveActions.siteId))
    .where(eq(correctiveActions.id, id))
    .for('update', { of: correctiveActions });
  authorize(ctx.actor, 'corrective_action.manage', { siteCooperativeOrgId: row?.siteCooperativeOrgId ?? -1 });
  if (!row) throw notFound();
  const { action } = row;
  if (action.status === 'closed') throw assessmentError('corrective_action_closed', 409);
  return action;
}
