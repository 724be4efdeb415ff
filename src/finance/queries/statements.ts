import { asc, eq, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { isIsoDate } from '../../core/calendar.ts';
import type { Localized } from '../../core/i18n/index.ts';
import { rowsOf, type Queryable } from '../../db/connect.ts';
import { premiumsBookedBetween } from '../../fund/public.ts';
import { loadRates, reportingCurrencyOf } from '../../rates/public.ts';
import { paidSalesBetween } from '../../registry/public.ts';
import { financeAllocations, financeExpenditures, financeGrants, financeGrantTransactions, type CostCategory } from '../grants-schema.ts';
import { statementError } from '../messages/statements.ts';
import { financeActivities, financeContributionPayments, financeProgrammeAreas } from '../schema.ts';
import { composeStatement, ratesNeededBy, type StatementFigures, type StatementPeriod, type StatementRecords } from '../statement-arithmetic.ts';
import { compareBudgetToActual, currentBudget, grantActuals, type BudgetAgainstActual } from './budget-vs-actual.ts';

/** The first day any statement may cover: older records are not the alliance's finance in Orebook. */
const earliestDay = '2000-01-01';
/** The longest period one statement covers, in years: longer ones are asked year by year. */
const longestYears = 10;

/**
 * The period a statement is asked for: a calendar year (`year`) or any days `from`–`to` (both
 * included), never past today's year. Anything else is a 422 `statement_period_invalid`.
 */
export function statementPeriodOf(query: { year?: string; from?: string; to?: string }, today: string): StatementPeriod {
  const lastYear = Number(today.slice(0, 4));
  if (query.year !== undefined) {
    const year = /^\d{4}$/.test(query.year) ? Number(query.year) : NaN;
    if (query.from !== undefined || query.to !== undefined || !(year >= 2000 && year <= lastYear)) throw statementError('statement_year_invalid', 422, { year: String(query.year).slice(0, 12), last: lastYear });
    return { from: `${year}-01-01`, to: `${year}-12-31` };
  }
  const { from, to } = query;
  if (from === undefined || to === undefined || !isIsoDate(from) || !isIsoDate(to) || from > to || from < earliestDay || Number(to.slice(0, 4)) > lastYear || Number(to.slice(0, 4)) - Number(from.slice(0, 4)) >= longestYears) {
    throw statementError('statement_period_invalid', 422, { last: lastYear, years: longestYears });
  }
  return { from, to };
}

/** The last complete calendar year at `today`: what the public page shows first. */
export const lastCompleteYear = (today: string) => Number(today.slice(0, 4)) - 1;

/** The finance, registry and fund records a statement of the period is made of, each in its own currency. */
export async function loadStatementRecords(db: Queryable, period: StatementPeriod): Promise<StatementRecords & { areaOfCode: Map<string, Localized> }> {
  const until = period.to;
  const contributionPayments = await db
    .select({ on: financeContributionPayments.receivedOn, currency: financeContributionPayments.currency, amountMinor: financeContributionPayments.amountMinor })
    .from(financeContributionPayments)
    .where(sql`${financeContributionPayments.receivedOn} <= ${until}`);
  const grants = await db
    .select({ id: financeGrants.id, reference: financeGrants.reference, donor: organisations.name, currency: financeGrants.currency })
    .from(financeGrants)
    .innerJoin(organisations, eq(organisations.id, financeGrants.donorOrganisationId))
    .orderBy(asc(financeGrants.signedOn), asc(financeGrants.id));
  const grantReceipts = await db
    .select({ grantId: financeGrantTransactions.grantId, on: financeGrantTransactions.valueOn, amountMinor: financeGrantTransactions.amountMinor })
    .from(financeGrantTransactions)
    .where(sql`${financeGrantTransactions.transactionType} = 1 and ${financeGrantTransactions.valueOn} <= ${until}`);
  // Payees are not read: a statement is aggregate, and a person is never named in it.
  const expenditures = await db
    .select({ id: financeExpenditures.id, on: financeExpenditures.spentOn, currency: financeExpenditures.currency, area: financeProgrammeAreas.code, category: financeExpenditures.costCategory })
    .from(financeExpenditures)
    .innerJoin(financeActivities, eq(financeActivities.id, financeExpenditures.activityId))
    .innerJoin(financeProgrammeAreas, eq(financeProgrammeAreas.id, financeActivities.areaId))
    .where(sql`${financeExpenditures.spentOn} <= ${until}`)
    .orderBy(asc(financeExpenditures.spentOn), asc(financeExpenditures.id));
  const allocations = await db
    .select({ expenditureId: financeAllocations.expenditureId, grantId: financeAllocations.grantId, amountMinor: financeAllocations.amountMinor, grantAmountMinor: financeAllocations.grantAmountMinor })
    .from(financeAllocations)
    .innerJoin(financeExpenditures, eq(financeExpenditures.id, financeAllocations.expenditureId))
    .where(sql`${financeExpenditures.spentOn} <= ${until}`)
    .orderBy(asc(financeAllocations.id));
  const sharesOf = new Map<number, { grantId: number | null; amountMinor: number; grantAmountMinor: number | null }[]>();
  for (const { expenditureId, ...share } of allocations) sharesOf.set(expenditureId, [...(sharesOf.get(expenditureId) ?? []), share]);
  const areas = await db.select({ code: financeProgrammeAreas.code, en: financeProgrammeAreas.labelEn, fr: financeProgrammeAreas.labelFr }).from(financeProgrammeAreas);
  const allTime = { from: earliestDay, to: until };
  return {
    contributionPayments,
    grants,
    grantReceipts,
    spending: expenditures.map((e) => ({ on: e.on, currency: e.currency, area: e.area, category: e.category as CostCategory, allocations: sharesOf.get(e.id) ?? [] })),
    sales: (await paidSalesBetween(db, allTime)).map((s) => ({ on: s.receivedOn, currency: s.currency, amountMinor: s.amountMinor, premiumMinor: s.premiumMinor, feeMinor: s.feeMinor })),
    premiumsBooked: (await premiumsBookedBetween(db, period)).map((b) => ({ on: b.occurredOn, currency: b.currency, amountMinor: b.amountMinor })),
    areaOfCode: new Map(areas.map((area) => [area.code, { en: area.en, fr: area.fr }])),
  };
}

/** A grant's budget against actual for the years of a statement, in the grant's currency. */
export type GrantBudgetAgainstActual = BudgetAgainstActual & { grantId: number; reference: string; donor: string; currency: string };

/**
 * Budget against actual of each grant whose period meets the statement's: the lines of the
 * current budget version for the statement's years, against what was charged to the grant in
 * those years (`compareBudgetToActual`), the share of time elapsed counted at the period's end.
 */
export async function grantsBudgetAgainstActual(db: Queryable, period: StatementPeriod): Promise<GrantBudgetAgainstActual[]> {
  const grants = await db
    .select({ grant: financeGrants, donor: organisations.name })
    .from(financeGrants)
    .innerJoin(organisations, eq(organisations.id, financeGrants.donorOrganisationId))
    .where(sql`${financeGrants.periodStart} <= ${period.to} and ${financeGrants.periodEnd} >= ${period.from}`)
    .orderBy(asc(financeGrants.signedOn), asc(financeGrants.id));
  const firstYear = Number(period.from.slice(0, 4));
  const lastYear = Number(period.to.slice(0, 4));
  const inYears = (line: { year: number }) => line.year >= firstYear && line.year <= lastYear;
  const comparisons: GrantBudgetAgainstActual[] = [];
  for (const { grant, donor } of grants) {
    const budget = await currentBudget(db, grant.id);
    const actuals = (await grantActuals(db, grant.id)).filter(inYears);
    const clipped = { start: grant.periodStart > `${firstYear}-01-01` ? grant.periodStart : `${firstYear}-01-01`, end: grant.periodEnd < `${lastYear}-12-31` ? grant.periodEnd : `${lastYear}-12-31` };
    const comparison = compareBudgetToActual(clipped, budget.lines.filter(inYears), actuals, period.to);
    comparisons.push({ grantId: grant.id, reference: grant.reference, donor, currency: grant.currency, version: budget.version, ...comparison });
  }
  return comparisons;
}

/** A statement of the alliance's finance for a period, in the reporting currency, with the labels of its programme areas. */
export type FinanceStatement = Omit<StatementFigures, 'expenditure'> & {
  expenditure: Omit<StatementFigures['expenditure'], 'byArea'> & { byArea: { area: string; label: Localized; amountMinor: number }[] };
  budgetAgainstActual: GrantBudgetAgainstActual[];
};

/**
 * The statement of a period: income by source, expenditure by programme area and by cost
 * category, budget against actual per grant, restricted and unrestricted balances at the period's
 * end, and the credit flows reconciled with the registry and the site funds. Computed from the
 * records each time (nothing stored), converted to the reporting currency with the rates of each
 * transaction's day, which it lists. Aggregate only: no payee appears in it.
 */
export async function financeStatement(db: Queryable, period: StatementPeriod): Promise<FinanceStatement> {
  const currency = await reportingCurrencyOf(db);
  const { areaOfCode, ...records } = await loadStatementRecords(db, period);
  const book = await loadRates(db, ratesNeededBy(records, period, currency));
  const figures = composeStatement(records, period, currency, book);
  return {
    ...figures,
    expenditure: { ...figures.expenditure, byArea: figures.expenditure.byArea.map((row) => ({ ...row, label: areaOfCode.get(row.area) ?? { en: row.area, fr: row.area } })) },
    budgetAgainstActual: await grantsBudgetAgainstActual(db, period),
  };
}

/** The years a public reader may choose: from the first year with finance records to the current one (never a future year), newest first. */
export async function statementYears(db: Queryable, today: string): Promise<number[]> {
  const [row] = rowsOf<{ first: string | null }>(
    await db.execute(sql`
    select least(
      (select min(${financeExpenditures.spentOn}) from ${financeExpenditures}),
      (select min(${financeGrantTransactions.valueOn}) from ${financeGrantTransactions}),
      (select min(${financeContributionPayments.receivedOn}) from ${financeContributionPayments})
    )::text as first`),
  );
  const current = Number(today.slice(0, 4));
  const first = row?.first ? Math.min(Number(row.first.slice(0, 4)), current) : lastCompleteYear(today);
  const years: number[] = [];
  for (let year = current; year >= first; year--) years.push(year);
  return years;
}
