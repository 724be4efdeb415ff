import { eq } from 'drizzle-orm';
import { findOrganisation } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import { maxFileBytes, storeFile } from '../../files/public.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { convert, type RateUsed } from '../../rates/public.ts';
import { activityByCode, checkAllocationShares, checkAmount, checkCostCategory, checkCurrency, checkPastDate, cleanText, grantFundsActivity, grantsById, type AllocationInput, type Grant } from '../grant-rules.ts';
import { financeAllocations, financeExpenditures, financePartnerCommitments } from '../grants-schema.ts';
import { grantError } from '../messages/grant-errors.ts';

export type UploadedFile = { filename: string; contentType: string; content: Buffer };

/** IATI TransactionType: 4 expenditure, 3 disbursement (money passed to an implementing partner). */
export const spendingKinds = { expenditure: 4, disbursement: 3 } as const;
export type SpendingKind = keyof typeof spendingKinds;

export type RecordExpenditureProps = {
  kind: SpendingKind;
  /** The voucher reference from the books: the same one twice is the same payment, refused. */
  reference: string;
  spentOn: string;
  amountMinor: number;
  currency: string;
  /** The activity's code. */
  activity: string;
  category: string;
  /** An organisation of Orebook by its code, or an individual by name (kept for the secretariat only). */
  payee: { organisation: string } | { individual: string };
  description: string;
  /** The outgoing commitment (contract) a disbursement pays, by its reference. */
  partnerCommitment?: string;
  /** The receipt: stored so that only the secretariat's admins can read it. */
  receipt?: UploadedFile;
  /** The funding sources it is charged to (a grant by id, or null for the unrestricted funds), summing to the amount. */
  allocations: readonly AllocationInput[];
};

/**
 * The share charged to a grant, in the grant's currency, which its budget against actual counts:
 * converted at the day's rates of the application's one rate table when the spending is in another
 * currency (a missing rate is refused, 422 rate_missing), with the rates it used.
 */
async function grantShareMinor(ctx: CommandContext, grant: Grant, currency: string, amountMinor: number, on: string): Promise<{ amountMinor: number; rates: RateUsed[] }> {
  if (currency === grant.currency) return { amountMinor, rates: [] };
  const converted = await convert(ctx.tx, { amountMinor, from: currency, to: grant.currency, on });
  return { amountMinor: converted.amountMinor, rates: converted.ratesUsed };
}

/**
 * The secretariat records money spent, or passed to an implementing partner, and charges it to
 * its funding sources. The allocations sum exactly to the amount; a grant is charged only for
 * spending inside its period on an activity it funds. Spending beyond a budget line is allowed
 * (the budget against actual shows it as overspent). An individual payee's name is kept in the
 * row for the secretariat and never journalled: the event says "individual".
 */
