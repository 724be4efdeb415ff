import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { runCommand } from '../journal/public.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { openAccount } from './commands/open-account.ts';
import { placeOrder } from './commands/sales/place-order.ts';
import { setCreditPrice } from './commands/sales/set-credit-price.ts';

let t: TestContext;
let admin: { email: string; password: string };
let buyer: { email: string; password: string };

/** A batch of 2024 credits on sale, a buyer with an approved account and an unpaid order, and a second buyer still waiting for approval. */
beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat' });
  admin = await t.buildUser({ role: 'admin', organisationId: secretariat.id });
  const { statement, site } = await insertSignedStatement(t, { responsibleKg: 10_000, periodStart: '2024-01-01', periodEnd: '2024-12-31' });
  await runCommand(t.db, system, (c) => issueBatch(c, { statementId: statement.id, quantityKg: 8_000 }));
  await runCommand(t.db, system, (c) => setCreditPrice(c, { mineral: 'cobalt', vintage: 2024, currency: 'USD', rule: 'manual', pricePerTonneMinor: 500_000, reason: 'Published price', registryFeeBasisPoints: 0 }));
  const company = await t.buildOrganisation({ kind: 'buyer', name: 'Cellco GmbH' });
  buyer = await t.buildUser({ role: 'buyer', organisationId: company.id });
  const account = await openApprovedAccount(t.db, company);
  await runCommand(t.db, actorOf(company, 'buyer'), (c) => placeOrder(c, { accountId: account.id, siteId: site.id, mineral: 'cobalt', vintage: 2024, quantityKg: 1_500 }));
  const newcomer = await t.buildOrganisation({ kind: 'buyer' });
  await runCommand(t.db, actorOf(newcomer, 'buyer'), (c) => openAccount(c, { name: 'Main', legalName: 'Newcomer SA', country: 'FR', registrationNumber: 'RCS 1', contactEmail: 'contact@newcomer.example' }));
});
afterAll(() => t?.close());

async function homeOf(user: { email: string; password: string }, lang = 'en') {
  const session = await t.signIn(user.email, user.password);
  return (await session.request(`/?lang=${lang}`)).text();
}

describe('the registry on the home page', () => {
  it("lists the secretariat's registry work: accounts to approve, invoices awaiting payment, verified credits not yet issued", async () => {
    const html = await homeOf(admin);
    expect(html).toContain('1 registry account waiting for your approval');
    expect(html).toMatch(/Order RMC-INV-\d{4}-0001 of Cellco GmbH: USD\s7,500\.00 awaiting payment/);
    expect(html).toContain('2.000 t verified but not yet issued');
  });

  it("shows a buyer what it holds and has retired, and the invoice it has to pay, in French too", async () => {
    const html = await homeOf(buyer);
    expect(html).toContain('credits held in your accounts');
    expect(html).toMatch(/Invoice RMC-INV-\d{4}-0001: pay USD\s7,500\.00 by/);
    const french = await homeOf(buyer, 'fr');
    expect(french).toContain('crédits détenus sur vos comptes');
    expect(french).toMatch(/Facture RMC-INV-\d{4}-0001/);
  });
});
