import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../core/auth/policies.ts';
import { isoDateOf } from '../core/calendar.ts';
import { runCommand } from '../journal/public.ts';
import { recordExchangeRate } from '../rates/public.ts';
import type { AppEnv } from '../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../web/openapi.ts';
import { bookPremium } from './commands/book-premium.ts';
import { decideProposal } from './commands/decide-proposal.ts';
import { draftProposal, submitProposal } from './commands/draft-proposal.ts';
import { recordMeeting } from './commands/record-meeting.ts';
import { areaLabel, publicFundReport } from './queries/public-report.ts';
import { fundAreas, incomeSources, proposalStatuses, voteChoices } from './schema.ts';

const Minor = (description: string) => z.number().int().openapi({ description: `${description}, in minor units of the currency (cents)` });
const MoneySchema = { amountMinor: Minor('amount'), currency: z.string(), usdMinor: Minor('the amount in US dollars at the rate of each transaction’s date') };

const PublicFundSchema = z
  .object({
    site: z.object({ code: z.string(), name: z.string() }),
    reportingCurrency: z.string(),
    moneyIn: z.array(z.object({ source: z.enum(incomeSources), ...MoneySchema })),
    moneyOut: z.array(z.object({ area: z.enum(fundAreas), areaLabel: z.string(), ...MoneySchema })),
    committedOpen: z.array(z.object({ area: z.enum(fundAreas), areaLabel: z.string(), ...MoneySchema })).openapi({ description: 'approved and not yet paid out' }),
    projects: z.array(
      z.object({
        id: z.number().int(),
        title: z.string(),
        area: z.enum(fundAreas),
        areaLabel: z.string(),
        status: z.enum(proposalStatuses),
        currency: z.string(),
        requestedMinor: Minor('requested'),
        approvedMinor: Minor('approved').nullable(),
        disbursedMinor: Minor('paid out'),
        decidedOn: z.string().nullable(),
        completion: z
          .object({ completedOn: z.string(), summary: z.string(), finalCostMinor: Minor('final cost'), budgetMinor: Minor('budget'), photos: z.array(z.object({ fileId: z.number().int(), url: z.string() })) })
          .nullable(),
        cancelReason: z.string().nullable(),
      }),
    ),
    ratesUsed: z.array(z.object({ currency: z.string(), rateOn: z.string(), unitsPerUsdMicro: z.number().int().openapi({ description: 'units of the currency per US dollar, in millionths' }), source: z.string() })),
    spendTiming: z.array(
      z.object({
        currency: z.string(),
        premiumReceivedMinor: Minor('premium received'),
        premiumSpentWithin12MonthsMinor: Minor('premium paid out to projects within 12 months of its receipt (first in, first out)'),
        receiptsStillInWindow: z.number().int().openapi({ description: 'premium receipts younger than 12 months, whose figure may still rise' }),
        averageDaysToDisbursement: z.number().int().nullable(),
      }),
    ),
    committee: z.object({
      membersInOffice: z.number().int(),
      groups: z.array(z.string()),
      members: z.array(z.object({ name: z.string(), group: z.string() })).nullable().openapi({ description: 'only when the committee decided to publish its members’ names' }),
    }),
  })
  .openapi('PublicFund');

const siteParams = z.object({ site: z.string().regex(/^[A-Z]{3,6}$/).openapi({ example: 'KAM' }) });
const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });
const ok = (description: string) => jsonResponse(z.object({ id: z.number().int(), status: z.string().optional() }).passthrough(), description);

const ProposalBody = z.strictObject({
  title: z.string().max(200),
  area: z.string().openapi({ description: `one of ${fundAreas.join(', ')}` }),
  description: z.string().max(4000),
  expectedBenefit: z.string().max(4000),
  measure: z.string().max(4000),
  currency: z.string().regex(/^[A-Z]{3}$/),
  budgetLines: z.array(z.strictObject({ description: z.string().max(300), amountMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) })).min(1).max(50),
});

