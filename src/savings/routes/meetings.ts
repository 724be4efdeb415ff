import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses as errors, jsonResponse as json, signedInSecurity } from '../../web/openapi.ts';
import { meetingInputSchema, recordMeeting } from '../commands/record-meeting.ts';
import { tags } from './openapi.ts';

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

/** Meetings as the group's ledger records them. */
export function registerSavingsMeetingsApi(api: OpenAPIHono<AppEnv>) {
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
      return c.json(await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordMeeting(ctx, c.req.valid('json'))), 201);
    },
  );
}
