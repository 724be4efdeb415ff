import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { createMembership } from '../commands/members/create-membership.ts';
import { issueContributionCalls } from '../commands/members/issue-contribution-calls.ts';
import { recordContributionPayment } from '../commands/members/record-contribution-payment.ts';
import { setContributionRate } from '../commands/members/set-contribution-rate.ts';
import { updateMembership } from '../commands/members/update-membership.ts';
import { callForReader, listContributionRates, listMembers, memberForReader, totalBalances, type CallWithPayments, type MemberSummary } from '../queries/members.ts';
import { contributionRules, membershipCategories, membershipStatuses } from '../schema.ts';

const minor = (description: string) => z.number().int().openapi({ description: `${description}, in minor units of the currency (cents)` });
const organisationParams = z.object({ organisation: z.string().max(32).openapi({ description: 'the member organisation’s code', example: 'fairphone' }) });
const callParams = z.object({ number: z.string().max(20).openapi({ example: 'MC-2025-0001' }) });
const rateParams = z.object({
  year: z.coerce.number().int().positive().max(9999).openapi({ description: 'the year the rates are for', example: 2025 }),
  category: z.string().max(20).openapi({ description: membershipCategories.join(', '), example: 'downstream' }),
});

const MembershipBody = z.strictObject({
  category: z.string().max(20).openapi({ description: membershipCategories.join(', '), example: 'downstream' }),
  rule: z.string().max(20).openapi({ description: `${contributionRules.join(' or ')}: the category’s fixed amount, or declared cobalt tonnes × the year’s amount per tonne between floor and cap`, example: 'cobalt_scaled' }),
  declaredCobaltKg: z.number().int().nullable().optional().openapi({ description: 'declared yearly cobalt use in kilograms of contained cobalt; required on the scaled rule', example: 850_000 }),
});
const CreateMembershipBody = MembershipBody.extend({ memberSince: z.iso.date().openapi({ example: '2024-03-15' }) });
const UpdateMembershipBody = MembershipBody.extend({ status: z.string().max(20).openapi({ description: membershipStatuses.join(', '), example: 'active' }) });
const RateBody = z.strictObject({
  currency: z.string().max(3).openapi({ description: 'ISO 4217 code', example: 'USD' }),
  fixedAmountMinor: minor('the fixed contribution of a member on the category rule'),
  perTonneMinor: minor('the amount per tonne of declared cobalt use'),
  floorMinor: minor('the least a member on the scaled rule pays'),
  capMinor: minor('the most a member on the scaled rule pays'),
});
const IssueCallsBody = z.strictObject({
  year: z.number().int().openapi({ example: 2025 }),
  issuedOn: z.iso.date().optional().openapi({ description: 'today when left out' }),
  dueOn: z.iso.date().openapi({ example: '2025-03-31' }),
  organisation: z.string().max(32).optional().openapi({ description: 'call one member only; every member due a call for the year when left out' }),
});
const PaymentBody = z.strictObject({
  amountMinor: minor('the amount received: all or part of what is left to pay'),
  currency: z.string().max(3).openapi({ example: 'USD' }),
  receivedOn: z.iso.date(),
  reference: z.string().max(200).openapi({ description: 'the bank’s reference; the same reference is refused twice on a call (409)', example: 'TRF-2025-0412' }),
});

const BalanceSchema = z.object({ currency: z.string(), calledMinor: z.number().int(), paidMinor: z.number().int(), outstandingMinor: z.number().int(), arrearsMinor: z.number().int().openapi({ description: 'left to pay on calls past their due date' }) });
const MembershipSchema = z.object({
  organisation: z.string(),
  name: z.string(),
  category: z.string(),
  status: z.string(),
  memberSince: z.string(),
  rule: z.string(),
  declaredCobaltKg: z.number().int().nullable(),
  balances: z.array(BalanceSchema),
});
const PaymentSchema = z.object({ id: z.number().int(), amountMinor: z.number().int(), currency: z.string(), receivedOn: z.string(), reference: z.string() });
const CallSchema = z
  .object({
    number: z.string(),
    organisation: z.string(),
    year: z.number().int(),
    currency: z.string(),
    amountMinor: z.number().int(),
    basis: z.record(z.string(), z.union([z.string(), z.number()])).openapi({ description: 'how the amount was computed: the rule, the rates and the declared use it took' }),
    issuedOn: z.string(),
    dueOn: z.string(),
    paidMinor: z.number().int(),
    outstandingMinor: z.number().int(),
    inArrears: z.boolean(),
    payments: z.array(PaymentSchema),
  })
  .openapi('ContributionCall');
const RateSchema = z.object({ year: z.number().int(), category: z.string(), currency: z.string(), fixedAmountMinor: z.number().int(), perTonneMinor: z.number().int(), floorMinor: z.number().int(), capMinor: z.number().int() }).openapi('ContributionRate');

const presentMember = (member: MemberSummary) => ({
  organisation: member.organisationCode,
  name: member.organisationName,
  category: member.category,
  status: member.status,
  memberSince: member.memberSince,
  rule: member.rule,
  declaredCobaltKg: member.declaredCobaltKg,
  balances: member.balances,
});
const presentCall = (call: CallWithPayments) => ({
  number: call.number,
  organisation: call.organisationCode,
  year: call.year,
  currency: call.currency,
  amountMinor: call.amountMinor,
  basis: call.basis,
  issuedOn: call.issuedOn,
  dueOn: call.dueOn,
  paidMinor: call.paidMinor,
  outstandingMinor: call.outstandingMinor,
  inArrears: call.inArrears,
  payments: call.payments.map(({ id, amountMinor, currency, receivedOn, reference }) => ({ id, amountMinor, currency, receivedOn, reference })),
});
const membershipAnswer = (membership: { category: string; status: string; memberSince: string; rule: string; declaredCobaltKg: number | null }, organisation: string) => ({
  organisation,
  category: membership.category,
  status: membership.status,
  memberSince: membership.memberSince,
  rule: membership.rule,
  declaredCobaltKg: membership.declaredCobaltKg,
});
const MembershipAnswer = jsonResponse(z.object({ organisation: z.string(), category: z.string(), status: z.string(), memberSince: z.string(), rule: z.string(), declaredCobaltKg: z.number().int().nullable() }));

