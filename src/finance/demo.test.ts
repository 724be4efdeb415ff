import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { demoPassword, demoUsers } from '../accounts/public.ts';
import { runInvariants } from '../core/invariants.ts';
import { rowsOf } from '../db/connect.ts';
import { loadDemo } from '../demo.ts';
import { runCommand } from '../journal/public.ts';
import { modules } from '../modules.ts';
import { convert } from '../rates/public.ts';
import { dryRunLedgerImport, importLedger } from './commands/import-ledger.ts';
import { financeInvariants } from './invariants.ts';
import { demoLedger, demoLedgerAccounts, demoLedgerVatAccount } from './ledger-demo.ts';
import { readLedger } from './ledger/read-ledger.ts';
import { iatiActivityFileProblems } from './test-support.ts';

/** The finance demo end to end: three full years of finance that hold together, its ledger import, its IATI activity file, and no person named where they should not be. */
let t: TestContext;

beforeAll(async () => {
  t = await createTestContext();
  // The registry's demo too: the member that buys credits sees them on its page.
  const needed = new Set(['accounts', 'journal', 'files', 'rates', 'sites', 'registry', 'finance']);
  await loadDemo(t.handle, t.keyring, modules.filter((m) => needed.has(m.name)), { force: true });
}, 600_000);
afterAll(() => t?.close());

const query = async <T>(statement: ReturnType<typeof sql>) => rowsOf<T>(await t.db.execute(statement));

/** The people the demo's books name: payees that are individuals, in the spending plan and in the ledger export. */
const demoPayeeNames = ['Didier Mbuyi', 'Aline Kasongo', 'Hélène Marchal', 'Joséphine Tshala', 'Patience Ngoy', 'Rachel Kabongo', 'Joël Banza', 'Mireille Kapinga'];

