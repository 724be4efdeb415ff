import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize, can } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { approveAccount } from '../commands/approve-account.ts';
import { openAccount } from '../commands/open-account.ts';
import { suspendAccount } from '../commands/suspend-account.ts';
import { accountTransfers, findReadableAccount, getAccountWithBalance, listAccountsWithBalances, type AccountWithBalance } from '../queries/accounts.ts';
import { holdings, listRetirements } from '../queries/ledger.ts';
import { creditAccountKinds, creditAccountStatuses } from '../schema.ts';

const Kg = (description: string) => z.number().int().openapi({ description: `${description}, in kilograms of contained metal (1 credit = 1,000 kg)` });

const Range = z.object({ batchId: z.number().int(), serials: z.string().openapi({ example: 'RMC-CO-CD-KAM-2023-0001-1-2500' }), firstUnit: z.number().int(), lastUnit: z.number().int(), quantityKg: Kg('units in the range') });

const Account = z
  .object({
    id: z.number().int(),
    organisation: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
    kind: z.enum(creditAccountKinds),
    name: z.string(),
    status: z.enum(creditAccountStatuses),
    kyc: z
      .object({ legalName: z.string(), country: z.string(), registrationNumber: z.string().nullable(), contactEmail: z.string().nullable() })
      .openapi({ description: 'Know-your-customer details: only for the holder and the secretariat (the contact is personal data)' }),
    balance: z.object({ heldKg: Kg('held'), retiredKg: Kg('retired') }),
    openedAt: z.string(),
    approvedAt: z.string().nullable(),
    suspendedAt: z.string().nullable(),
  })
  .openapi('CreditAccount');

const AccountDetails = Account.extend({
  holdings: z.array(Range.extend({ serialPrefix: z.string(), mineral: z.string(), site: z.string(), vintage: z.number().int() })).openapi({ description: 'Live held blocks, oldest first (the order a transfer by quantity takes them)' }),
  retirements: z.array(
    z.object({
      id: z.number().int(),
      quantityKg: Kg('retired'),
      beneficiary: z.string(),
      claimPeriod: z.object({ start: z.string(), end: z.string() }),
      covers: z.string(),
      footprintReference: z.string().nullable(),
      publicStatement: z.string(),
      retiredAt: z.string(),
      ranges: z.array(Range),
      certificateUrl: z.string(),
    }),
  ),
  transfers: z.array(
    z.object({
      id: z.number().int(),
      direction: z.enum(['in', 'out']),
      counterpart: z.object({ accountId: z.number().int(), organisation: z.string() }),
      quantityKg: Kg('moved'),
      reversesTransferId: z.number().int().nullable(),
      reversedByTransferId: z.number().int().nullable(),
      reason: z.string().nullable(),
      createdAt: z.string(),
      ranges: z.array(Range),
    }),
  ),
}).openapi('CreditAccountDetails');

const OpenAccountBody = z.strictObject({
  organisationId: z.number().int().positive().optional().openapi({ description: 'The organisation that will hold the account; your own when left out. Only the secretariat opens accounts for other organisations.' }),
  name: z.string().openapi({ example: 'Retirements 2025' }),
  legalName: z.string().openapi({ example: 'Fairphone B.V.' }),
  country: z.string().openapi({ description: 'ISO 3166 alpha-2', example: 'NL' }),
  registrationNumber: z.string(),
  contactEmail: z.string().openapi({ description: 'Personal data: never published or journaled' }),
});

const accountParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

function presentAccount(a: AccountWithBalance) {
  return {
    id: a.id,
    organisation: { id: a.organisationId, code: a.organisationCode, name: a.organisationName },
    kind: a.kind,
    name: a.name,
    status: a.status,
    kyc: { legalName: a.legalName, country: a.country, registrationNumber: a.registrationNumber, contactEmail: a.contactEmail },
    balance: { heldKg: a.heldKg, retiredKg: a.retiredKg },
    openedAt: a.createdAt.toISOString(),
    approvedAt: a.approvedAt?.toISOString() ?? null,
    suspendedAt: a.suspendedAt?.toISOString() ?? null,
  };
}

/** The organisation whose accounts a non-admin sees: its own (anonymous readers are asked to sign in). */
function ownOrganisation(actor: Actor): number {
  const orgId = 'orgId' in actor && actor.orgId !== null ? actor.orgId : -1;
  authorize(actor, 'registry.account.read', { orgId });
  return orgId;
}

