import type { Browser } from 'playwright-core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/connect.ts';
import { assessmentResponses, assessments, productionDeclarations } from '../src/sites/schema.ts';
import { openBrowserOn, signInOnPage } from './browser.ts';
import { insertSite } from './factories/sites.ts';
import { insertPublishedStandard } from './factories/standard.ts';
import { createTestContext, type TestContext } from './harness.ts';

/**
 * A verifier signs a statement in a real browser with a key the browser made (Web Crypto Ed25519,
 * non-extractable, kept in IndexedDB): Orebook gets only the public key and the signature.
 */
let t: TestContext;
let session: Awaited<ReturnType<typeof openBrowserOn>>;
let baseUrl: string;
let browser: Browser;
let verifier: { email: string; password: string };
let verifierOrganisationId: number;
let assessmentId: number;

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const verifierOrganisation = await t.buildOrganisation({ kind: 'verifier' });
  verifierOrganisationId = verifierOrganisation.id;
  const { site } = await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'KWC', name: 'Kawama' });
  const { version, criteria } = await insertPublishedStandard(t.db);
  const [assessment] = await t.db
    .insert(assessments)
    .values({ siteId: site.id, verifierOrganisationId: verifierOrganisation.id, standardVersionId: version.id, periodStart: '2026-01-01', periodEnd: '2026-01-31', status: 'submitted', submittedAt: new Date() })
    .returning();
  assessmentId = assessment!.id;
  await t.db.insert(assessmentResponses).values(criteria.map((criterion) => ({ assessmentId, criterionId: criterion.id, rating: 'met' as const })));
  await t.db.insert(productionDeclarations).values({ siteId: site.id, mineral: 'cobalt', producedOn: '2026-01-10', wetOreKg: 5000, dryOreKg: 5000, gradeBasisPoints: 10_000, containedKg: 5000, buyer: 'EGC' });
  verifier = await t.buildUser({ role: 'verifier', organisationId: verifierOrganisation.id });
  session = await openBrowserOn(t.app);
  ({ baseUrl, browser } = session);
});
afterAll(async () => {
  await session?.close();
  await t?.close();
});

describe('A verifier signing in the browser with its own key', () => {
  it('makes a key in the browser, registers it, signs a prepared statement with it, and the statement shows the verifier held the key', async () => {
    const page = await browser.newPage();
    await signInOnPage(page, baseUrl, verifier);

    await page.goto(`${baseUrl}/verifier-keys`);
    await page.getByRole('button', { name: 'Make a key in this browser and register it' }).click();
    // The form posts back to the page it is on, so waiting for that URL would return at once:
    // wait for what the new page says instead.
    await page.getByText('Your organisation signs with a key it holds itself.').waitFor();
    const [key] = rowsOf<{ public_key: Buffer; custody: string; private_key_pkcs8: Buffer | null }>(
      await t.db.execute(sql`select public_key, custody, private_key_pkcs8 from organisation_keys where organisation_id = ${verifierOrganisationId} and retired_at is null`),
    );
    // Orebook has the public half only.
    expect(key).toMatchObject({ custody: 'verifier', private_key_pkcs8: null });

    await page.goto(`${baseUrl}/sites/KWC/verifications/new?assessment=${assessmentId}`);
    await page.getByLabel('Quantity produced responsibly, in tonnes of contained metal').fill('4.500');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Prepare the statement for signing with your key' }).click();
    await page.waitForURL(/\/verification-drafts\/\d+$/);
    expect(await page.locator('#document').getAttribute('data-public-key')).toBe(Buffer.from(key!.public_key).toString('base64'));

    await page.getByRole('button', { name: 'Sign with this browser’s key' }).click();
    await page.waitForURL(/\/verifications\/\d+\?signed=1$/);
    const view = await page.locator('main').innerText();
    expect(view).toContain('Signature valid');
    expect(view).toContain('Signed with a key held by the verifier');

    const id = /\/verifications\/(\d+)/.exec(page.url())![1];
    const answer = (await (await t.app.request(`/api/v1/verifications/${id}`)).json()) as { signatureValid: boolean; keyCustody: string; publicKey: string };
    expect(answer).toMatchObject({ signatureValid: true, keyCustody: 'verifier', publicKey: Buffer.from(key!.public_key).toString('base64') });
    await page.close();
  });
});