describe('The finance demo’s years', () => {
  const years = [2023, 2024, 2025];

  it('has, in each of 2023, 2024 and 2025, contributions called and paid, grant tranches received, and spending in every month', async () => {
    const perYear = await query<{ year: number; calls: number; payments: number; receipts: number; spending: number; months: number }>(sql`
      select y.year,
        (select count(*) from finance_contribution_calls c where c.year = y.year)::int as calls,
        (select count(*) from finance_contribution_payments p where extract(year from p.received_on) = y.year)::int as payments,
        (select count(*) from finance_grant_transactions g where g.transaction_type = 1 and extract(year from g.value_on) = y.year)::int as receipts,
        (select count(*) from finance_expenditures e where extract(year from e.spent_on) = y.year)::int as spending,
        (select count(distinct extract(month from e.spent_on)) from finance_expenditures e where extract(year from e.spent_on) = y.year)::int as months
      from (values (2023), (2024), (2025)) as y(year) order by y.year`);
    expect(perYear.map((row) => row.year)).toEqual(years);
    for (const row of perYear) {
      expect(row.calls, `calls ${row.year}`).toBeGreaterThan(0);
      expect(row.payments, `payments ${row.year}`).toBeGreaterThan(0);
      expect(row.receipts, `grant tranches ${row.year}`).toBeGreaterThan(0);
      expect(row.months, `months with spending in ${row.year}`).toBe(12);
    }
  });

  it('spends across every programme area and every cost category, to individuals and to partner organisations, in four currencies', async () => {
    const [spread] = await query<{ areas: string[]; categories: string[]; currencies: string[]; individuals: number; organisations: number }>(sql`
      select array_agg(distinct a.code order by a.code) as areas, array_agg(distinct e.cost_category order by e.cost_category) as categories,
        array_agg(distinct e.currency order by e.currency) as currencies,
        count(*) filter (where e.payee_organisation_id is null)::int as individuals, count(*) filter (where e.payee_organisation_id is not null)::int as organisations
      from finance_expenditures e join finance_activities act on act.id = e.activity_id join finance_programme_areas a on a.id = act.area_id`);
    expect(spread!.areas).toEqual(['child_labour', 'credit_mechanism', 'economic_resilience', 'formalisation', 'governance', 'health_safety']);
    expect(spread!.categories).toEqual(['equipment_supplies', 'grants_to_partners', 'indirect_costs', 'services_consultants', 'staff', 'travel']);
    expect(spread!.currencies).toEqual(['CDF', 'CHF', 'EUR', 'USD']);
    expect(spread!.individuals).toBeGreaterThan(0);
    expect(spread!.organisations).toBeGreaterThan(0);
  });

  it('passes money to two implementing partners under their contracts, in 2024 and 2025', async () => {
    const disbursed = await query<{ reference: string; partner: string; years: number[] }>(sql`
      select c.reference, o.code as partner, array_agg(distinct extract(year from e.spent_on)::int order by extract(year from e.spent_on)::int) as years
      from finance_partner_commitments c join organisations o on o.id = c.partner_organisation_id
      join finance_expenditures e on e.partner_commitment_id = c.id and e.transaction_type = 3
      group by c.reference, o.code order by c.reference`);
    expect(disbursed).toEqual([
      { reference: 'KC-2024-01', partner: 'kolwezi-care', years: [2024, 2025] },
      { reference: 'TJ-2025-01', partner: 'tujenge', years: [2025] },
    ]);
  });

  it('allocates every payment exactly, and charges its grant at the day’s rate when paid in another currency', async () => {
    const unbalanced = await query<{ id: number }>(sql`
      select e.id from finance_expenditures e left join finance_allocations a on a.expenditure_id = e.id
      group by e.id, e.amount_minor having coalesce(sum(a.amount_minor), 0) <> e.amount_minor`);
    expect(unbalanced).toEqual([]);
    const converted = await query<{ amountMinor: number; currency: string; grantCurrency: string; spentOn: string; grantAmountMinor: number }>(sql`
      select a.amount_minor::int as "amountMinor", e.currency, g.currency as "grantCurrency", e.spent_on::text as "spentOn", a.grant_amount_minor::int as "grantAmountMinor"
      from finance_allocations a join finance_expenditures e on e.id = a.expenditure_id join finance_grants g on g.id = a.grant_id
      where g.currency <> e.currency`);
    expect(new Set(converted.map((row) => row.currency))).toEqual(new Set(['USD', 'CDF']));
    for (const row of converted) {
      expect((await convert(t.db, { amountMinor: row.amountMinor, from: row.currency, to: row.grantCurrency, on: row.spentOn })).amountMinor).toBe(row.grantAmountMinor);
    }
  });

  it('has the rates to state every day money moved in US dollars or in euros', async () => {
    const moved = await query<{ currency: string; on: string }>(sql`
      select distinct currency, on_day::text as "on" from (
        select currency, spent_on as on_day from finance_expenditures
        union all select g.currency, t.value_on from finance_grant_transactions t join finance_grants g on g.id = t.grant_id
        union all select currency, received_on from finance_contribution_payments
      ) as moved`);
    expect(moved.length).toBeGreaterThan(100);
    for (const { currency, on } of moved) {
      for (const to of ['USD', 'EUR']) await expect(convert(t.db, { amountMinor: 100_00, from: currency, to, on }), `${currency} to ${to} on ${on}`).resolves.toMatchObject({ currency: to });
    }
  });
});

