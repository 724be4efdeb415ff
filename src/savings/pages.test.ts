import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { runCommand } from '../journal/public.ts';
import { createGroup } from './commands/create-group.ts';
import { openCycle } from './commands/open-cycle.ts';
import { savingsLoans, savingsMeetings } from './schema.ts';

/** A field officer fills the ledger form in French, is told what is wrong with the form kept, then records the meeting and shares out. */
let t: TestContext;
let officer: Awaited<ReturnType<TestContext['signIn']>>;
const group = 'PGS-VSLA-01';
const base = `/savings/groups/${group}/cycles/1`;

beforeAll(async () => {
  t = await createTestContext();
  const fca = await t.buildOrganisation({ kind: 'secretariat', code: 'pg-fca' });
  const user = await t.buildUser({ role: 'field', organisationId: fca.id });
  officer = await t.signIn(user.email, user.password);
  await runCommand(t.db, system, (ctx) =>
    createGroup(ctx, {
      code: group,
      name: 'Umoja',
      community: 'Musompo',
      facilitator: 'pg-fca',
      formedOn: '2024-12-01',
      members: [
        { name: 'Neema Kasongo', sex: 'female', committeeRole: 'chair' },
        { name: 'Sifa Banza', sex: 'female' },
      ],
    }),
  );
  await runCommand(t.db, system, (ctx) => openCycle(ctx, { groupCode: group, startsOn: '2025-01-01', endsOn: '2025-12-31', sharePriceMinor: 100_000, monthlyInterestBps: 1000, socialFundContributionMinor: 20_000 }));
});
afterAll(() => t?.close());

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const meetings = async () => Number((await t.db.select({ n: count() }).from(savingsMeetings))[0]!.n);

describe('savings pages', () => {
  it('shows the ledger form with a row per member', async () => {
    const page = await (await officer.request(`${base}/meetings/new?lang=fr`)).text();
    expect(page).toContain('Réunion de PGS-VSLA-01, cycle 1');
    expect(page).toContain('Neema Kasongo');
    expect(page).toContain(`name="shares_${group}-M02"`);
    expect(page).toContain(`name="repayment_${group}-M01"`);
    expect(page).toContain(`name="fine_${group}-M01"`);
  });

  it('refuses shares above the maximum, in French, keeping what was typed', async () => {
    const response = await officer.request(
      `${base}/meetings/new?lang=fr`,
      form({ meetingDate: '2025-01-07', [`present_${group}-M01`]: 'on', [`shares_${group}-M01`]: '7', [`social_${group}-M01`]: '200' }),
    );
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain(`Le membre ${group}-M01 a acheté 7 parts ; le cycle en permet au plus 5 par réunion.`);
    expect(page).toContain('value="7"');
    const unreadable = await officer.request(`${base}/meetings/new?lang=fr`, form({ meetingDate: '2025-01-07', [`fine_${group}-M02`]: 'cent' }));
    expect(unreadable.status).toBe(422);
    expect(await unreadable.text()).toContain('Écrivez les montants en francs');
    expect(await meetings()).toBe(0);
  });

  it('offers another loan row as often as asked, keeping what was typed and recording nothing, and turns the ledger into cards on a phone', async () => {
    const response = await officer.request(
      `${base}/meetings/new`,
      form({ meetingDate: '2025-01-07', [`shares_${group}-M01`]: '2', loan_rows: '3', loan_member_2: `${group}-M02`, loan_amount_2: '700', add_loan: '1' }),
    );
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('name="loan_member_3"');
    expect(page).not.toContain('name="loan_member_4"');
    expect(page).toContain('<input type="hidden" name="loan_rows" value="4"/>');
    expect(page).toContain('name="loan_amount_2" type="text" value="700"');
    expect(page).toMatch(new RegExp(`id="shares_${group}-M01"[^>]*value="2"`));
    expect(page).toContain('<table class="ledger">');
    expect(page).toContain('@media (max-width: 640px)');
    expect(await meetings()).toBe(0);
  });

  it('records the meeting and its loan from the form', async () => {
    const response = await officer.request(
      `${base}/meetings/new?lang=fr`,
      form({
        meetingDate: '2025-01-07',
        [`present_${group}-M01`]: 'on',
        [`shares_${group}-M01`]: '5',
        [`social_${group}-M01`]: '200',
        [`present_${group}-M02`]: 'on',
        [`shares_${group}-M02`]: '3',
        [`social_${group}-M02`]: '200',
        [`fine_${group}-M02`]: '100,50',
        loan_member_0: `${group}-M02`,
        loan_amount_0: '5000',
        loan_due_0: '2025-02-07',
      }),
    );
    expect(response.status).toBe(303);
    expect(await meetings()).toBe(1);
    const [loan] = await t.db.select().from(savingsLoans);
    expect(loan).toMatchObject({ principalMinor: 500_000, interestMinor: 50_000 });
    const cycle = await (await officer.request(`${base}?lang=fr`)).text();
    expect(cycle).toContain('Sifa Banza');
    expect(cycle).toMatch(/5\s500,00\s+CDF/);
  });

  it('shares out from the statement page once the loan is repaid', async () => {
    const refused = await officer.request(`${base}/statement?lang=fr`, form({ heldOn: '2025-02-11' }));
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('tant que 1 prêt n’est pas remboursé');
    const repaid = await officer.request(`${base}/meetings/new?lang=fr`, form({ meetingDate: '2025-02-04', [`present_${group}-M02`]: 'on', [`repayment_${group}-M02`]: '5500' }));
    expect(repaid.status).toBe(303);
    expect((await officer.request(`${base}/statement?lang=fr`, form({ heldOn: '2025-02-11' }))).status).toBe(303);
    // Fund: 8 shares × 1 000 + fine 100,50 + repaid 5 500 − lent 5 000 = 8 600,50 CDF = 860 050 centimes.
    // M01: 860 050 × 5 / 8 = 537 531,25 → 537 531; M02: × 3 / 8 = 322 518,75 → 322 518, and the centime left (remainder 6 > 2).
    const statement = await (await officer.request(`${base}/statement?lang=fr`)).text();
    expect(statement).toMatch(/5\s375,31\s+CDF/);
    expect(statement).toMatch(/3\s225,19\s+CDF/);
  });

  it('draws the dashboard chart on the server', async () => {
    const page = await (await officer.request('/savings?year=2025')).text();
    expect(page).toContain('<svg');
    expect(page).toContain('Savings and loans by month');
  });
});
