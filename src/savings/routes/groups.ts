import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import { runCommand } from '../../journal/public.ts';
import { sexes } from '../../sites/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses as errors, jsonResponse as json, signedInSecurity } from '../../web/openapi.ts';
import { addMember, addMemberSchema } from '../commands/add-member.ts';
import { createGroup, createGroupSchema } from '../commands/create-group.ts';
import { getGroup, listGroups } from '../queries/groups.ts';
import { committeeRoles, cycleStatuses } from '../schema.ts';
import { CycleRules, GroupParams, presentCycle, tags } from './openapi.ts';

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

/** Groups and their members (personal data: the programme's staff only). */
export function registerSavingsGroupsApi(api: OpenAPIHono<AppEnv>) {
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
      const member = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => addMember(ctx, { ...c.req.valid('json'), groupCode: c.req.valid('param').code }));
      return c.json({ code: member.code }, 201);
    },
  );
}