describe('The field office’s ledger export', () => {
  it('was imported once, after the dry run found the VAT account unmapped and it was marked as not spending', async () => {
    const imports = await query<{ imported: number; notSpending: number; alreadyImported: number }>(sql`select imported, not_spending as "notSpending", already_imported as "alreadyImported" from finance_ledger_imports`);
    const reading = await readLedger(demoLedger.content, demoLedger);
    const spendingAccounts = new Set(demoLedgerAccounts.filter((account) => account.mapping.treatment === 'spending').map((account) => account.account));
    const spending = reading.lines.filter((line) => spendingAccounts.has(line.account)).length;
    expect(spending).toBeGreaterThan(150);
    expect(imports).toEqual([{ imported: spending, notSpending: reading.lines.length - spending, alreadyImported: 0 }]);
    const [vat] = await query<{ treatment: string }>(sql`select treatment from finance_ledger_accounts where code = ${demoLedgerVatAccount}`);
    expect(vat).toEqual({ treatment: 'not_spending' });
    expect(reading.lines.some((line) => line.account === demoLedgerVatAccount)).toBe(true);
  });

  it('charges the EPRM grant in euros for the data clerks paid in US dollars', async () => {
    const [clerks] = await query<{ postings: number; grants: string[] }>(sql`
      select count(*)::int as postings, array_agg(distinct g.reference) as grants from finance_ledger_postings p
      join finance_allocations a on a.expenditure_id = p.expenditure_id join finance_grants g on g.id = a.grant_id
      where p.account = '6210'`);
    expect(clerks).toEqual({ postings: 42, grants: ['EPRM-2024-017'] });
  });

  it('imports nothing twice when the same export is imported again', async () => {
    const counts = async () => (await query<{ e: number; p: number }>(sql`select (select count(*) from finance_expenditures)::int as e, (select count(*) from finance_ledger_postings)::int as p`))[0];
    const before = await counts();
    const check = await dryRunLedgerImport(t.db, system, demoLedger);
    expect(check.toImport).toEqual([]);
    expect(check.problems).toEqual([]);
    expect(check.alreadyImported.length).toBe(check.postings);
    const again = await runCommand(t.db, system, (c) => importLedger(c, demoLedger));
    expect(again.import.imported).toBe(0);
    expect(await counts()).toEqual(before);
  });
});

describe('The finance demo', () => {
  it('publishes its six activities in an IATI file valid against the schema and the codelists', async () => {
    const response = await t.app.request('/iati/activities.xml');
    expect(response.status).toBe(200);
    const xml = await response.text();
    expect(await iatiActivityFileProblems(xml)).toEqual([]);
    expect([...xml.matchAll(/<iati-identifier>([^<]+)<\/iati-identifier>/g)].map((m) => m[1])).toEqual(
      ['CHILD-REMEDIATION', 'CREDIT-DIGITAL', 'OHS-KAM', 'SAVINGS-GROUPS', 'SECRETARIAT', 'SITE-QUALIFICATION'].map((code) => `XI-IATI-FCA-${code}`),
    );
    expect(xml).toContain('<narrative>European Partnership for Responsible Minerals</narrative>');
  });

  it('keeps the invariants orebook verify checks', async () => {
    expect((await runInvariants(t.db, financeInvariants)).filter((result) => result.problems.length > 0)).toEqual([]);
  });

  it('names no person', async () => {
    const xml = await (await t.app.request('/iati/activities.xml')).text();
    for (const user of demoUsers) {
      expect(xml).not.toContain(user.displayName);
      expect(xml).not.toContain(user.email);
    }
    for (const name of demoPayeeNames) expect(xml).not.toContain(name);
  });

  it('holds the EPRM grant of EUR 320,000 for 2024–2026 with its budget against actual, and names no individual payee to its donor', async () => {
    const donor = demoUsers.find((user) => user.email === 'donor@orebook.demo')!;
    const session = await t.signIn(donor.email, demoPassword(donor.email));
    const grants = (await (await session.request('/api/v1/finance/grants')).json()) as { id: number; reference: string; totalMinor: number; currency: string; periodStart: string; periodEnd: string; receivedMinor: number }[];
    expect(grants.map(({ reference, totalMinor, currency, periodStart, periodEnd }) => ({ reference, totalMinor, currency, periodStart, periodEnd }))).toEqual([
      { reference: 'EPRM-2024-017', totalMinor: 32_000_000, currency: 'EUR', periodStart: '2024-01-01', periodEnd: '2026-12-31' },
    ]);
    const detail = await (await session.request(`/api/v1/finance/grants/${grants[0]!.id}`)).text();
    const parsed = JSON.parse(detail) as { budgetAgainstActual: { lines: { overspent: boolean; actualMinor: number }[]; total: { actualMinor: number } }; spending: { payee: string }[] };
    expect(parsed.budgetAgainstActual.total.actualMinor).toBeGreaterThan(0);
    expect(parsed.budgetAgainstActual.lines.some((line) => line.overspent)).toBe(true);
    expect(parsed.spending.map((row) => row.payee)).toContain('individual');
    const page = await (await session.request(`/finance/grants/${grants[0]!.id}`)).text();
    expect(page).toContain('<svg');
    for (const output of [detail, page]) for (const name of demoPayeeNames) expect(output).not.toContain(name);
    expect(parsed.budgetAgainstActual.lines.filter((line) => line.actualMinor > 0).length).toBeGreaterThan(5);
  });
});

