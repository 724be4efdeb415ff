import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { findOrganisation, listOrganisations, organisations } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import type { Queryable } from '../../db/connect.ts';
import type { ContributionBasis, ContributionRate } from '../contribution-rule.ts';
import { reportingOrg } from '../iati/reporting-org.ts';
import { membersError } from '../messages/members-errors.ts';
import { financeContributionCalls, financeContributionPayments, financeContributionRates, financeMemberships } from '../schema.ts';

export type ContributionPaymentRow = typeof financeContributionPayments.$inferSelect;

/** A call with its payments, what is left to pay, and whether it is in arrears (past its due date with something left to pay) on `today`. */
export type CallWithPayments = typeof financeContributionCalls.$inferSelect & {
  basis: ContributionBasis;
  organisationCode: string;
  organisationName: string;
  memberSince: string;
  payments: ContributionPaymentRow[];
  paidMinor: number;
  outstandingMinor: number;
  inArrears: boolean;
};

/** What a member was called for, paid, still owes and owes past due, in one currency. */
export type Balance = { currency: string; calledMinor: number; paidMinor: number; outstandingMinor: number; arrearsMinor: number };

export type MemberSummary = typeof financeMemberships.$inferSelect & { organisationCode: string; organisationName: string; balances: Balance[] };