/** Registry accounts: opening one (with KYC), listing and reading them (holders and the secretariat), approving and suspending (the secretariat). */
export function registerAccountsApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/accounts',
      tags: ['Registry accounts'],
      summary: 'Open a holding account with its know-your-customer details (a buyer for its organisation; the secretariat for any)',
      description: 'The account waits for the secretariat’s approval before it can receive credits. Refused with `account_details_invalid` (naming the fields), `organisation_not_found` or `forbidden`.',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: OpenAccountBody } }, required: true } },
      responses: { 201: jsonResponse(Account, 'Opened, waiting for approval'), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'registry.account.open');
      const db = c.get('deps').db;
      const opened = await runCommand(db, actor, (ctx) => openAccount(ctx, c.req.valid('json')));
      return c.json(presentAccount((await getAccountWithBalance(db, opened.id))!), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/accounts',
      tags: ['Registry accounts'],
      summary: 'Registry accounts with their balance: every account for the secretariat, your organisation’s for anyone else',
      security: signedInSecurity,
      request: { query: z.object({ status: z.enum(creditAccountStatuses).optional() }) },
      responses: { 200: jsonResponse(z.object({ accounts: z.array(Account) })), ...errorResponses(400, 401) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const { status } = c.req.valid('query');
      const filter = can(actor, 'registry.account.list') ? { status } : { status, organisationId: ownOrganisation(actor) };
      const accounts = await listAccountsWithBalances(c.get('deps').db, filter);
      return c.json({ accounts: accounts.map(presentAccount) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/registry/accounts/{id}',
      tags: ['Registry accounts'],
      summary: 'One account: KYC details, balance, live held blocks with their serials, retirements and transfers (the holder and the secretariat)',
      description: 'Anyone else gets 404 `account_not_found`, as for an account that does not exist.',
      security: signedInSecurity,
      request: { params: accountParams },
      responses: { 200: jsonResponse(AccountDetails), ...errorResponses(400, 401, 404) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const account = await findReadableAccount(db, c.get('actor'), c.req.valid('param').id);
      const [held, retirements, transfers] = await Promise.all([holdings(db, account.id), listRetirements(db, { accountId: account.id }), accountTransfers(db, account.id)]);
      const range = (r: { batchId: number; firstUnit: number; lastUnit: number; serials: string }) => ({ batchId: r.batchId, serials: r.serials, firstUnit: r.firstUnit, lastUnit: r.lastUnit, quantityKg: r.lastUnit - r.firstUnit + 1 });
      return c.json(
        {
          ...presentAccount(account),
          holdings: held.map((h) => ({ ...range(h), serialPrefix: h.serialPrefix, mineral: h.mineral, site: h.siteCode, vintage: h.vintage })),
          retirements: retirements.map((r) => ({
            id: r.id,
            quantityKg: r.quantityKg,
            beneficiary: r.beneficiary,
            claimPeriod: { start: r.claimPeriodStart, end: r.claimPeriodEnd },
            covers: r.covers,
            footprintReference: r.footprintReference,
            publicStatement: r.publicStatement,
            retiredAt: r.createdAt.toISOString(),
            ranges: r.ranges.map(range),
            certificateUrl: `/certificates/${r.id}`,
          })),
          transfers: transfers.map((x) => ({
            id: x.id,
            direction: x.direction,
            counterpart: { accountId: x.counterpartAccountId, organisation: x.counterpartOrganisationCode },
            quantityKg: x.quantityKg,
            reversesTransferId: x.reversesTransferId,
            reversedByTransferId: x.reversedByTransferId,
            reason: x.reason,
            createdAt: x.createdAt.toISOString(),
            ranges: x.ranges.map(range),
          })),
        },
        200,
      );
    },
  );

  for (const { path, command, summary, refusals } of [
    { path: 'approval', command: approveAccount, summary: 'Approve an account once its KYC details are checked, or reinstate a suspended one (the secretariat)', refusals: '`account_already_approved`' },
    { path: 'suspension', command: suspendAccount, summary: 'Suspend an account: it can neither send, receive nor retire credits until approved again (the secretariat)', refusals: '`account_already_suspended`, `issuance_account_cannot_be_suspended`' },
  ] as const) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/registry/accounts/{id}/${path}`,
        tags: ['Registry accounts'],
        summary,
        description: `Refused with ${refusals} or \`account_not_found\`.`,
        security: signedInSecurity,
        request: { params: accountParams },
        responses: { 200: jsonResponse(Account), ...errorResponses(400, 401, 403, 404, 409, 422) },
      }),
      async (c) => {
        const actor = c.get('actor');
        authorize(actor, 'registry.account.approve');
        const db = c.get('deps').db;
        const { id } = c.req.valid('param');
        await runCommand(db, actor, (ctx) => command(ctx, { accountId: id }));
        return c.json(presentAccount((await getAccountWithBalance(db, id))!), 200);
      },
    );
  }
}
