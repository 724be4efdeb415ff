import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { userRoles, type Role, type UserRole } from '../core/auth/roles.ts';
import { runCommand } from '../journal/public.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { openAccount } from './commands/open-account.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { getIssuanceAccount } from './queries/accounts.ts';
import { planCancellation, planRetirement } from './queries/operations.ts';

/**
 * Every role, and an anonymous caller, against every registry write route of the API and every
 * accounts and operations page: the roles the table below admits succeed, the others get 401 or 403
 * (pages send an anonymous reader to sign in). Each allowed request is one that would succeed, so
 * a refusal can only come from the policy.
 */
let t: TestContext;
const tokens = new Map<UserRole, { token: string; organisationId: number }>();
let statementId: number;
let batchId: number;
let issuance: number;
let buyerAccount: number;
let sinkAccount: number;
let sinkOrganisation: { id: number; code: string };

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
  for (const role of userRoles) {
    const created = await t.buildToken({ role });
    tokens.set(role, { token: created.token, organisationId: created.organisationId });
  }
  statementId = (await insertSignedStatement(t, { responsibleKg: 1_000_000 })).statement.id;
  batchId = (await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId, quantityKg: 200_000 }))).id;
  issuance = (await getIssuanceAccount(t.db))!.id;
  buyerAccount = (await openApprovedAccount(t.db, { id: tokens.get('buyer')!.organisationId, code: 'matrix-buyer' })).id;
  sinkOrganisation = await t.buildOrganisation({ kind: 'buyer' });
  sinkAccount = (await openApprovedAccount(t.db, sinkOrganisation, 'Sink')).id;
  await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: buyerAccount, quantityKg: 100_000 }));
});
afterAll(() => t?.close());

const kyc = { name: 'Matrix', legalName: 'Matrix SARL', country: 'FR', registrationNumber: 'RCS 1', contactEmail: 'matrix@example.test' };
const claim = { beneficiary: 'Matrix SARL', claimPeriodStart: '2024-01-01', claimPeriodEnd: '2024-12-31', covers: 'total use' };

const pendingAccount = async () => (await runCommand(t.db, system, (ctx) => openAccount(ctx, { ...kyc, organisationId: sinkOrganisation.id }))).id;
const approvedAccount = async () => (await openApprovedAccount(t.db, sinkOrganisation, `Matrix ${randomBytes(3).toString('hex')}`)).id;
const freshTransfer = async () => (await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: sinkAccount, quantityKg: 10 }))).id;
/** Where a role sends from: the issuance account for the secretariat, the buyer's account for everyone else. */
const sourceFor = (role: Role) => (role === 'admin' ? issuance : buyerAccount);

/**
 * Who may do what, written out from the registry's rules (not read from the policy table, so a
 * change there fails here until this table is changed on purpose): the secretariat approves
 * accounts, issues, cancels and reverses; a buyer (and the secretariat) opens accounts, transfers
 * and retires; every signed-in user sees the accounts page (its own organisation's accounts).
 */
const secretariat: readonly Role[] = ['admin'];
const holders: readonly Role[] = ['admin', 'buyer'];
const signedIn: readonly Role[] = userRoles;

type Request = { path: string; body: unknown };
type Case = { name: string; allow: readonly Role[]; request: (role: Role) => Promise<Request> };

const apiCases: Case[] = [
  { name: 'POST /registry/accounts', allow: holders, request: async () => ({ path: '/registry/accounts', body: kyc }) },
  { name: 'POST /registry/accounts/{id}/approval', allow: secretariat, request: async () => ({ path: `/registry/accounts/${await pendingAccount()}/approval`, body: {} }) },
  { name: 'POST /registry/accounts/{id}/suspension', allow: secretariat, request: async () => ({ path: `/registry/accounts/${await approvedAccount()}/suspension`, body: {} }) },
  { name: 'POST /registry/batches', allow: secretariat, request: async () => ({ path: '/registry/batches', body: { statementId, quantityKg: 10 } }) },
  { name: 'POST /registry/transfers', allow: holders, request: async (role) => ({ path: '/registry/transfers', body: { fromAccountId: sourceFor(role), toAccountId: sinkAccount, quantityKg: 10 } }) },
  { name: 'POST /registry/transfers/{id}/reversal', allow: secretariat, request: async () => ({ path: `/registry/transfers/${await freshTransfer()}/reversal`, body: { reason: 'matrix' } }) },
  { name: 'POST /registry/retirements', allow: holders, request: async () => ({ path: '/registry/retirements', body: { accountId: buyerAccount, quantityKg: 10, ...claim } }) },
  { name: 'POST /registry/cancellations', allow: secretariat, request: async () => ({ path: '/registry/cancellations', body: { batchId, quantityKg: 1, reason: 'matrix' } }) },
];

type Form = Record<string, string>;
type PageCase = { name: string; allow: readonly Role[]; request: (role: Role) => Promise<{ path: string; form?: Form }> };

