import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses as errors, jsonResponse as json, signedInSecurity } from '../../web/openapi.ts';
import { openCycle, openCycleSchema } from '../commands/open-cycle.ts';
import { shareOutCycle } from '../commands/share-out.ts';
import { getCycle } from '../queries/groups.ts';
import { CycleParams, CycleRules, GroupParams, presentCycle, tags } from './openapi.ts';

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

const ShareOutResult = z
  .object({
    groupCode: z.string(),
    cycle: z.number().int(),
    fundMinor: z.number().int(),
    totalShares: z.number().int(),
    currency: z.string(),
    payouts: z.array(z.object({ memberCode: z.string(), shares: z.number().int(), payoutMinor: z.number().int() })),
  })

/** A group's cycles: opening one with its rules, its ledger, and its share-out. */
export function registerSavingsCyclesApi(api: OpenAPIHono<AppEnv>) {
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
      path: '/savings/groups/{code}/cycles/{number}/share-out',
      tags,
      summary: 'Share out the cycle: every loan must be repaid; payouts in proportion to shares, largest remainder',
      security: signedInSecurity,
      request: { params: CycleParams, body: { content: { 'application/json': { schema: z.strictObject({ heldOn: z.iso.date() }) } }, required: true } },
      responses: { 201: json(ShareOutResult, 'Cycle shared out'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const { code, number } = c.req.valid('param');
      const result = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => shareOutCycle(ctx, { groupCode: code, cycle: number, heldOn: c.req.valid('json').heldOn }));
      const { shareOutId: _id, ...shown } = result;
      return c.json(shown, 201);
    },
  );
}
