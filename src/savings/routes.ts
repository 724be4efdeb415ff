import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../core/auth/policies.ts';
import { isoDateOf } from '../core/calendar.ts';
import { notFound } from '../core/errors.ts';
import { runCommand } from '../journal/public.ts';
import { sexes } from '../sites/public.ts';
import type { AppEnv } from '../web/context.ts';
import { errorResponses as errors, jsonResponse as json, signedInSecurity } from '../web/openapi.ts';
import { addMember, addMemberSchema } from './commands/add-member.ts';
import { createGroupSchema, createGroup } from './commands/create-group.ts';
import { enterpriseRevenueSchema, recordEnterpriseRevenue, registerEnterprise, registerEnterpriseSchema } from './commands/enterprises.ts';
import { openCycle, openCycleSchema } from './commands/open-cycle.ts';
import { groupCodePattern, meetingInputSchema, recordMeeting } from './commands/record-meeting.ts';
import { shareOutCycle } from './commands/share-out.ts';
import { savingsFigures, yearWindow } from './queries/figures.ts';
import { getCycle, getGroup, listEnterprises, listGroups } from './queries/groups.ts';
import { committeeRoles, cycleStatuses, enterpriseSectors } from './schema.ts';

const tags = ['Savings groups'];
const GroupParams = z.object({ code: z.string().regex(groupCodePattern).openapi({ example: 'KAM-VSLA-01' }) });
const CycleParams = GroupParams.extend({ number: z.coerce.number().int().min(1).max(999) });
const YearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100).optional().openapi({ description: 'Calendar year; the current one by default' }) });

const Ratio = z.number().nullable().openapi({ description: 'A fraction from 0 to 1; null when there is nothing to divide by' });
const SummarySchema = z
  .object({
    year: z.number().int(),
    from: z.string(),
    to: z.string().openapi({ description: 'The day stock figures are taken on' }),
    currency: z.string(),
    groups: z.number().int(),
    members: z.number().int(),
    shareOfWomen: Ratio,
    savingsMinor: z.number().int(),
    savingsPerMemberMinor: z.number().int().nullable(),
    loansOutstandingMinor: z.number().int(),
    loanFundUtilisation: Ratio,
    portfolioAtRisk30: Ratio,
    annualisedReturnOnSavings: z.number().nullable(),
    meetings: z.number().int(),
    attendanceRate: Ratio,
    socialFundMinor: z.number().int(),
    shareOuts: z.object({ count: z.number().int(), paidOutMinor: z.number().int() }),
    enterprisesActive: z.number().int(),
    enterprisesFinancedByGroupLoan: z.number().int(),
    months: z.array(z.object({ month: z.string(), savingsMinor: z.number().int(), loansMinor: z.number().int(), socialFundMinor: z.number().int() })),
  })
  .openapi('SavingsSummary');

const GroupSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    community: z.string(),
    formedOn: z.string(),
    facilitator: z.string(),
    members: z.number().int(),
    women: z.number().int(),
    currentCycle: z.number().int().nullable(),
    cycleStatus: z.enum(cycleStatuses).nullable(),
    meetings: z.number().int(),
    lastMeeting: z.string().nullable(),
    savingsMinor: z.number().int(),
  })
  .openapi('SavingsGroup');
const CycleRules = z.object({
  number: z.number().int(),
  startsOn: z.string(),
  endsOn: z.string(),
  currency: z.string(),
  sharePriceMinor: z.number().int(),
  maxSharesPerMeeting: z.number().int(),
  monthlyInterestBps: z.number().int(),
  socialFundContributionMinor: z.number().int(),
  status: z.enum(cycleStatuses),
});
const GroupDetailSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    community: z.string(),
    formedOn: z.string(),
    facilitator: z.string(),
    members: z.array(z.object({ code: z.string(), name: z.string().openapi({ description: 'Personal data' }), sex: z.enum(sexes), committeeRole: z.enum(committeeRoles), joinedOn: z.string() })),
    cycles: z.array(CycleRules),
  })
  .openapi('SavingsGroupDetail');
const CycleDetailSchema = z
  .object({
    group: z.string(),
    cycle: CycleRules,
    meetings: z.array(
      z.object({ heldOn: z.string(), present: z.number().int(), expected: z.number().int(), shares: z.number().int(), socialFundMinor: z.number().int(), finesMinor: z.number().int(), repaymentsMinor: z.number().int(), loansMinor: z.number().int() }),
    ),
    loans: z.array(z.object({ id: z.number().int(), memberCode: z.string(), issuedOn: z.string(), dueOn: z.string(), principalMinor: z.number().int(), interestMinor: z.number().int(), repaidMinor: z.number().int(), balanceMinor: z.number().int() })),
    members: z.array(z.object({ memberCode: z.string(), shares: z.number().int(), attended: z.number().int(), savingsMinor: z.number().int(), owedMinor: z.number().int(), payoutMinor: z.number().int().nullable() })),
    shareOut: z.object({ heldOn: z.string(), fundMinor: z.number().int(), totalShares: z.number().int() }).nullable(),
  })
  .openapi('SavingsCycle');
