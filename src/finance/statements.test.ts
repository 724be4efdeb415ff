import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectApiRefusal } from '../../test/expect.ts';
import { buyAndRetireCredits } from '../../test/factories/credit-sale.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { isoDateOf } from '../core/calendar.ts';
import { runCommand } from '../journal/public.ts';
import { recordExchangeRate, setReportingCurrency } from '../rates/public.ts';
import { recordedPremiums } from '../registry/public.ts';
import { createMembership } from './commands/members/create-membership.ts';
import { issueContributionCalls } from './commands/members/issue-contribution-calls.ts';
import { recordContributionPayment } from './commands/members/record-contribution-payment.ts';
import { setContributionRate } from './commands/members/set-contribution-rate.ts';
import { recordGrantMoney } from './commands/record-grant-receipt.ts';
import { grantProps, recordGrant, recordSpending, setBudget, spendingProps } from './grant-test-support.ts';
import type { FinanceStatement } from './queries/statements.ts';
import { activityProps, recordActivity, withProgrammeAreas } from './test-support.ts';

/**
 * The statements against records made by the modules' own commands: a EUR grant with its budget,
 * a receipt and spending in 2025 (one payee a person), a member's contribution, and a credit sale
 * paid today whose premium a site fund booked.
 */
let t: TestContext;
const person = 'Jeanne Qxstatementpayee';
const today = isoDateOf(new Date());
const thisYear = Number(today.slice(0, 4));
let order: { amountMinor: number; premiumMinor: number; feeMinor: number };

/** EUR at 0.9 per US dollar every day it is needed: EUR 100 is USD 111.11. */
const eurRate = (rateOn: string) => runCommand(t.db, system, (ctx) => recordExchangeRate(ctx, { currency: 'EUR', rateOn, unitsPerUsdMicro: 900_000, source: 'test central bank' }));

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
  await withProgrammeAreas(t.db, system);
  await recordActivity(t.db, system, activityProps('CREDIT-DIGITAL'));
  await recordActivity(t.db, system, activityProps('SECRETARIAT', { area: 'governance' }));
  const donor = await t.buildOrganisation({ kind: 'donor', code: 'eprm', name: 'European Partnership for Responsible Minerals' });
  const supplier = await t.buildOrganisation({ kind: 'secretariat', code: 'softco', name: 'Softco SARL' });
  const grant = await recordGrant(t.db, system, grantProps(donor.code, { areas: ['credit_mechanism'] }));
  await setBudget(t.db, system, grant.id, [
    { activity: 'CREDIT-DIGITAL', category: 'staff', year: 2025, amountMinor: 5_000_000 },
    { activity: 'CREDIT-DIGITAL', category: 'services_consultants', year: 2025, amountMinor: 100_000 },
  ]);
  for (const day of ['2025-02-01', '2025-03-10', '2025-04-20']) await eurRate(day);
  await runCommand(t.db, system, (ctx) => recordGrantMoney(ctx, { grantId: grant.id, kind: 'receipt', amountMinor: 10_000_000, valueOn: '2025-02-01', reference: 'TRANCHE-1' }));
  // EUR 3,000 of staff for the credit mechanism, paid to a person, two thirds on the grant.
  await recordSpending(t.db, system, spendingProps('CREDIT-DIGITAL', { individual: person }, { spentOn: '2025-03-10', amountMinor: 300_000, category: 'staff', allocations: [{ grantId: grant.id, amountMinor: 200_000 }, { grantId: null, amountMinor: 100_000 }] }));
  // EUR 1,500 of services charged to the grant beyond its line of EUR 1,000: overspent.
  await recordSpending(t.db, system, spendingProps('CREDIT-DIGITAL', { organisation: supplier.code }, { spentOn: '2025-04-20', amountMinor: 150_000, allocations: [{ grantId: grant.id, amountMinor: 150_000 }] }));
  // USD 500 of travel for governance, unrestricted.
  await recordSpending(t.db, system, spendingProps('SECRETARIAT', { organisation: supplier.code }, { spentOn: '2025-05-05', currency: 'USD', amountMinor: 50_000, category: 'travel' }));
  // A member pays its USD 1,000 contribution of 2025.
  const member = await t.buildOrganisation({ kind: 'member', code: 'acme', name: 'Acme Batteries SA' });
  await runCommand(t.db, system, (ctx) => setContributionRate(ctx, { year: 2025, category: 'downstream', currency: 'USD', fixedAmountMinor: 100_000, perTonneMinor: 1_000, floorMinor: 50_000, capMinor: 500_000 }));
  await runCommand(t.db, system, (ctx) => createMembership(ctx, { organisation: member.code, category: 'downstream', memberSince: '2024-01-01', rule: 'category_fixed' }));
  const [call] = await runCommand(t.db, system, (ctx) => issueContributionCalls(ctx, { year: 2025, issuedOn: '2025-01-15', dueOn: '2025-03-31' }));
  await runCommand(t.db, system, (ctx) => recordContributionPayment(ctx, { call: call!.number, amountMinor: 100_000, currency: 'USD', receivedOn: '2025-03-01', reference: 'BANK-1' }));
  // A credit sale paid today, its premium booked by the site's fund.
  const buyer = await t.buildOrganisation({ kind: 'buyer' });
  ({ order } = await buyAndRetireCredits(t, buyer, { boughtKg: 2_000, retiredKg: 1_000, beneficiary: 'Buyer' }));
  const [premium] = await recordedPremiums(t.db);
  const admin = await t.buildToken({ role: 'admin' });
  const booking = await t.app.request(`/api/v1/funds/premiums/${premium!.id}/booking`, { method: 'POST', headers: { authorization: `Bearer ${admin.token}` } });
  expect(booking.status).toBe(201);
});
afterAll(() => t?.close());