describe('The members demo', () => {
  it('has the demo’s companies and the three members that joined in 2024, with a part-paid call in arrears', async () => {
    const { token } = await t.buildToken({ role: 'admin', organisationId: (await t.buildOrganisation({ kind: 'secretariat' })).id });
    const body = (await (await t.app.request('/api/v1/finance/members', { headers: { authorization: `Bearer ${token}` } })).json()) as {
      members: { organisation: string; name: string; memberSince: string; balances: { calledMinor: number; paidMinor: number; arrearsMinor: number }[] }[];
      totals: { currency: string; arrearsMinor: number }[];
    };
    expect(body.members.map((m) => m.organisation).sort()).toEqual(['arm', 'fairphone', 'nordcell', 'northvolt', 'telf']);
    const joined2024 = body.members.filter((m) => m.memberSince.startsWith('2024-')).map((m) => m.name);
    expect(joined2024.sort()).toEqual(['Alliance for Responsible Mining', 'Northvolt AB', 'Telf AG']);
    const nordcell = body.members.find((m) => m.organisation === 'nordcell')!;
    expect(nordcell.balances[0]!.arrearsMinor).toBeGreaterThan(0);
    expect(nordcell.balances[0]!.paidMinor).toBeGreaterThan(0);
    expect(body.totals).toEqual([expect.objectContaining({ currency: 'USD', arrearsMinor: nordcell.balances[0]!.arrearsMinor })]);
    const calls = (await (await t.app.request('/api/v1/finance/members/nordcell', { headers: { authorization: `Bearer ${token}` } })).json()) as { calls: { year: number; payments: unknown[]; inArrears: boolean }[] };
    expect(calls.calls.map((call) => [call.year, call.payments.length, call.inArrears])).toEqual([
      [2025, 1, true],
      [2024, 2, false],
      [2023, 1, false],
    ]);
  });

  it('shows the member user its own page, naming no other person', async () => {
    const member = demoUsers.find((user) => user.role === 'member' && user.org === 'arm')!;
    const session = await t.signIn(member.email, demoPassword(member.email));
    const page = await (await session.request('/finance/membership')).text();
    expect(page).toContain('Alliance for Responsible Mining');
    expect(page).toContain('MC-2025-');
    expect(page).toContain('Membership contributions are unrestricted');
    for (const user of demoUsers.filter((other) => other.email !== member.email)) expect(page).not.toContain(user.displayName);
  });

  it('shows a buyer that is also a member its contributions, payments in arrears, and the credits it bought and retired', async () => {
    const member = demoUsers.find((user) => user.role === 'member' && user.org === 'nordcell')!;
    const session = await t.signIn(member.email, demoPassword(member.email));
    const response = await session.request('/finance/membership');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('Nordcell Batteries AB');
    for (const year of ['2023', '2024', '2025']) expect(page).toContain(`MC-${year}-`);
    expect(page).toContain('href="/certificates/');
    for (const user of demoUsers.filter((other) => other.email !== member.email)) expect(page).not.toContain(user.displayName);
  });
});
