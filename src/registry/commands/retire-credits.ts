import { isIsoDate } from '../../core/calendar.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { registryError } from '../messages/ledger.ts';
import { creditRetirements } from '../schema.ts';
import { accountRef, assertAccountActive, assertMayUseAccount, carveBlocks, cleanText, eventRanges, lockAccounts, selectUnits, type EventRange, type UnitSelection } from './ledger.ts';

export type RetireCreditsProps = {
  accountId: number;
  /** The legal name of the company the claim is made for: public. */
  beneficiary: string;
  /** First and last day the claim covers (ISO dates, both included). */
  claimPeriodStart: string;
  claimPeriodEnd: string;
  /** What the claim covers: a product line and its units, or `total use`. */
  covers: string;
  /** Where the footprint the claim rests on is documented (optional, up to 200 characters). */
  footprintReference?: string | null;
  /** What the beneficiary states publicly about the claim (optional, up to 2,000 characters). */
  publicStatement?: string | null;
} & UnitSelection;

export type Retirement = typeof creditRetirements.$inferSelect & { ranges: EventRange[] };

/** Checks the claim and returns it cleaned; throws the first rule it breaks. Pages check a claim with it before asking to confirm. */
export function checkClaim(props: RetireCreditsProps) {
  const beneficiary = cleanText(props.beneficiary, 200);
  if (beneficiary === null) throw registryError('beneficiary_required', 422);
  const { claimPeriodStart: start, claimPeriodEnd: end } = props;
  if (!isIsoDate(start) || !isIsoDate(end) || start > end) throw registryError('claim_period_invalid', 422);
  const covers = cleanText(props.covers, 500);
  if (covers === null) throw registryError('covers_required', 422);
  const footprintReference = (props.footprintReference ?? '').trim();
  const publicStatement = (props.publicStatement ?? '').trim();
  if (footprintReference.length > 200 || publicStatement.length > 2000) throw registryError('claim_text_too_long', 422);
  return { beneficiary, claimPeriodStart: start, claimPeriodEnd: end, covers, footprintReference: footprintReference || null, publicStatement };
}

/**
 * A holder retires credits from its own approved account against a public claim: beneficiary,
 * claim period, what it covers. The units are taken like a transfer's (first in, first out, or
 * named ranges) and become retired blocks that never change again: retirement is irreversible.
 * The event carries the retired serial ranges and the whole claim. Concurrent retirements from
 * one account queue on the account; one that no longer fits fails with `insufficient_credits`.
 */
export async function retireCredits(ctx: CommandContext, props: RetireCreditsProps): Promise<Retirement> {
  const claim = checkClaim(props);
  const account = (await lockAccounts(ctx, [props.accountId])).get(props.accountId)!;
  assertMayUseAccount(ctx.actor, account);
  assertAccountActive(account);
  const { takes, quantityKg } = await selectUnits(ctx, account, props);
  const [retirement] = await ctx.tx
    .insert(creditRetirements)
    .values({ accountId: account.id, quantityKg, ...claim, createdAt: ctx.now })
    .returning();
  const retired = await carveBlocks(ctx, takes, { accountId: account.id, state: 'retired', retirementId: retirement!.id });
  const ranges = await eventRanges(ctx.tx, retired);
  await appendEvent(ctx, {
    type: 'registry.credits_retired',
    subject: `credit-retirement:${retirement!.id}`,
    payload: {
      retirementId: retirement!.id,
      account: accountRef(account),
      quantityKg,
      beneficiary: claim.beneficiary,
      claimPeriod: { start: claim.claimPeriodStart, end: claim.claimPeriodEnd },
      covers: claim.covers,
      footprintReference: claim.footprintReference,
      publicStatement: claim.publicStatement,
      ranges,
    },
  });
  return { ...retirement!, ranges };
}