/** The fund's API: its public account, and the committee's and secretariat's steps that need no upload (tranches and completion reports, which carry files, are on the pages). */
export function registerFundApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/funds/{site}',
      tags: ['Site funds'],
      summary: 'A site fund’s public account: money in by source, out by area and project, projects with their evidence, rates used (public)',
      request: { params: siteParams },
      responses: { 200: jsonResponse(PublicFundSchema), ...errorResponses(404, 422) },
    }),
    async (c) => {
      authorize(c.get('actor'), 'fund.read.public');
      const locale = c.get('locale');
      const { fund: _fund, ...report } = await publicFundReport(c.get('deps').db, c.req.valid('param').site, isoDateOf(new Date()));
      const label = <T extends { area: (typeof fundAreas)[number] }>(row: T) => ({ ...row, areaLabel: areaLabel[row.area][locale] });
      return c.json({ ...report, moneyOut: report.moneyOut.map(label), committedOpen: report.committedOpen.map(label), projects: report.projects.map(label) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/funds/premiums/{id}/booking',
      tags: ['Site funds'],
      summary: 'Book a credit premium owed by a paid sale as income of its site’s fund, once (secretariat)',
      security: signedInSecurity,
      request: { params: idParams },
      responses: { 201: ok('Booked'), ...errorResponses(401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const booked = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => bookPremium(ctx, { creditPremiumId: c.req.valid('param').id }));
      return c.json({ id: booked.id, amountMinor: booked.amountMinor, currency: booked.currency, occurredOn: booked.occurredOn }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/funds/{site}/exchange-rates',
      tags: ['Site funds'],
      summary: 'Record a day’s exchange rate of a currency against the US dollar (secretariat); the same as POST /rates, kept for the clients of the fund',
      security: signedInSecurity,
      request: {
        params: siteParams,
        body: { content: { 'application/json': { schema: z.strictObject({ currency: z.string(), rateOn: z.iso.date(), unitsPerUsdMicro: z.number().int().positive().max(Number.MAX_SAFE_INTEGER), source: z.string().max(200) }) } }, required: true },
      },
      responses: { 201: ok('Recorded'), ...errorResponses(400, 401, 403, 409, 422) },
    }),
    async (c) => {
      const rate = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordExchangeRate(ctx, c.req.valid('json')));
      return c.json({ id: rate.id }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/funds/{site}/proposals',
      tags: ['Site funds'],
      summary: 'Draft a proposal to a site’s fund (committee, cooperative, secretariat)',
      security: signedInSecurity,
      request: { params: siteParams, body: { content: { 'application/json': { schema: ProposalBody } }, required: true } },
      responses: { 201: ok('Drafted'), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const proposal = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => draftProposal(ctx, { site: c.req.valid('param').site, ...c.req.valid('json') }));
      return c.json({ id: proposal.id, status: proposal.status }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/funds/proposals/{id}/submission',
      tags: ['Site funds'],
      summary: 'Submit a draft proposal to the committee',
      security: signedInSecurity,
      request: { params: idParams },
      responses: { 200: ok('Submitted'), ...errorResponses(401, 403, 404, 409) },
    }),
    async (c) => {
      const proposal = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => submitProposal(ctx, { proposalId: c.req.valid('param').id }));
      return c.json({ id: proposal.id, status: proposal.status }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/funds/{site}/meetings',
      tags: ['Site funds'],
      summary: 'Record a committee meeting with its attendance (committee, secretariat)',
      security: signedInSecurity,
      request: {
        params: siteParams,
        body: {
          content: { 'application/json': { schema: z.strictObject({ heldOn: z.iso.date(), agenda: z.string().max(4000), minutes: z.string().max(20_000).optional(), minutesLanguage: z.enum(['fr', 'en']), attendeeIds: z.array(z.number().int().positive()).max(100) }) } },
          required: true,
        },
      },
      responses: { 201: ok('Recorded'), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const meeting = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordMeeting(ctx, { site: c.req.valid('param').site, ...c.req.valid('json') }));
      return c.json({ id: meeting.id }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/funds/proposals/{id}/decision',
      tags: ['Site funds'],
      summary: 'Record a meeting’s votes and decision on a submitted proposal; approval commits the amount (committee, secretariat)',
      description: 'Refused with 422 and nothing written: a vote by a member not present (`voter_not_present`) or twice (`vote_twice`), no quorum (`quorum_not_met`), a required group absent (`required_group_absent`), not enough available (`insufficient_available`).',
      security: signedInSecurity,
      request: {
        params: idParams,
        body: {
          content: {
            'application/json': {
              schema: z.strictObject({
                meetingId: z.number().int().positive(),
                votes: z.array(z.strictObject({ memberId: z.number().int().positive(), vote: z.enum(voteChoices) })).max(100),
                approvedMinor: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
              }),
            },
          },
          required: true,
        },
      },
      responses: { 200: ok('Decided'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { proposal } = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => decideProposal(ctx, { proposalId: c.req.valid('param').id, ...c.req.valid('json') }));
      return c.json({ id: proposal.id, status: proposal.status, approvedMinor: proposal.approvedMinor }, 200);
    },
  );
}
