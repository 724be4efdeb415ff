import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { journalSize, latestCheckpoint, runCommand } from '../journal/public.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { getIssuanceAccount } from './queries/accounts.ts';
import { holdings, listBatches } from './queries/ledger.ts';
import { creditRetirements } from './schema.ts';

type Session = Awaited<ReturnType<TestContext['signIn']>>;

let t: TestContext;
let admin: Session;
let buyer: Session;
let stranger: Session;
let fairphone: { id: number; code: string };
let maker: { id: number; code: string };
let statementId: number;

beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca' });
  fairphone = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone' });
  maker = await t.buildOrganisation({ kind: 'buyer', code: 'cellmaker' });
  const signedIn = async (role: 'admin' | 'buyer', organisationId: number) => {
    const user = await t.buildUser({ role, organisationId });
    return t.signIn(user.email, user.password);
  };
  admin = await signedIn('admin', secretariat.id);
  buyer = await signedIn('buyer', fairphone.id);
  stranger = await signedIn('buyer', maker.id);
  statementId = (await insertSignedStatement(t, { responsibleKg: 10_000, periodStart: '2023-01-01', periodEnd: '2023-12-31' })).statement.id;
});
afterAll(() => t?.close());

/** Posts a form as a browser would, with the session's CSRF token. */
const submit = (session: Session, path: string, fields: Record<string, string>) =>
  session.request(path, { method: 'POST', body: new URLSearchParams({ ...fields, _csrf: session.csrfToken }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
const page = async (session: Session, path: string) => {
  const response = await session.request(path);
  expect(response.status, path).toBe(200);
  return response.text();
};
const hiddenValue = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];
const retirementCount = async () => (await t.db.select({ n: count() }).from(creditRetirements))[0]!.n;

let accountId: number;
let makerAccount: number;
let issuance: number;
let prefix: string;

describe('Opening an account', () => {
  it('shows a buyer without accounts what to do next', async () => {
    const html = await page(buyer, '/registry/accounts');
    expect(html).toContain('Your credit accounts');
    expect(html).toContain('Your organisation has no credit account yet.');
    expect(html).toContain('href="/registry/accounts/new"');
  });

  it('gives the form back filled in, with each problem beside its field', async () => {
    expect(await page(buyer, '/registry/accounts/new')).toContain('name="contactEmail"');
    const before = await journalSize(t.db);
    const refused = await submit(buyer, '/registry/accounts/new', { name: 'Retirements', legalName: 'Fairphone B.V.', country: 'Netherlands', registrationNumber: 'KvK 55864279', contactEmail: 'not an email' });
    expect(refused.status).toBe(422);
    const html = await refused.text();
    expect(html).toContain('There is a problem');
    expect(html).toContain('Enter the country as a two-letter ISO code, for example FR.');
    expect(html).toContain('Enter a contact email address, like name@example.com.');
    expect(html).toContain('value="Fairphone B.V."');
    expect(await journalSize(t.db)).toBe(before);
  });

  it('opens a pending account and shows it to its holder with its KYC details', async () => {
    const response = await submit(buyer, '/registry/accounts/new', { name: 'Retirements', legalName: 'Fairphone B.V.', country: 'nl', registrationNumber: 'KvK 55864279', contactEmail: 'ana@fairphone.example' });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/registry\/accounts\/\d+\?opened=1$/);
    accountId = Number(/accounts\/(\d+)/.exec(location)![1]);
    const html = await page(buyer, location);
    expect(html).toContain(`Account ${accountId}: Retirements`);
    expect(html).toContain('Waiting for approval');
    expect(html).toContain('ana@fairphone.example');
    expect(html).toContain('KvK 55864279');
  });
});

describe('Approving and suspending', () => {
  it('lists pending accounts first for the secretariat, with their KYC details and an Approve button', async () => {
    makerAccount = (await openApprovedAccount(t.db, maker)).id;
    const html = await page(admin, '/registry/accounts');
    expect(html).toContain('Registry accounts');
    expect(html.indexOf(`#${accountId} Retirements`)).toBeLessThan(html.indexOf(`#${makerAccount} Main`));
    expect(html).toContain('ana@fairphone.example');
    expect(html).toContain(`aria-label="Approve account ${accountId}"`);
    expect(await page(admin, '/registry/accounts?status=approved')).not.toContain(`#${accountId} Retirements`);
  });

  it('approves, suspends and approves again through the buttons', async () => {
    const approved = await submit(admin, `/registry/accounts/${accountId}/approve`, {});
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toBe(`/registry/accounts?approved=${accountId}`);
    expect(await page(admin, approved.headers.get('location')!)).toContain(`Account ${accountId} is approved`);
    expect((await submit(admin, `/registry/accounts/${accountId}/suspend`, {})).status).toBe(303);
    expect(await page(buyer, `/registry/accounts/${accountId}`)).toContain('Suspended');
    const refused = await submit(admin, `/registry/accounts/${accountId}/suspend`, {});
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain(`Account ${accountId} is already suspended.`);
    expect((await submit(admin, `/registry/accounts/${accountId}/approve`, {})).status).toBe(303);
  });

  it('keeps approval to the secretariat', async () => {
    expect((await submit(buyer, `/registry/accounts/${accountId}/approve`, {})).status).toBe(403);
  });
});

describe('Issuing a batch', () => {
  it('lists signed statements with what may still be issued, and refuses more', async () => {
    const html = await page(admin, '/registry/issue');
    expect(html).toContain(`href="/verifications/${statementId}"`);
    expect(html).toContain('10.000 t');
    const refused = await submit(admin, '/registry/issue', { statement: String(statementId), quantity: '10.5' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(`Only 10.000 t of statement ${statementId} can still be issued.`);
    const bad = await submit(admin, '/registry/issue', { statement: String(statementId), quantity: 'lots' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Enter a quantity in tonnes above zero');
  });

  it('issues a batch and says so', async () => {
    const response = await submit(admin, '/registry/issue', { statement: String(statementId), quantity: '8' });
    expect(response.status).toBe(303);
    const [batch] = await listBatches(t.db);
    prefix = batch!.serialPrefix;
    expect(response.headers.get('location')).toBe(`/registry/issue?issued=${batch!.id}`);
    expect(await page(admin, response.headers.get('location')!)).toContain(`Batch ${prefix} issued: 8.000 t in the issuance account.`);
    issuance = (await getIssuanceAccount(t.db))!.id;
  });
});

describe('Transferring', () => {
  it('the secretariat sends credits from the issuance account; the holder sees them by serial, batch, site and vintage', async () => {
    expect(await page(admin, '/registry/transfer')).toContain(`value="${issuance}"`);
    const response = await submit(admin, '/registry/transfer', { from: String(issuance), to: String(accountId), quantity: '5' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(new RegExp(`^/registry/accounts/${issuance}\\?transferred=\\d+$`));
    const html = await page(buyer, `/registry/accounts/${accountId}`);
    expect(html).toContain(`${prefix}-1-5000`);
    expect(html).toContain('5.000 t');
    expect(html).toContain('2023');
    expect(html).toContain('Received from #');
    expect(html).toContain(`href="/registry/retire?account=${accountId}"`);
  });

  it('shows the holder’s refusals beside the field they concern', async () => {
    const tooMuch = await submit(buyer, '/registry/transfer', { from: String(accountId), to: String(makerAccount), quantity: '9' });
    expect(tooMuch.status).toBe(422);
    expect(await tooMuch.text()).toContain(`Account ${accountId} holds 5.000 t; it cannot give 9.000 t.`);
    const unknown = await submit(buyer, '/registry/transfer', { from: String(accountId), to: '987654', quantity: '1' });
    expect(unknown.status).toBe(404);
    const html = await unknown.text();
    expect(html).toContain('There is no registry account 987654.');
    expect(html).toContain('value="987654"');
    const bad = await submit(buyer, '/registry/transfer', { from: String(accountId), to: 'the other one', quantity: '1,2345' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Enter the number of the account to send the credits to');
  });

  it('offers a holder only its own approved accounts to send from', async () => {
    const html = await page(buyer, '/registry/transfer');
    expect(html).toContain(`value="${accountId}"`);
    expect(html).not.toContain(`value="${issuance}"`);
    expect(html).not.toContain(`value="${makerAccount}"`);
    expect((await submit(buyer, '/registry/transfer', { from: String(accountId), to: String(makerAccount), quantity: '0.5' })).status).toBe(303);
  });
});

describe('Retiring', () => {
  const claim = { beneficiary: 'Fairphone B.V.', claimStart: '2023-01-01', claimEnd: '2023-12-31', covers: 'total use', footprintReference: 'FP-2023-1', publicStatement: '' };

  it('prefills the form from the link the footprint calculator gives', async () => {
    const query = new URLSearchParams({ account: String(accountId), quantity: '2.5', ...claim });
    const html = await page(buyer, `/registry/retire?${query.toString()}`);
    expect(html).toContain('value="2.5"');
    expect(html).toContain('value="Fairphone B.V."');
    expect(html).toContain('value="2023-12-31"');
    expect(html).toContain('value="FP-2023-1"');
    expect(html).toContain(`<option value="${accountId}" selected="">`);
  });

  it('shows the exact serials before anything happens, then retires them and links the certificate', async () => {
    const before = await journalSize(t.db);
    const confirmation = await submit(buyer, '/registry/retire', { account: String(accountId), quantity: '2.5', ...claim });
    expect(confirmation.status).toBe(200);
    const html = await confirmation.text();
    expect(html).toContain(`You are about to retire 2.500 t from account #${accountId} Retirements (fairphone) for Fairphone B.V.: serials ${prefix}-501-3000.`);
    expect(html).toContain('Retirement is irreversible');
    expect(html).toContain('name="confirm" value="1"');
    expect(await journalSize(t.db)).toBe(before);

    const confirmed = await submit(buyer, '/registry/retire', { account: String(accountId), quantity: hiddenValue(html, 'quantity')!, ...claim, confirm: '1', expected: hiddenValue(html, 'expected')! });
    expect(confirmed.status).toBe(303);
    const location = confirmed.headers.get('location')!;
    expect(location).toMatch(/^\/registry\/retirements\/\d+\/done$/);
    const id = Number(/retirements\/(\d+)/.exec(location)![1]);
    // The confirmation page used no retirement number: the first retirement is number 1, as the public sees it.
    expect(id).toBe(1);
    const done = await page(buyer, location);
    expect(done).toContain(`Retirement ${id}: 2.500 t retired for Fairphone B.V.`);
    expect(done).toContain(`${prefix}-501-3000`);
    expect(done).toContain(`href="/certificates/${id}"`);
    expect(done).toContain(`href="/api/v1/certificates/${id}"`);
    expect((await latestCheckpoint(t.db))!.treeSize).toBe(await journalSize(t.db));
    expect(await page(buyer, `/registry/accounts/${accountId}`)).toContain(`href="/certificates/${id}"`);
    expect((await stranger.request(location)).status).toBe(404);
  });

  it('asks again when the account’s credits changed after the confirmation page, and retires only what was confirmed', async () => {
    const html = await (await submit(buyer, '/registry/retire', { account: String(accountId), quantity: '1', ...claim })).text();
    expect(html).toContain(`serials ${prefix}-3001-4000.`);
    await runCommand(t.db, actorOf(fairphone, 'buyer'), (ctx) => transferCredits(ctx, { fromAccountId: accountId, toAccountId: makerAccount, quantityKg: 500 }));
    const before = await retirementCount();
    const changed = await submit(buyer, '/registry/retire', { account: String(accountId), quantity: '1.000', ...claim, confirm: '1', expected: hiddenValue(html, 'expected')! });
    expect(changed.status).toBe(409);
    const again = await changed.text();
    expect(again).toContain('The credits in the account changed since the confirmation page was shown');
    expect(again).toContain(`serials ${prefix}-3501-4500.`);
    expect(await retirementCount()).toBe(before);
    const confirmed = await submit(buyer, '/registry/retire', { account: String(accountId), quantity: '1.000', ...claim, confirm: '1', expected: hiddenValue(again, 'expected')! });
    expect(confirmed.status).toBe(303);
    expect(await retirementCount()).toBe(before + 1);
  });

  it('gives the form back with each problem of the claim beside its field, in French too', async () => {
    const refused = await submit(buyer, '/registry/retire', { account: String(accountId), quantity: '1', beneficiary: ' ', claimStart: '2023-13-01', claimEnd: '2023-12-31', covers: '' });
    expect(refused.status).toBe(400);
    const html = await refused.text();
    expect(html).toContain('Give the legal name of the beneficiary of the claim');
    expect(html).toContain('The claim period must be two dates');
    expect(html).toContain('Say what the claim covers');
    expect(html).toContain('value="2023-13-01"');
    const french = await submit(buyer, '/registry/retire?lang=fr', { account: String(accountId), quantity: '1', ...claim, beneficiary: '' });
    expect(await french.text()).toContain('Indiquez la raison sociale du bénéficiaire');
  });

  it('refuses more than the account holds before the confirmation page', async () => {
    const refused = await submit(buyer, '/registry/retire', { account: String(accountId), quantity: '50', ...claim });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain(`Account ${accountId} holds 0.500 t; it cannot give 50.000 t.`);
  });
});

describe('Cancelling units issued in error', () => {
  it('confirms the serials, highest first, then cancels them', async () => {
    const html = await page(admin, '/registry/cancel');
    expect(html).toContain(prefix);
    expect(html).toContain('3.000 t');
    expect((await submit(admin, '/registry/cancel', { batch: '1', quantity: '1', reason: '' })).status).toBe(400);
    const batchId = (await listBatches(t.db))[0]!.id;
    const confirmation = await (await submit(admin, '/registry/cancel', { batch: String(batchId), quantity: '1', reason: 'Draft figure' })).text();
    expect(confirmation).toContain(`You are about to cancel 1.000 t of batch ${prefix}, serials ${prefix}-7001-8000, because: Draft figure`);
    const done = await submit(admin, '/registry/cancel', { batch: String(batchId), quantity: '1.000', reason: 'Draft figure', confirm: '1', expected: hiddenValue(confirmation, 'expected')! });
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toMatch(/^\/registry\/cancel\?cancelled=\d+$/);
    expect((await holdings(t.db, issuance)).map((h) => h.serials)).toEqual([`${prefix}-5001-7000`]);
    const tooMuch = await submit(admin, '/registry/cancel', { batch: String(batchId), quantity: '3', reason: 'Draft figure' });
    expect(tooMuch.status).toBe(422);
    expect(await tooMuch.text()).toContain(`Only 2.000 t of batch ${prefix} is still in the issuance account`);
  });
});

describe('Reversing a transfer', () => {
  it('lists recent transfers for the secretariat and reverses one with a reason', async () => {
    const html = await page(admin, '/registry/transfers');
    const id = Number(/action="\/registry\/transfers\/(\d+)\/reverse"/.exec(html)![1]);
    expect(html).toContain(`Reason for reversing transfer ${id}`);
    const refused = await submit(admin, `/registry/transfers/${id}/reverse`, { reason: ' ' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('Give a reason (up to 500 characters).');
    const reversed = await submit(admin, `/registry/transfers/${id}/reverse`, { reason: 'Sent to the wrong account' });
    expect(reversed.status).toBe(303);
    const after = await page(admin, reversed.headers.get('location')!);
    expect(after).toContain(`Reversed by transfer`);
    expect(after).toContain('Sent to the wrong account');
  });
});

describe('Who may see what', () => {
  it('shows an account to its holder and the secretariat only', async () => {
    expect((await stranger.request(`/registry/accounts/${accountId}`)).status).toBe(404);
    expect((await admin.request(`/registry/accounts/${accountId}`)).status).toBe(200);
    const anonymous = await t.app.request(`/registry/accounts/${accountId}`);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toContain('/login');
    expect(await page(stranger, '/registry/accounts')).not.toContain(`#${accountId} Retirements`);
  });

  it('keeps the secretariat’s pages from buyers, and refuses a form without its CSRF token', async () => {
    for (const path of ['/registry/issue', '/registry/cancel', '/registry/transfers']) expect((await buyer.request(path)).status, path).toBe(403);
    const forged = await t.app.request('/registry/transfer', {
      method: 'POST',
      body: new URLSearchParams({ from: String(accountId), to: String(makerAccount), quantity: '0.1' }),
      headers: { cookie: buyer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(forged.status).toBe(403);
  });

  it('speaks French with French numbers', async () => {
    const html = await page(buyer, '/registry/accounts?lang=fr');
    expect(html).toContain('Vos comptes de crédits');
    expect(html).toContain('3,500 t');
  });
});
