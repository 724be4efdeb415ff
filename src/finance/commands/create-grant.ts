import { and, eq } from 'drizzle-orm';
import { findOrganisation } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { activityByCode, areaByCode, checkAmount, checkCurrency, checkDate, cleanText } from '../grant-rules.ts';
import { financeGrantReports, financeGrantRestrictions, financeGrants } from '../grants-schema.ts';
import { grantError } from '../messages/grant-errors.ts';

export type CreateGrantProps = {
  /** The donor organisation's code (an organisation of kind donor). */
  donor: string;
  /** The agreement's reference, unique per donor. */
  reference: string;
  title: string;
  purpose: string;
  /** ISO 4217: the currency of the total, the budget and the receipts. */
  currency: string;
  totalMinor: number;
  signedOn: string;
  periodStart: string;
  periodEnd: string;
  /** Codes of the activities the grant is restricted to. */
  activities: readonly string[];
  /** Codes of the programme areas whose every activity it may fund. */
  areas: readonly string[];
  reportsDue: readonly { dueOn: string; description: string }[];
};

const referenceFormat = /^[A-Za-z0-9][A-Za-z0-9./_-]{0,59}$/;

/** The secretariat records a grant agreement signed with a donor; its budget comes as version 1 (`reviseGrantBudget`). */
export async function createGrant(ctx: CommandContext, props: CreateGrantProps) {
  authorize(ctx.actor, 'finance.manage');
  if (typeof props.reference !== 'string' || !referenceFormat.test(props.reference)) throw grantError('grant_reference_invalid', 422);
  const title = cleanText(props.title, 200);
  const purpose = cleanText(props.purpose, 2000);
  if (title === null || purpose === null) throw grantError('grant_text_required', 422);
  const currency = checkCurrency(props.currency);
  const totalMinor = checkAmount(props.totalMinor);
  const signedOn = checkDate(props.signedOn);
  const periodStart = checkDate(props.periodStart);
  const periodEnd = checkDate(props.periodEnd);
  if (periodEnd < periodStart) throw grantError('period_order', 422);

  const donor = await findOrganisation(ctx.tx, { code: props.donor });
  if (!donor || donor.kind !== 'donor') throw grantError('donor_not_found', 422, { donor: props.donor });
  if (props.activities.length + props.areas.length === 0 || props.activities.length + props.areas.length > 50) throw grantError('restrictions_required', 422);
  const activityIds = new Set<number>();
  for (const code of props.activities) activityIds.add((await activityByCode(ctx.tx, code)).id);
  const areaIds = new Set<number>();
  for (const code of props.areas) areaIds.add((await areaByCode(ctx.tx, code)).id);
  const reports = props.reportsDue.map((report) => ({ dueOn: report.dueOn, description: cleanText(report.description, 200) }));
  if (reports.length > 50 || new Set(reports.map((report) => report.dueOn)).size !== reports.length) throw grantError('reports_invalid', 422);
  for (const report of reports) if (report.description === null || typeof report.dueOn !== 'string') throw grantError('reports_invalid', 422);
  for (const report of reports) checkDate(report.dueOn);

  const [existing] = await ctx.tx.select({ id: financeGrants.id }).from(financeGrants).where(and(eq(financeGrants.donorOrganisationId, donor.id), eq(financeGrants.reference, props.reference)));
  if (existing) throw grantError('grant_exists', 409, { reference: props.reference });

  const [grant] = (await ctx.tx
    .insert(financeGrants)
    .values({ donorOrganisationId: donor.id, reference: props.reference, title, purpose, currency, totalMinor, signedOn, periodStart, periodEnd, createdAt: ctx.now })
    .returning()) as [typeof financeGrants.$inferSelect];
  await ctx.tx.insert(financeGrantRestrictions).values([...[...activityIds].map((activityId) => ({ grantId: grant.id, activityId })), ...[...areaIds].map((areaId) => ({ grantId: grant.id, areaId }))]);
  if (reports.length) await ctx.tx.insert(financeGrantReports).values(reports.map((report) => ({ grantId: grant.id, dueOn: report.dueOn, description: report.description! })));
  await appendEvent(ctx, {
    type: 'finance.grant_created',
    subject: `grant:${grant.id}`,
    payload: {
      grantId: grant.id,
      donor: donor.code,
      reference: grant.reference,
      title,
      currency,
      totalMinor,
      signedOn,
      periodStart,
      periodEnd,
      activities: [...new Set(props.activities)].sort(),
      areas: [...new Set(props.areas)].sort(),
      reportsDue: reports.map((report) => report.dueOn).sort(),
    },
  });
  return grant;
}