/** Sums calls into balances per currency, in currency order. */
export function balancesOf(calls: readonly CallWithPayments[]): Balance[] {
  const byCurrency = new Map<string, Balance>();
  for (const call of calls) {
    const balance = byCurrency.get(call.currency) ?? { currency: call.currency, calledMinor: 0, paidMinor: 0, outstandingMinor: 0, arrearsMinor: 0 };
    balance.calledMinor += call.amountMinor;
    balance.paidMinor += call.paidMinor;
    balance.outstandingMinor += call.outstandingMinor;
    if (call.inArrears) balance.arrearsMinor += call.outstandingMinor;
    byCurrency.set(call.currency, balance);
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

/** Calls (of some memberships, or all), newest year first, each with its payments in the order received. */
export async function listCalls(db: Queryable, today: string, filter: { membershipIds?: readonly number[]; number?: string } = {}): Promise<CallWithPayments[]> {
  if (filter.membershipIds?.length === 0) return [];
  const calls = await db
    .select({ call: financeContributionCalls, organisationCode: organisations.code, organisationName: organisations.name, memberSince: financeMemberships.memberSince })
    .from(financeContributionCalls)
    .innerJoin(financeMemberships, eq(financeMemberships.id, financeContributionCalls.membershipId))
    .innerJoin(organisations, eq(organisations.id, financeMemberships.organisationId))
    .where(
      and(
        filter.membershipIds === undefined ? undefined : inArray(financeContributionCalls.membershipId, [...filter.membershipIds]),
        filter.number === undefined ? undefined : eq(financeContributionCalls.number, filter.number),
      ),
    )
    .orderBy(desc(financeContributionCalls.year), asc(financeContributionCalls.number));
  if (calls.length === 0) return [];
  const payments = await db
    .select()
    .from(financeContributionPayments)
    .where(inArray(financeContributionPayments.callId, calls.map((row) => row.call.id)))
    .orderBy(asc(financeContributionPayments.receivedOn), asc(financeContributionPayments.id));
  return calls.map(({ call, organisationCode, organisationName, memberSince }) => {
    const own = payments.filter((payment) => payment.callId === call.id);
    const paidMinor = own.reduce((sum, payment) => sum + payment.amountMinor, 0);
    const outstandingMinor = call.amountMinor - paidMinor;
    return { ...call, basis: call.basis as ContributionBasis, organisationCode, organisationName, memberSince, payments: own, paidMinor, outstandingMinor, inArrears: outstandingMinor > 0 && call.dueOn < today };
  });
}

/** Every member, by name, with its balances per currency (for the secretariat). */
export async function listMembers(db: Queryable, today: string): Promise<MemberSummary[]> {
  const members = await db
    .select({ membership: financeMemberships, organisationCode: organisations.code, organisationName: organisations.name })
    .from(financeMemberships)
    .innerJoin(organisations, eq(organisations.id, financeMemberships.organisationId))
    .orderBy(asc(organisations.name));
  const calls = await listCalls(db, today);
  return members.map(({ membership, organisationCode, organisationName }) => ({
    ...membership,
    organisationCode,
    organisationName,
    balances: balancesOf(calls.filter((call) => call.membershipId === membership.id)),
  }));
}

/** The totals of all members per currency: called, paid, outstanding, in arrears. */
export const totalBalances = (members: readonly MemberSummary[]): Balance[] => {
  const byCurrency = new Map<string, Balance>();
  for (const balance of members.flatMap((member) => member.balances)) {
    const total = byCurrency.get(balance.currency) ?? { currency: balance.currency, calledMinor: 0, paidMinor: 0, outstandingMinor: 0, arrearsMinor: 0 };
    total.calledMinor += balance.calledMinor;
    total.paidMinor += balance.paidMinor;
    total.outstandingMinor += balance.outstandingMinor;
    total.arrearsMinor += balance.arrearsMinor;
    byCurrency.set(balance.currency, total);
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
};

/** The contribution rates, newest year first, categories in their order. */
export async function listContributionRates(db: Queryable): Promise<ContributionRate[]> {
  return db
    .select({
      year: financeContributionRates.year,
      category: financeContributionRates.category,
      currency: financeContributionRates.currency,
      fixedAmountMinor: financeContributionRates.fixedAmountMinor,
      perTonneMinor: financeContributionRates.perTonneMinor,
      floorMinor: financeContributionRates.floorMinor,
      capMinor: financeContributionRates.capMinor,
    })
    .from(financeContributionRates)
    .orderBy(desc(financeContributionRates.year), asc(financeContributionRates.category));
}

export type MemberDetail = MemberSummary & { calls: CallWithPayments[] };

/** One organisation's membership with its calls and payments; undefined when it is not a member. */
export async function getMember(db: Queryable, organisationId: number, today: string): Promise<MemberDetail | undefined> {
  const [row] = await db
    .select({ membership: financeMemberships, organisationCode: organisations.code, organisationName: organisations.name })
    .from(financeMemberships)
    .innerJoin(organisations, eq(organisations.id, financeMemberships.organisationId))
    .where(eq(financeMemberships.organisationId, organisationId));
  if (!row) return undefined;
  const calls = await listCalls(db, today, { membershipIds: [row.membership.id] });
  return { ...row.membership, organisationCode: row.organisationCode, organisationName: row.organisationName, balances: balancesOf(calls), calls };
}

/**
 * A member as the actor may read it: the secretariat any member, a member user its own
 * organisation's (403 for anyone else, 401 for the public); 404 when the organisation is not a member.
 */
export async function memberForReader(db: Queryable, actor: Actor, organisationCode: string, today: string): Promise<MemberDetail> {
  const organisation = await findOrganisation(db, { code: organisationCode });
  authorize(actor, 'finance.membership.read', { orgId: organisation?.id ?? -1 });
  const member = organisation && (await getMember(db, organisation.id, today));
  if (!member) throw membersError('membership_not_found', 404, { organisation: organisation?.name ?? organisationCode });
  return member;
}

/** A call as the actor may read it: the secretariat, or a member user of the called organisation; 404 when there is no such call. */
export async function callForReader(db: Queryable, actor: Actor, number: string, today: string): Promise<CallWithPayments> {
  const [call] = await listCalls(db, today, { number });
  const [member] = call ? await db.select({ organisationId: financeMemberships.organisationId }).from(financeMemberships).where(eq(financeMemberships.id, call.membershipId)) : [];
  authorize(actor, 'finance.membership.read', { orgId: member?.organisationId ?? -1 });
  if (!call) throw membersError('call_not_found', 404, { number });
  return call;
}

/** Who issues the contribution calls: the secretariat's organisation, else the alliance by its IATI name. */
export async function contributionIssuer(db: Queryable): Promise<string> {
  const secretariat = (await listOrganisations(db)).find((organisation) => organisation.kind === 'secretariat');
  return secretariat?.name ?? reportingOrg.nameEn;
}