const MeetingResult = z
  .object({
    meetingId: z.number().int(),
    groupCode: z.string(),
    cycle: z.number().int(),
    meetingDate: z.string(),
    membersPresent: z.number().int(),
    membersListed: z.number().int(),
    sharesBought: z.number().int(),
    savingsMinor: z.number().int(),
    socialFundMinor: z.number().int(),
    finesMinor: z.number().int(),
    repaymentsMinor: z.number().int(),
    loansIssued: z.number().int(),
    loansMinor: z.number().int(),
    currency: z.string(),
  })
  .openapi('SavingsMeetingRecorded');
const ShareOutResult = z
  .object({
    groupCode: z.string(),
    cycle: z.number().int(),
    fundMinor: z.number().int(),
    totalShares: z.number().int(),
    currency: z.string(),
    payouts: z.array(z.object({ memberCode: z.string(), shares: z.number().int(), payoutMinor: z.number().int() })),
  })
  .openapi('SavingsShareOut');
const EnterpriseSchema = z
  .object({
    code: z.string(),
    ownerCode: z.string(),
    sector: z.enum(enterpriseSectors),
    startedOn: z.string(),
    closedOn: z.string().nullable(),
    financedByGroupLoan: z.boolean(),
    latestMonth: z.string().nullable(),
    latestRevenueMinor: z.number().int().nullable(),
  })
  .openapi('SavingsEnterprise');

const presentCycle = (c: { number: number; startsOn: string; endsOn: string; currency: string; sharePriceMinor: number; maxSharesPerMeeting: number; monthlyInterestBps: number; socialFundContributionMinor: number; status: (typeof cycleStatuses)[number] }) => ({
  number: c.number,
  startsOn: c.startsOn,
  endsOn: c.endsOn,
  currency: c.currency,
  sharePriceMinor: c.sharePriceMinor,
  maxSharesPerMeeting: c.maxSharesPerMeeting,
  monthlyInterestBps: c.monthlyInterestBps,
  socialFundContributionMinor: c.socialFundContributionMinor,
  status: c.status,
});

