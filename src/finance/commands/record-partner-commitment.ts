import { eq } from 'drizzle-orm';
import { findOrganisation } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { activityByCode, checkAmount, checkCurrency, checkDate, cleanText } from '../grant-rules.ts';
import { financePartnerCommitments } from '../grants-schema.ts';
import { grantError } from '../messages/grant-errors.ts';

export type RecordPartnerCommitmentProps = {
  /** The contract's reference. */
  reference: string;
  /** The implementing partner's organisation code (an organisation of kind partner). */
  partner: string;
  activity: string;
  amountMinor: number;
  currency: string;
  signedOn: string;
  description: string;
};

/** The secretariat records an outgoing commitment (IATI type 2): a contract with an implementing partner, paid later by disbursements. */
export async function recordPartnerCommitment(ctx: CommandContext, props: RecordPartnerCommitmentProps) {
  authorize(ctx.actor, 'finance.manage');
  const reference = cleanText(props.reference, 100);
  if (reference === null) throw grantError('transaction_reference_required', 422);
  const amountMinor = checkAmount(props.amountMinor);
  const currency = checkCurrency(props.currency);
  const signedOn = checkDate(props.signedOn);
  const description = cleanText(props.description, 500);
  if (description === null) throw grantError('description_required', 422);
  const activity = await activityByCode(ctx.tx, props.activity);
  const partner = await findOrganisation(ctx.tx, { code: props.partner });
  if (!partner || partner.kind !== 'partner') throw grantError('partner_required', 422, { organisation: props.partner });
  const [duplicate] = await ctx.tx.select({ id: financePartnerCommitments.id }).from(financePartnerCommitments).where(eq(financePartnerCommitments.reference, reference));
  if (duplicate) throw grantError('partner_commitment_duplicate', 409, { reference });
  const [commitment] = (await ctx.tx
    .insert(financePartnerCommitments)
    .values({ reference, partnerOrganisationId: partner.id, activityId: activity.id, amountMinor, currency, signedOn, description, createdAt: ctx.now })
    .returning()) as [typeof financePartnerCommitments.$inferSelect];
  await appendEvent(ctx, {
    type: 'finance.partner_commitment_recorded',
    subject: `partner-commitment:${commitment.id}`,
    payload: { commitmentId: commitment.id, iatiTransactionType: 2, reference, partner: partner.code, activity: activity.code, amountMinor, currency, signedOn },
  });
  return commitment;
}