const pageCases: PageCase[] = [
  { name: 'GET /registry/accounts', allow: signedIn, request: async () => ({ path: '/registry/accounts' }) },
  { name: 'GET /registry/accounts/new', allow: holders, request: async () => ({ path: '/registry/accounts/new' }) },
  {
    name: 'POST /registry/accounts/new',
    allow: holders,
    request: async (role) => ({ path: '/registry/accounts/new', form: { ...kyc, organisationId: String(role === 'public' ? sinkOrganisation.id : tokens.get(role)!.organisationId) } }),
  },
  { name: 'POST /registry/accounts/{id}/approve', allow: secretariat, request: async () => ({ path: `/registry/accounts/${await pendingAccount()}/approve`, form: {} }) },
  { name: 'POST /registry/accounts/{id}/suspend', allow: secretariat, request: async () => ({ path: `/registry/accounts/${await approvedAccount()}/suspend`, form: {} }) },
  { name: 'GET /registry/transfer', allow: holders, request: async () => ({ path: '/registry/transfer' }) },
  { name: 'POST /registry/transfer', allow: holders, request: async (role) => ({ path: '/registry/transfer', form: { from: String(sourceFor(role)), to: String(sinkAccount), quantity: '0.010' } }) },
  { name: 'GET /registry/retire', allow: holders, request: async () => ({ path: '/registry/retire' }) },
  {
    name: 'POST /registry/retire (confirmed)',
    allow: holders,
    request: async () => {
      const plan = await planRetirement(t.db, system, { accountId: buyerAccount, quantityKg: 10 });
      const form = { account: String(buyerAccount), quantity: '0.010', beneficiary: claim.beneficiary, claimStart: claim.claimPeriodStart, claimEnd: claim.claimPeriodEnd, covers: claim.covers };
      return { path: '/registry/retire', form: { ...form, confirm: '1', expected: plan.digest } };
    },
  },
  { name: 'GET /registry/issue', allow: secretariat, request: async () => ({ path: '/registry/issue' }) },
  { name: 'POST /registry/issue', allow: secretariat, request: async () => ({ path: '/registry/issue', form: { statement: String(statementId), quantity: '0.010' } }) },
  { name: 'GET /registry/cancel', allow: secretariat, request: async () => ({ path: '/registry/cancel' }) },
  {
    name: 'POST /registry/cancel (confirmed)',
    allow: secretariat,
    request: async () => {
      const plan = await planCancellation(t.db, system, { batchId, quantityKg: 1 });
      return { path: '/registry/cancel', form: { batch: String(batchId), quantity: '0.001', reason: 'matrix', confirm: '1', expected: plan.digest } };
    },
  },
  { name: 'GET /registry/transfers', allow: secretariat, request: async () => ({ path: '/registry/transfers' }) },
  { name: 'POST /registry/transfers/{id}/reverse', allow: secretariat, request: async () => ({ path: `/registry/transfers/${await freshTransfer()}/reverse`, form: { reason: 'matrix' } }) },
];

const callers: Role[] = ['public', ...userRoles];
const bearer = (role: Role): Record<string, string> => (role === 'public' ? {} : { authorization: `Bearer ${tokens.get(role)!.token}` });

describe('Registry role matrix: the API', () => {
  for (const testCase of apiCases) {
    describe(testCase.name, () => {
      for (const role of callers) {
        const allowed = testCase.allow.includes(role);
        it(`${allowed ? 'allows' : 'refuses'} ${role}`, async () => {
          const { path, body } = await testCase.request(role);
          const response = await t.app.request(`/api/v1${path}`, jsonRequest('POST', body, bearer(role)));
          if (allowed) {
            expect(response.status, await response.clone().text()).toBeGreaterThanOrEqual(200);
            expect(response.status).toBeLessThan(300);
          } else {
            const expected = role === 'public' ? { status: 401, code: 'unauthenticated' } : { status: 403, code: 'forbidden' };
            expect({ status: response.status, code: ((await response.json()) as { error: { code: string } }).error.code }).toEqual(expected);
          }
        });
      }
    });
  }
});

describe('Registry role matrix: the pages', () => {
  for (const testCase of pageCases) {
    describe(testCase.name, () => {
      for (const role of callers) {
        const allowed = testCase.allow.includes(role);
        it(`${allowed ? 'allows' : 'refuses'} ${role}`, async () => {
          const { path, form } = await testCase.request(role);
          // An anonymous browser has its own CSRF cookie for forms; a token carries no ambient credential and needs none.
          const csrf = randomBytes(24).toString('base64url');
          const init: RequestInit = form
            ? { method: 'POST', body: new URLSearchParams({ ...form, _csrf: csrf }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `orebook_csrf=${csrf}`, ...bearer(role) } }
            : { headers: bearer(role) };
          const response = await t.app.request(path, init);
          const location = response.headers.get('location') ?? '';
          if (!allowed) {
            if (role === 'public') expect({ status: response.status, location: location.split('?')[0] }).toEqual({ status: 303, location: '/login' });
            else expect(response.status).toBe(403);
          } else if (form) {
            expect(response.status, await response.clone().text()).toBe(303);
            expect(location).not.toContain('/login');
          } else {
            expect(response.status).toBe(200);
          }
        });
      }
    });
  }
});