/** Savings groups (VSLA) and micro-enterprises: the public aggregate, and the staff's ledger API. */
export function registerSavingsApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/savings/summary',
      tags,
      summary: 'Public figures of a year (SEEP / SAVIX conventions): aggregates over all groups, no member',
      request: { query: YearQuery },
      responses: { 200: json(SummarySchema), ...errors(400) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.read.public');
      const year = c.req.valid('query').year ?? new Date().getUTCFullYear();
      const figures = await savingsFigures(c.get('deps').db, yearWindow(year, isoDateOf(new Date())));
      return c.json({ year, ...figures }, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'get', path: '/savings/groups', tags, summary: 'Savings groups with their size and current cycle', security: signedInSecurity, responses: { 200: json(z.object({ groups: z.array(GroupSchema) })), ...errors(401, 403) } }),
    async (c) => {
      authorize(c.get('actor'), 'savings.read');
      return c.json({ groups: await listGroups(c.get('deps').db) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/savings/groups',
      tags,
      summary: 'Register a savings group and its founding members',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: createGroupSchema } }, required: true } },
      responses: { 201: json(z.object({ code: z.string() }), 'Group registered'), ...errors(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.record');
      const group = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => createGroup(ctx, c.req.valid('json')));
      return c.json({ code: group.code }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/savings/groups/{code}',
      tags,
      summary: 'A group, its members (personal data: staff only) and its cycles',
      security: signedInSecurity,
      request: { params: GroupParams },
      responses: { 200: json(GroupDetailSchema), ...errors(401, 403, 404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.read');
      const group = await getGroup(c.get('deps').db, c.req.valid('param').code);
      if (!group) throw notFound();
      return c.json(
        {
          code: group.code,
          name: group.name,
          community: group.community,
          formedOn: group.formedOn,
          facilitator: group.facilitator,
          members: group.members.map((m) => ({ code: m.code, name: m.name, sex: m.sex, committeeRole: m.committeeRole, joinedOn: m.joinedOn })),
          cycles: group.cycles.map(presentCycle),
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/savings/groups/{code}/members',
      tags,
      summary: 'Add a member; she gets the group’s next member code',
      security: signedInSecurity,
      request: { params: GroupParams, body: { content: { 'application/json': { schema: addMemberSchema.omit({ groupCode: true }) } }, required: true } },
      responses: { 201: json(z.object({ code: z.string() }), 'Member added'), ...errors(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.record');
      const member = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => addMember(ctx, { ...c.req.valid('json'), groupCode: c.req.valid('param').code }));
      return c.json({ code: member.code }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/savings/groups/{code}/cycles',
      tags,
      summary: 'Open the group’s next cycle with its rules',
      security: signedInSecurity,
      request: { params: GroupParams, body: { content: { 'application/json': { schema: openCycleSchema.omit({ groupCode: true }) } }, required: true } },
      responses: { 201: json(CycleRules, 'Cycle opened'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.record');
      const cycle = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => openCycle(ctx, { ...c.req.valid('json'), groupCode: c.req.valid('param').code }));
      return c.json(presentCycle(cycle), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/savings/groups/{code}/cycles/{number}',
      tags,
      summary: 'A cycle’s ledger: meetings, loans with balances, each member’s position and the share-out',
      security: signedInSecurity,
      request: { params: CycleParams },
      responses: { 200: json(CycleDetailSchema), ...errors(401, 403, 404) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.read');
      const { code, number } = c.req.valid('param');
      const detail = await getCycle(c.get('deps').db, code, number);
      if (!detail) throw notFound();
      return c.json(
        {
          group: detail.group.code,
          cycle: presentCycle(detail.cycle),
          meetings: detail.meetings.map(({ id: _id, ...m }) => m),
          loans: detail.loans.map((l) => ({ id: l.id, memberCode: l.memberCode, issuedOn: l.issuedOn, dueOn: l.dueOn, principalMinor: l.principalMinor, interestMinor: l.interestMinor, repaidMinor: l.repaidMinor, balanceMinor: l.balanceMinor })),
          members: detail.positions.map((p) => ({ memberCode: p.memberCode, shares: p.shares, attended: p.attended, savingsMinor: p.savingsMinor, owedMinor: p.owedMinor, payoutMinor: p.payoutMinor })),
          shareOut: detail.shareOut && { heldOn: detail.shareOut.heldOn, fundMinor: detail.shareOut.fundMinor, totalShares: detail.shareOut.totalShares },
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/savings/meetings',
      tags,
      summary: 'Record a meeting from the group’s ledger (the same body a Kobo import sends)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: meetingInputSchema } }, required: true } },
      responses: { 201: json(MeetingResult, 'Meeting recorded'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.record');
      return c.json(await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordMeeting(ctx, c.req.valid('json'))), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/savings/groups/{code}/cycles/{number}/share-out',
      tags,
      summary: 'Share out the cycle: every loan must be repaid; payouts in proportion to shares, largest remainder',
      security: signedInSecurity,
      request: { params: CycleParams, body: { content: { 'application/json': { schema: z.strictObject({ heldOn: z.iso.date() }) } }, required: true } },
      responses: { 201: json(ShareOutResult, 'Cycle shared out'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.record');
      const { code, number } = c.req.valid('param');
      const result = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => shareOutCycle(ctx, { groupCode: code, cycle: number, heldOn: c.req.valid('json').heldOn }));
      const { shareOutId: _id, ...shown } = result;
      return c.json(shown, 201);
    },
  );

  api.openapi(
    createRoute({ method: 'get', path: '/savings/enterprises', tags, summary: 'Members’ micro-enterprises, by code', security: signedInSecurity, responses: { 200: json(z.object({ enterprises: z.array(EnterpriseSchema) })), ...errors(401, 403) } }),
    async (c) => {
      authorize(c.get('actor'), 'savings.read');
      const rows = await listEnterprises(c.get('deps').db);
      return c.json({ enterprises: rows.map(({ ownerSex: _sex, financingLoanId, ...e }) => ({ ...e, financedByGroupLoan: financingLoanId !== null })) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/savings/enterprises',
      tags,
      summary: 'Register a member’s micro-enterprise',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: registerEnterpriseSchema } }, required: true } },
      responses: { 201: json(z.object({ code: z.string() }), 'Enterprise registered'), ...errors(400, 401, 403, 422) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.record');
      const enterprise = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => registerEnterprise(ctx, c.req.valid('json')));
      return c.json({ code: enterprise.code }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/savings/enterprises/revenues',
      tags,
      summary: 'Record an enterprise’s takings for a month (a newer report of the same month replaces it)',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: enterpriseRevenueSchema } }, required: true } },
      responses: { 201: json(z.object({ enterpriseCode: z.string(), month: z.string(), revenueMinor: z.number().int() }), 'Revenue recorded'), ...errors(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'savings.record');
      return c.json(await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordEnterpriseRevenue(ctx, c.req.valid('json'))), 201);
    },
  );
}