/** The members' API: the secretariat keeps members, rates, calls and payments; a member reads its own. */
export function registerMembersApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/members',
      tags: ['Finance'],
      summary: 'Every member with what it was called for, paid, still owes and owes past due, and the totals (secretariat)',
      security: signedInSecurity,
      responses: { 200: jsonResponse(z.object({ members: z.array(MembershipSchema), totals: z.array(BalanceSchema) }).openapi('Members')), ...errorResponses(401, 403) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'finance.members.list');
      const members = await listMembers(c.get('deps').db, isoDateOf(new Date()));
      return c.json({ members: members.map(presentMember), totals: totalBalances(members) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/members/{organisation}',
      tags: ['Finance'],
      summary: 'A membership with its calls and payments (the secretariat, or the member’s own users)',
      security: signedInSecurity,
      request: { params: organisationParams },
      responses: { 200: jsonResponse(MembershipSchema.extend({ calls: z.array(CallSchema) }).openapi('Membership')), ...errorResponses(401, 403, 404) },
    }),
    async (c) => {
      const member = await memberForReader(c.get('deps').db, c.get('actor'), c.req.valid('param').organisation, isoDateOf(new Date()));
      return c.json({ ...presentMember(member), calls: member.calls.map(presentCall) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/members/{organisation}',
      tags: ['Finance'],
      summary: 'Admit an organisation as a member, with its category and contribution rule (secretariat)',
      security: signedInSecurity,
      request: { params: organisationParams, body: { content: { 'application/json': { schema: CreateMembershipBody } }, required: true } },
      responses: { 201: MembershipAnswer, ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const organisation = c.req.valid('param').organisation;
      const membership = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => createMembership(ctx, { organisation, ...c.req.valid('json') }));
      return c.json(membershipAnswer(membership, organisation), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/finance/members/{organisation}',
      tags: ['Finance'],
      summary: 'Change a membership’s category, status, rule or declared cobalt use; issued calls keep theirs (secretariat)',
      security: signedInSecurity,
      request: { params: organisationParams, body: { content: { 'application/json': { schema: UpdateMembershipBody } }, required: true } },
      responses: { 200: MembershipAnswer, ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const organisation = c.req.valid('param').organisation;
      const membership = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => updateMembership(ctx, { organisation, ...c.req.valid('json') }));
      return c.json(membershipAnswer(membership, organisation), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/contribution-rates',
      tags: ['Finance'],
      summary: 'The contribution rates of every year and category (secretariat)',
      security: signedInSecurity,
      responses: { 200: jsonResponse(z.array(RateSchema)), ...errorResponses(401, 403) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'finance.members.list');
      return c.json(await listContributionRates(c.get('deps').db), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/finance/contribution-rates/{year}/{category}',
      tags: ['Finance'],
      summary: 'Set a category’s rates for a year: its fixed amount and its scale by cobalt use; refused once a call uses them (secretariat)',
      security: signedInSecurity,
      request: { params: rateParams, body: { content: { 'application/json': { schema: RateBody } }, required: true } },
      responses: { 200: jsonResponse(RateSchema), ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const rate = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => setContributionRate(ctx, { ...c.req.valid('param'), ...c.req.valid('json') }));
      return c.json(rate, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/contribution-calls',
      tags: ['Finance'],
      summary: 'Issue a year’s contribution calls: of every member due one, or of one member (secretariat)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: IssueCallsBody } }, required: true } },
      responses: { 201: jsonResponse(z.array(CallSchema)), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const calls = await runCommand(db, c.get('actor'), (ctx) => issueContributionCalls(ctx, c.req.valid('json')));
      const today = isoDateOf(new Date());
      const issued = await Promise.all(calls.map((call) => callForReader(db, c.get('actor'), call.number, today)));
      return c.json(issued.map(presentCall), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/finance/contribution-calls/{number}',
      tags: ['Finance'],
      summary: 'A contribution call with its payments (the secretariat, or the member’s own users)',
      security: signedInSecurity,
      request: { params: callParams },
      responses: { 200: jsonResponse(CallSchema), ...errorResponses(401, 403, 404) },
    }),
    async (c) => c.json(presentCall(await callForReader(c.get('deps').db, c.get('actor'), c.req.valid('param').number, isoDateOf(new Date()))), 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/finance/contribution-calls/{number}/payments',
      tags: ['Finance'],
      summary: 'Record money received against a call, in part or in full; never beyond what is left, never the same bank reference twice (secretariat)',
      security: signedInSecurity,
      request: { params: callParams, body: { content: { 'application/json': { schema: PaymentBody } }, required: true } },
      responses: { 201: jsonResponse(CallSchema), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const number = c.req.valid('param').number;
      await runCommand(db, c.get('actor'), (ctx) => recordContributionPayment(ctx, { call: number, ...c.req.valid('json') }));
      return c.json(presentCall(await callForReader(db, c.get('actor'), number, isoDateOf(new Date()))), 201);
    },
  );
}