const statementOf = async (query: string) => {
  const response = await t.app.request(`/api/v1/finance/statements?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as FinanceStatement;
};
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const eurToUsd = (eurMinor: number) => Math.round((eurMinor * 1_000_000) / 900_000);

describe('GET /api/v1/finance/statements', () => {
  it('gives the year 2025 in the reporting currency, every amount converted on its own day, and reconciles', async () => {
    const statement = await statementOf('year=2025');
    expect(statement.period).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(statement.currency).toBe('USD');
    expect(statement.income.lines).toEqual([
      { source: 'member_contributions', donor: null, amountMinor: 100_000 },
      { source: 'grants', donor: 'European Partnership for Responsible Minerals', amountMinor: eurToUsd(10_000_000) },
      { source: 'registry_fees', donor: null, amountMinor: 0 },
    ]);
    expect(statement.income.totalMinor).toBe(sum(statement.income.lines.map((l) => l.amountMinor)));
    const total = eurToUsd(200_000) + eurToUsd(100_000) + eurToUsd(150_000) + 50_000;
    expect(statement.expenditure.totalMinor).toBe(total);
    expect(statement.expenditure.byArea.map((r) => [r.area, r.amountMinor])).toEqual([
      ['credit_mechanism', total - 50_000],
      ['governance', 50_000],
    ]);
    expect(sum(statement.expenditure.byArea.map((r) => r.amountMinor))).toBe(total);
    expect(sum(statement.expenditure.byCategory.map((r) => r.amountMinor))).toBe(total);
    expect(statement.expenditure.restrictedMinor).toBe(eurToUsd(200_000) + eurToUsd(150_000));
    expect(statement.balances.restricted).toEqual([expect.objectContaining({ reference: 'EPRM-2024-017', currency: 'EUR', receivedMinor: 10_000_000, chargedMinor: 350_000, balanceMinor: 9_650_000 })]);
    expect(statement.balances.unrestrictedMinor).toBe(100_000 - eurToUsd(100_000) - 50_000);
    expect(statement.ratesUsed.map((r) => r.rateOn)).toEqual(['2025-02-01', '2025-03-10', '2025-04-20']);
    const [grant] = statement.budgetAgainstActual;
    expect(grant!.lines.map((l) => [l.category, l.budgetMinor, l.actualMinor, l.overspent])).toEqual([
      ['services_consultants', 100_000, 150_000, true],
      ['staff', 5_000_000, 200_000, false],
    ]);
  });

  it('reconciles the credit flows of this year with the registry’s sale and the fund’s booking', async () => {
    const statement = await statementOf(`year=${thisYear}`);
    expect(statement.creditFlows).toMatchObject({ salesMinor: order.amountMinor, premiumMinor: order.premiumMinor, feeMinor: order.feeMinor, premiumBookedMinor: order.premiumMinor, reconciled: true });
    expect(statement.creditFlows.reconciliation).toEqual([{ currency: 'USD', salesMinor: order.amountMinor, premiumMinor: order.premiumMinor, feeMinor: order.feeMinor, premiumBookedMinor: order.premiumMinor, splitMatches: true, bookedMatches: true }]);
    expect(statement.income.lines.find((l) => l.source === 'registry_fees')!.amountMinor).toBe(order.feeMinor);
  });

  it('takes any period from–to, both days included', async () => {
    const statement = await statementOf('from=2025-03-10&to=2025-03-10');
    expect(statement.expenditure.totalMinor).toBe(eurToUsd(200_000) + eurToUsd(100_000));
    expect(statement.income.totalMinor).toBe(0);
  });

  it('refuses a future year, a malformed year and a period the wrong way round, in English and French', async () => {
    await expectApiRefusal(await t.app.request(`/api/v1/finance/statements?year=${thisYear + 1}`), 422, 'statement_year_invalid');
    await expectApiRefusal(await t.app.request('/api/v1/finance/statements?year=20x5'), 422, 'statement_year_invalid');
    const french = await expectApiRefusal(await t.app.request('/api/v1/finance/statements?from=2025-05-01&to=2025-04-01', { headers: { 'accept-language': 'fr' } }), 422, 'statement_period_invalid');
    expect(JSON.stringify(french)).toContain('Demandez');
    await expectApiRefusal(await t.app.request('/api/v1/finance/statements'), 422, 'statement_period_invalid');
  });

  it('refuses a statement in a currency with no rate on a day it needs (rate_missing), and the page says why', async () => {
    await runCommand(t.db, system, (ctx) => setReportingCurrency(ctx, { currency: 'CHF' }));
    try {
      const refusal = await expectApiRefusal(await t.app.request('/api/v1/finance/statements?year=2025'), 422, 'rate_missing');
      expect(refusal.message).toContain('CHF');
      const page = await t.app.request('/finance/public?year=2025');
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('This statement cannot be drawn up yet');
    } finally {
      await runCommand(t.db, system, (ctx) => setReportingCurrency(ctx, { currency: 'USD' }));
    }
  });
});

describe('The downloads', () => {
  it('give the statement as CSV, one line per figure, the same figures as the JSON', async () => {
    const statement = await statementOf('year=2025');
    const response = await t.app.request('/api/v1/finance/statements.csv?year=2025');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toContain('finance-statement-2025.csv');
    const csv = await response.text();
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('section,item,detail,currency,amount_minor,amount');
    expect(lines).toContain(`income,total,,USD,${statement.income.totalMinor},${(statement.income.totalMinor / 100).toFixed(2)}`);
    expect(lines).toContain(`expenditure_by_area,governance,Governance and secretariat,USD,50000,500.00`);
    expect(lines).toContain('balance_restricted,EPRM-2024-017,European Partnership for Responsible Minerals,EUR,9650000,96500.00');
    expect(lines).toContain('exchange_rate,2025-03-10,test central bank,EUR,,0.9');
  });

  it('give the statement as an XLSX workbook with the same lines, amounts as numbers', async () => {
    const response = await t.app.request('/api/v1/finance/statements.xlsx?year=2025');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await response.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('Statement')!;
    const rows = sheet.getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1));
    expect(rows[0]).toEqual(['section', 'item', 'detail', 'currency', 'amount_minor', 'amount']);
    expect(rows).toContainEqual(['expenditure_by_area', 'governance', 'Governance and secretariat', 'USD', 50_000, 500]);
    const csv = (await (await t.app.request('/api/v1/finance/statements.csv?year=2025')).text()).trim().split('\r\n');
    expect(rows.length).toBe(csv.length);
  });
});

describe('No person in the public statement', () => {
  it('names no individual payee in the JSON, CSV, XLSX or the public page, in either language', async () => {
    const outputs = [
      await (await t.app.request('/api/v1/finance/statements?year=2025')).text(),
      await (await t.app.request('/api/v1/finance/statements.csv?year=2025')).text(),
      Buffer.from(await (await t.app.request('/api/v1/finance/statements.xlsx?year=2025')).arrayBuffer()).toString('latin1'),
      await (await t.app.request('/finance/public?year=2025')).text(),
      await (await t.app.request('/finance/public?year=2025&lang=fr')).text(),
    ];
    for (const output of outputs) expect(output).not.toContain('Qxstatementpayee');
    // The XLSX is zipped: read its cells too.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await (await t.app.request('/api/v1/finance/statements.xlsx?year=2025')).arrayBuffer()) as unknown as ArrayBuffer);
    expect(JSON.stringify(workbook.getWorksheet('Statement')!.getSheetValues())).not.toContain('Qxstatementpayee');
  });
});

describe('The indicators', () => {
  it('give the same figures as the statement', async () => {
    const statement = await statementOf('year=2025');
    const admin = await t.buildToken({ role: 'admin' });
    const values = async (id: string) => {
      const response = await t.app.request(`/api/v1/indicators/${id}?from=2025-01-01&to=2026-01-01`, { headers: { authorization: `Bearer ${admin.token}` } });
      expect(response.status).toBe(200);
      return ((await response.json()) as { values: { value: number; dimensions: Record<string, string> }[] }).values;
    };
    expect((await values('finance.income_by_source')).map((v) => v.value)).toEqual(statement.income.lines.map((l) => l.amountMinor));
    expect(await values('finance.expenditure_by_area')).toEqual(statement.expenditure.byArea.map((r) => ({ value: r.amountMinor, dimensions: { area: r.area, currency: 'USD' } })));
    expect(await values('finance.expenditure_by_category')).toEqual(statement.expenditure.byCategory.map((r) => ({ value: r.amountMinor, dimensions: { category: r.category, currency: 'USD' } })));
    expect((await values('finance.credit_flows')).map((v) => v.value)).toEqual([statement.creditFlows.salesMinor, statement.creditFlows.premiumMinor, statement.creditFlows.feeMinor, statement.creditFlows.premiumBookedMinor]);
    const bva = await values('finance.grant_budget_vs_actual');
    expect(bva.filter((v) => v.dimensions.measure === 'actual').map((v) => v.value)).toEqual(statement.budgetAgainstActual[0]!.lines.map((l) => l.actualMinor));
  });

  it('keep budget against actual from the public, and offer the rest to anyone', async () => {
    expect((await t.app.request('/api/v1/indicators/finance.grant_budget_vs_actual?from=2025-01-01&to=2026-01-01')).status).toBe(401);
    expect((await t.app.request('/api/v1/indicators/finance.expenditure_by_area?from=2025-01-01&to=2026-01-01')).status).toBe(200);
  });
});

describe('The pages', () => {
  it('show everyone the yearly statement with its charts, downloads and the IATI files, the last complete year first, in English and French', async () => {
    const english = (await (await t.app.request('/finance/public')).text()).replace(/[\u00a0\u202f]/g, ' ');
    expect(english).toContain('Finances of the alliance');
    expect(english).toContain(`Statement ${thisYear - 1}`);
    expect(english).toContain('<svg');
    expect(english).toContain(`/api/v1/finance/statements.xlsx?year=${thisYear - 1}`);
    expect(english).toContain('/iati/activities.xml');
    expect(english).toContain('/iati/organisation.xml');
    expect(english).toContain('Overspent');
    const french = (await (await t.app.request('/finance/public?year=2025&lang=fr')).text()).replace(/[\u00a0\u202f]/g, ' ');
    expect(french).toContain('Finances de l’alliance');
    expect(french).toContain('Dépenses par domaine de programme');
    expect(french).toContain('Gouvernance');
    expect((await t.app.request(`/finance/public?year=${thisYear + 1}`)).status).toBe(422);
  });

  it('show the secretariat its dashboard: the statement, budget against actual, arrears and links; nobody else', async () => {
    const admin = await t.buildUser({ role: 'admin' });
    const session = await t.signIn(admin.email, admin.password);
    const page = (await (await session.request('/finance?year=2025')).text()).replace(/[\u00a0\u202f]/g, ' ');
    expect(page).toContain('Budget against actual per grant');
    expect(page).toContain('href="/finance/ledger"');
    expect(page).toContain('href="/finance/members"');
    expect(page).toContain('Members in arrears');
    expect(page).toContain('href="/finance"');
    const french = await (await session.request('/finance?year=2025&lang=fr')).text();
    expect(french).toContain('Membres en retard de paiement');
    const breadcrumbs = (html: string) => /<nav aria-label="Breadcrumb"[^>]*>([\s\S]*?)<\/nav>/.exec(html)?.[1] ?? '';
    expect(breadcrumbs(await (await session.request('/finance/ledger')).text())).toContain('<a href="/finance">Finance</a>');
    expect(breadcrumbs(await (await session.request('/finance/ledger?lang=fr')).text())).toContain('<a href="/finance">Finances</a>');
    const member = await t.buildUser({ role: 'member' });
    expect((await (await t.signIn(member.email, member.password)).request('/finance')).status).toBe(403);
    expect((await t.app.request('/finance')).status).not.toBe(200);
  });
});
