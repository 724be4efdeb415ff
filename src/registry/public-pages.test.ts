import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { runCommand } from '../journal/public.ts';
import { cancelUnits } from './commands/cancel-units.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { getAccountKyc, getIssuanceAccount } from './queries/accounts.ts';

let t: TestContext;
let cobaltSite: string;
let copperSite: string;
let cobalt: string[];
let copper: string;
let retirementId: number;
let kyc: { contactEmail: string; registrationNumber: string };

/**
 * Two cobalt batches of 2023 at one site (the first sold whole to a buyer, who retired 1,000
 * units; 100 units of the second cancelled) and a copper batch of 2024 at another.
 */
beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
  const buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone', name: 'Fairphone B.V.' });
  const account = await openApprovedAccount(t.db, buyer);
  const details = (await getAccountKyc(t.db, account.id))!;
  kyc = { contactEmail: details.contactEmail!, registrationNumber: details.registrationNumber! };
  const cobaltStatement = await insertSignedStatement(t, { responsibleKg: 5_000, periodStart: '2023-01-01', periodEnd: '2023-12-31' });
  const copperStatement = await insertSignedStatement(t, { responsibleKg: 2_000, mineral: 'copper', periodStart: '2024-01-01', periodEnd: '2024-12-31' });
  cobaltSite = cobaltStatement.site.code;
  copperSite = copperStatement.site.code;
  const issue = (statementId: number, quantityKg: number) => runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId, quantityKg }));
  const first = await issue(cobaltStatement.statement.id, 2_500);
  const second = await issue(cobaltStatement.statement.id, 500);
  copper = (await issue(copperStatement.statement.id, 1_000)).serialPrefix;
  cobalt = [first.serialPrefix, second.serialPrefix];
  const issuance = (await getIssuanceAccount(t.db))!.id;
  await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: account.id, quantityKg: 2_500 }));
  const retirement = await runCommand(t.db, actorOf(buyer, 'buyer'), (ctx) =>
    retireCredits(ctx, { accountId: account.id, quantityKg: 1_000, beneficiary: 'Fairphone B.V.', claimPeriodStart: '2023-01-01', claimPeriodEnd: '2023-12-31', covers: 'Fairphone 4: 120,000 units', publicStatement: 'All our 2023 cobalt.' }),
  );
  retirementId = retirement.id;
  await runCommand(t.db, system, (ctx) => cancelUnits(ctx, { batchId: second.id, quantityKg: 100, reason: 'Issued from a draft figure' }));
});
afterAll(() => t?.close());

const page = async (path: string, locale: 'en' | 'fr' = 'en') => {
  const response = await t.app.request(path, { headers: { 'accept-language': locale } });
  return { status: response.status, html: await response.text() };
};
/** The text of a page without its tags, to find figures as a reader sees them. */
const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('The public registry overview', () => {
  it('shows the totals per mineral and vintage as cards, a table and a chart, in English', async () => {
    const { status, html } = await page('/registry');
    expect(status).toBe(200);
    const text = textOf(html);
    expect(text).toContain('Responsible Minerals Credit registry');
    expect(text).toContain('3.000 t cobalt credits issued');
    expect(text).toContain('1.000 t copper credits issued');
    expect(text).toMatch(/Cobalt 2023 3\.000 t 1\.900 t 1\.000 t 0\.100 t/);
    expect(text).toMatch(/Copper 2024 1\.000 t 1\.000 t 0\.000 t 0\.000 t/);
    expect(html).toContain('<svg');
    expect(text).toContain('Of 4.000 t issued, 1.000 t have been retired against claims and 2.900 t are held in accounts.');
    for (const href of ['/registry/batches', '/registry/retirements', '/registry/serials', '/registry/prices', '/journal', '/api/v1/registry/totals.csv']) expect(html).toContain(`href="${href}"`);
  });

  it('speaks French, with French numbers', async () => {
    const text = textOf((await page('/registry', 'fr')).html);
    expect(text).toContain('Registre des crédits de minerais responsables');
    expect(text).toMatch(/3,000\st crédits de cobalt émis/);
    expect(text).toContain('Télécharger les totaux en CSV');
    expect(text).toContain('Le journal public de chaque événement du registre');
  });
});

