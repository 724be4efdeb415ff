import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { organisationOf } from '../../core/auth/roles.ts';
import { runCommand } from '../../journal/public.ts';
import { listNewReferrals, sexes } from '../../sites/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { assertReadsReferrals, loadCaseDetail, nameKeyOf } from '../case-access.ts';
import { confirmReferral } from '../commands/confirm-referral.ts';
import { CaseDetailSchema, ConfirmBody, presentDetail } from './case-schemas.ts';

const errors = errorResponses;
const json = jsonResponse;

/** The worker register's referrals of under-18s, and their confirmation as cases. */
export function registerReferralsApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/children/referrals',
      tags: ['Children'],
      summary: 'Worker-register referrals of under-18s waiting to be confirmed as cases',
      security: signedInSecurity,
      responses: {
        200: json(z.object({ referrals: z.array(z.object({ code: z.string(), site: z.string(), sex: z.enum(sexes), ageYears: z.number().int(), group: z.string().nullable(), referredOn: z.string() })) })),
        ...errors(401, 403),
      },
    }),
    async (c) => {
      await assertReadsReferrals(c.get('deps').db, c.get('actor'));
      const rows = await listNewReferrals(c.get('deps').db);
      return c.json({ referrals: rows.map((r) => ({ code: r.code, site: r.siteCode, sex: r.sex, ageYears: r.ageYears, group: r.groupCode, referredOn: r.referredOn })) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/children/referrals/{code}/confirm',
      tags: ['Children'],
      summary: 'Confirm a referral as a case managed by the caller’s organisation (once per referral)',
      security: signedInSecurity,
      request: { params: z.object({ code: z.string().max(40) }), body: { content: { 'application/json': { schema: ConfirmBody } }, required: true } },
      responses: { 201: json(CaseDetailSchema, 'Case opened'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const created = await runCommand(db, actor, (ctx) =>
        confirmReferral(ctx, { ...c.req.valid('json'), referralCode: c.req.valid('param').code, caseOrganisationId: organisationOf(actor) ?? -1, nameKey: nameKeyOf(c) }),
      );
      return c.json(presentDetail(await loadCaseDetail(c, created.id)), 201);
    },
  );
}