export async function recordExpenditure(ctx: CommandContext, props: RecordExpenditureProps) {
  authorize(ctx.actor, 'finance.manage');
  if (!Object.hasOwn(spendingKinds, props.kind)) throw grantError('spending_kind_invalid', 422);
  const transactionType = spendingKinds[props.kind];
  const reference = cleanText(props.reference, 100);
  if (reference === null) throw grantError('expenditure_reference_required', 422);
  const spentOn = checkPastDate(ctx, props.spentOn);
  const amountMinor = checkAmount(props.amountMinor);
  const currency = checkCurrency(props.currency);
  const costCategory = checkCostCategory(props.category);
  const description = cleanText(props.description, 500);
  if (description === null) throw grantError('description_required', 422);
  if (props.receipt && (props.receipt.content.length === 0 || props.receipt.content.length > maxFileBytes)) throw grantError('receipt_invalid', 422);
  const allocations = checkAllocationShares(amountMinor, props.allocations);
  const activity = await activityByCode(ctx.tx, props.activity);

  const payee = props.payee as { organisation?: unknown; individual?: unknown };
  const individual = typeof payee.individual === 'string' ? cleanText(payee.individual, 200) : null;
  if ((payee.organisation === undefined) === (payee.individual === undefined) || (payee.individual !== undefined && individual === null)) throw grantError('payee_required', 422);
  let payeeOrganisation: { id: number; code: string; kind: string } | null = null;
  if (typeof payee.organisation === 'string') {
    const found = await findOrganisation(ctx.tx, { code: payee.organisation });
    if (!found) throw grantError('payee_not_found', 422, { organisation: payee.organisation });
    payeeOrganisation = found;
  } else if (payee.organisation !== undefined) throw grantError('payee_required', 422);
  if (props.kind === 'disbursement' && payeeOrganisation?.kind !== 'partner') throw grantError('partner_required', 422, { organisation: payeeOrganisation?.code ?? 'individual' });

  let partnerCommitmentId: number | null = null;
  if (props.partnerCommitment !== undefined) {
    const [commitment] = await ctx.tx.select({ id: financePartnerCommitments.id }).from(financePartnerCommitments).where(eq(financePartnerCommitments.reference, props.partnerCommitment));
    if (!commitment) throw grantError('partner_commitment_not_found', 422, { reference: props.partnerCommitment });
    partnerCommitmentId = commitment.id;
  }

  const grants = await grantsById(ctx.tx, allocations.flatMap((allocation) => (allocation.grantId === null ? [] : [allocation.grantId])));
  const rows = [];
  for (const allocation of allocations) {
    if (allocation.grantId === null) {
      rows.push({ grantId: null, amountMinor: allocation.amountMinor, grantAmountMinor: null, rates: [] as RateUsed[] });
      continue;
    }
    const grant = grants.get(allocation.grantId);
    if (!grant) throw grantError('grant_not_found', 422, { id: String(allocation.grantId) });
    if (spentOn < grant.periodStart || spentOn > grant.periodEnd) throw grantError('grant_period', 422, { date: spentOn, reference: grant.reference, start: grant.periodStart, end: grant.periodEnd });
    if (!(await grantFundsActivity(ctx.tx, grant.id, activity))) throw grantError('grant_restricted', 422, { reference: grant.reference, activity: activity.code });
    const share = await grantShareMinor(ctx, grant, currency, allocation.amountMinor, spentOn);
    if (share.amountMinor <= 0) throw grantError('amount_invalid', 422);
    rows.push({ grantId: grant.id, amountMinor: allocation.amountMinor, grantAmountMinor: share.amountMinor, rates: share.rates });
  }

  const [duplicate] = await ctx.tx.select({ id: financeExpenditures.id }).from(financeExpenditures).where(eq(financeExpenditures.reference, reference));
  if (duplicate) throw grantError('expenditure_duplicate', 409, { reference });

  const receipt = props.receipt ? await storeFile(ctx, { ...props.receipt, visibility: 'personal' }) : null;
  const [expenditure] = (await ctx.tx
    .insert(financeExpenditures)
    .values({
      transactionType,
      reference,
      spentOn,
      amountMinor,
      currency,
      activityId: activity.id,
      costCategory,
      payeeOrganisationId: payeeOrganisation?.id ?? null,
      payeeIndividualName: payeeOrganisation ? null : individual,
      description,
      partnerCommitmentId,
      receiptFileId: receipt?.id ?? null,
      createdAt: ctx.now,
    })
    .returning()) as [typeof financeExpenditures.$inferSelect];
  await ctx.tx.insert(financeAllocations).values(rows.map(({ rates: _rates, ...row }) => ({ expenditureId: expenditure.id, ...row })));
  await appendEvent(ctx, {
    type: props.kind === 'disbursement' ? 'finance.disbursement_recorded' : 'finance.expenditure_recorded',
    subject: `expenditure:${expenditure.id}`,
    payload: {
      expenditureId: expenditure.id,
      iatiTransactionType: transactionType,
      reference,
      spentOn,
      amountMinor,
      currency,
      activity: activity.code,
      category: costCategory,
      // A person is never named outside the secretariat, the public journal included.
      payee: payeeOrganisation ? payeeOrganisation.code : 'individual',
      partnerCommitment: props.partnerCommitment ?? null,
      receiptSha256: receipt?.sha256 ?? null,
      allocations: rows.map((row) => ({ grantId: row.grantId, amountMinor: row.amountMinor, grantAmountMinor: row.grantAmountMinor, rates: row.rates.map((rate) => ({ id: rate.id, currency: rate.currency, rateOn: rate.rateOn, unitsPerUsdMicro: rate.unitsPerUsdMicro })) })),
    },
  });
  return expenditure;
}