describe('The public batch list', () => {
  it('lists every batch with where its units are, with a CSV download', async () => {
    const { status, html } = await page('/registry/batches');
    expect(status).toBe(200);
    for (const prefix of [...cobalt, copper]) expect(html).toContain(prefix);
    expect(textOf(html)).toContain(`${cobalt[1]}-1-500 ${cobaltSite} (CD) Cobalt 2023 1 Jan 2023 to 31 Dec 2023 0.500 t 0.400 t 0.000 t 0.100 t`);
    expect(html).toContain('href="/api/v1/registry/batches.csv"');
    expect(textOf((await page('/registry/batches', 'fr')).html)).toContain('Lots de crédits, dans l’ordre d’émission');
  });

  it('filters by site, mineral and vintage through the query string, and the CSV link keeps the filters', async () => {
    const copperOnly = (await page('/registry/batches?mineral=copper')).html;
    expect(copperOnly).toContain(copper);
    expect(copperOnly).not.toContain(cobalt[0]);
    expect(copperOnly).toContain('href="/api/v1/registry/batches.csv?mineral=copper"');
    expect(copperOnly).toMatch(/<option value="copper" selected/);
    const site = (await page(`/registry/batches?site=${cobaltSite}&mineral=&vintage=2023`)).html;
    expect(site).toContain(cobalt[0]);
    expect(site).toContain(cobalt[1]);
    expect(site).not.toContain(copper);
    expect(site).toContain(`href="/api/v1/registry/batches.csv?site=${cobaltSite}&amp;vintage=2023"`);
    const vintage = (await page('/registry/batches?vintage=2024')).html;
    expect(vintage).toContain(copper);
    expect(vintage).not.toContain(cobalt[0]);
    expect(textOf((await page(`/registry/batches?site=${copperSite}&vintage=2023`)).html)).toContain('No batch matches.');
  });

  it('explains a filter it cannot use instead of failing', async () => {
    const { status, html } = await page('/registry/batches?vintage=last&mineral=gold', 'fr');
    expect(status).toBe(400);
    expect(html).toContain('href="#vintage"');
    expect(html).toContain('Choisissez un millésime dans la liste');
    expect(html).toContain('Choisissez un minerai dans la liste.');
  });
});

describe('The public retirements list', () => {
  it('shows beneficiary, claim period, quantity, serials and the certificate, in English and French', async () => {
    const english = await page('/registry/retirements');
    expect(english.status).toBe(200);
    const text = textOf(english.html);
    expect(text).toContain('Fairphone B.V.');
    expect(text).toContain('1 Jan 2023 to 31 Dec 2023');
    expect(text).toContain('1.000 t');
    expect(english.html).toContain(`href="/registry/serials?serial=${cobalt[0]}-1-1000"`);
    expect(english.html).toContain(`href="/certificates/${retirementId}"`);
    expect(english.html).toContain('href="/api/v1/registry/retirements.csv"');
    const french = textOf((await page('/registry/retirements', 'fr')).html);
    expect(french).toContain('du 1 janv. 2023 au 31 déc. 2023');
    expect(french).toContain(`Certificat ${retirementId}`);
  });
});

describe('The serial look-up', () => {
  it('shows a held block and its batch, never who holds it', async () => {
    const { status, html } = await page(`/registry/serials?serial=${cobalt[0]}-2000`);
    expect(status).toBe(200);
    const text = textOf(html);
    expect(text).toContain(`${cobalt[0]}-1001-2500`);
    expect(text).toContain('Held');
    expect(text).toContain('Who holds credits is not published');
    expect(html).not.toContain('fairphone');
  });

  it('shows a retired block with its claim and certificate, and a cancelled block with its reason, in French', async () => {
    const retired = textOf((await page(`/registry/serials?serial=${cobalt[0]}-10-20`, 'fr')).html);
    expect(retired).toContain('Retiré');
    expect(retired).toContain('Fairphone B.V.');
    expect((await page(`/registry/serials?serial=${cobalt[0]}-10`)).html).toContain(`href="/certificates/${retirementId}"`);
    const cancelled = textOf((await page(`/registry/serials?serial=${cobalt[1]}-450`, 'fr')).html);
    expect(cancelled).toContain('Annulé');
    expect(cancelled).toContain('Issued from a draft figure');
  });

  it('says kindly when no credit has the serial', async () => {
    const { status, html } = await page(`/registry/serials?serial=${cobalt[0]}-2501`);
    expect(status).toBe(404);
    expect(textOf(html)).toContain(`No credit with the serial ${cobalt[0]}-2501 was issued`);
    expect(html).toContain(`value="${cobalt[0]}-2501"`);
    expect(textOf((await page('/registry/serials?serial=nonsense', 'fr')).html)).toContain('Aucun crédit portant le numéro de série nonsense');
    const empty = await page('/registry/serials');
    expect(empty.status).toBe(200);
    expect(empty.html).toContain('name="serial"');
  });
});

describe('Privacy of the public registry', () => {
  it('never shows a KYC contact email or registration number on a page or in a CSV', async () => {
    const paths = [
      '/registry',
      '/registry/batches',
      `/registry/batches?site=${cobaltSite}`,
      '/registry/retirements',
      `/registry/serials?serial=${cobalt[0]}-2000`,
      `/registry/serials?serial=${cobalt[0]}-10`,
      '/api/v1/registry/batches.csv',
      '/api/v1/registry/retirements.csv',
      '/api/v1/registry/totals.csv',
    ];
    for (const path of paths) {
      for (const locale of ['en', 'fr'] as const) {
        const { status, html } = await page(path, locale);
        expect(status).toBe(200);
        expect(html).not.toContain(kyc.contactEmail);
        expect(html).not.toContain(kyc.registrationNumber);
      }
    }
  });
});
