import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import type { Localized } from '../../core/i18n/index.ts';
import type { Queryable } from '../../db/connect.ts';
import { sites } from '../../sites/public.ts';
import {
  financeExpenditures,
  financeGrantBudgetLines,
  financeGrantBudgetVersions,
  financeGrantRestrictions,
  financeGrants,
  financeGrantTransactions,
  financePartnerCommitments,
  type CostCategory,
} from '../grants-schema.ts';
import { grantPageText } from '../messages/grant-pages.ts';
import { financeActivitySites } from '../schema.ts';

/** An amount as IATI publishes it: in its own currency, with the day its value is taken on. */
export type IatiValue = { amountMinor: number; currency: string; valueDate: string };

/** A budget of an activity for one year (IATI BudgetType 1 original, 2 revised; BudgetStatus 2 committed: the grant agreement's lines). */
export type IatiBudget = { type: '1' | '2'; periodStart: string; periodEnd: string; value: IatiValue };

/** IATI TransactionType: 11 incoming commitment, 1 incoming funds, 2 outgoing commitment, 3 disbursement, 4 expenditure. */
export type IatiTransactionType = 11 | 1 | 2 | 3 | 4;
export type IatiTransaction = {
  ref?: string;
  type: IatiTransactionType;
  date: string;
  value: IatiValue;
  description?: Localized;
  providerOrg?: string;
  receiverOrg?: string;
};

/**
 * A site where an activity happens, as its public page shows it: its name, town and province. The
 * site's coordinates are kept by the sites module but not shown on the public site page, so the
 * IATI file does not publish them either (no `point`); nor an `administrative` code, since Orebook
 * keeps no gazetteer code (GeographicVocabulary) for the province, only its name.
 */
export type IatiLocation = { ref: string; name: string; town: string; province: string };

/** What the activity file publishes of an activity's money and places, and when the latest record of it was made (null: none yet). */
export type ActivityFinance = { locations: IatiLocation[]; budgets: IatiBudget[]; transactions: IatiTransaction[]; lastRecordedAt: Date | null };

const transactionOrder: readonly IatiTransactionType[] = [11, 1, 2, 3, 4];

/**
 * Splits an amount into whole minor units in proportion to the weights (largest remainder), so the
 * parts always add up to the amount exactly.
 */
export function splitByWeights(amountMinor: number, weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return weights.map(() => 0);
  const shares = weights.map((weight) => BigInt(amountMinor) * BigInt(weight));
  const parts = shares.map((share) => Number(share / BigInt(total)));
  const remainders = shares.map((share, index) => ({ index, remainder: share % BigInt(total) }));
  remainders.sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  let left = amountMinor - parts.reduce((sum, part) => sum + part, 0);
  for (const { index } of remainders) {
    if (left <= 0) break;
    parts[index]! += 1;
    left -= 1;
  }
  return parts;
}

/**
 * The activities each grant's money goes to, with each one's share: the activities it is
 * restricted to (directly, or through their programme area), weighted by the grant's current
 * budget for each (equal shares while it has no budget). A grant for one activity gives it all.
 */
async function grantShares(db: Queryable, activities: readonly { id: number; areaId: number }[], budgets: readonly BudgetLine[]) {
  const restrictions = await db.select().from(financeGrantRestrictions);
  const shares = new Map<number, { activityId: number; weight: number }[]>();
  for (const grantId of new Set(restrictions.map((r) => r.grantId))) {
    const own = restrictions.filter((r) => r.grantId === grantId);
    const funded = activities.filter((a) => own.some((r) => r.activityId === a.id || r.areaId === a.areaId)).map((a) => a.id);
    const budgeted = funded.map((activityId) => budgets.filter((line) => line.grantId === grantId && line.activityId === activityId).reduce((sum, line) => sum + line.amountMinor, 0));
    const weights = budgeted.some((amount) => amount > 0) ? budgeted : funded.map(() => 1);
    shares.set(grantId, funded.map((activityId, index) => ({ activityId, weight: weights[index]! })));
  }
  return shares;
}

/** The lines of every grant's current (latest) budget version, in the grant's currency. */
export async function currentBudgetLines(db: Queryable) {
  const latest = db
    .select({ grantId: financeGrantBudgetVersions.grantId, version: sql<number>`max(${financeGrantBudgetVersions.version})`.as('latest_version') })
    .from(financeGrantBudgetVersions)
    .groupBy(financeGrantBudgetVersions.grantId)
    .as('latest');
  return db
    .select({
      grantId: financeGrantBudgetVersions.grantId,
      version: financeGrantBudgetVersions.version,
      versionCreatedAt: financeGrantBudgetVersions.createdAt,
      currency: financeGrants.currency,
      activityId: financeGrantBudgetLines.activityId,
      year: financeGrantBudgetLines.year,
      amountMinor: financeGrantBudgetLines.amountMinor,
    })
    .from(financeGrantBudgetLines)
    .innerJoin(financeGrantBudgetVersions, eq(financeGrantBudgetVersions.id, financeGrantBudgetLines.versionId))
    .innerJoin(latest, and(eq(latest.grantId, financeGrantBudgetVersions.grantId), eq(latest.version, financeGrantBudgetVersions.version)))
    .innerJoin(financeGrants, eq(financeGrants.id, financeGrantBudgetVersions.grantId))
    .orderBy(asc(financeGrantBudgetLines.year));
}

type BudgetLine = Awaited<ReturnType<typeof currentBudgetLines>>[number];

const categoryLabel = (category: string): Localized => grantPageText.localized(`category_${category as CostCategory}`);

/**
 * Payments to people, summed per activity, kind, year and currency over every cost category: the
 * file shows the year's sum, never a person, a month's pay or one payment to a person.
 */
function individualsDescription(year: string): Localized {
  return { en: `Payments to individuals in ${year}, all cost categories together`, fr: `Paiements à des personnes en ${year}, toutes catégories de coûts confondues` };
}

/**
 * An activity's budgets per year, its transactions and its sites, read from the finance records:
 * grant budget lines (current version), grant commitments and receipts (shared among the
 * activities a grant funds), partner commitments, disbursements and expenditure. Expenditure paid
 * to individuals is summed per year over all cost categories, so no person, month's salary or
 * single payment to a person appears; no free-text description of spending is published either.
 */
export async function loadActivityFinance(db: Queryable, activities: readonly { id: number; areaId: number }[]): Promise<Map<number, ActivityFinance>> {
  const result = new Map<number, ActivityFinance>(activities.map((a) => [a.id, { locations: [], budgets: [], transactions: [], lastRecordedAt: null }]));
  const recorded = (activityId: number, at: Date) => {
    const finance = result.get(activityId);
    if (finance && (finance.lastRecordedAt === null || at > finance.lastRecordedAt)) finance.lastRecordedAt = at;
  };
  if (activities.length === 0) return result;
  const ids = activities.map((a) => a.id);

  const siteRows = await db
    .select({ activityId: financeActivitySites.activityId, code: sites.code, name: sites.name, town: sites.town, province: sites.province })
    .from(financeActivitySites)
    .innerJoin(sites, eq(sites.id, financeActivitySites.siteId))
    .where(inArray(financeActivitySites.activityId, ids))
    .orderBy(asc(sites.code));
  for (const { activityId, code, ...site } of siteRows) result.get(activityId)?.locations.push({ ref: code, ...site });

  const budgets = new Map<string, { activityId: number; year: number; currency: string; amountMinor: number; revised: boolean }>();
  const budgetLines = await currentBudgetLines(db);
  for (const line of budgetLines) {
    if (!result.has(line.activityId)) continue;
    recorded(line.activityId, line.versionCreatedAt);
    const key = `${line.activityId}|${line.year}|${line.currency}`;
    const sum = budgets.get(key) ?? { activityId: line.activityId, year: line.year, currency: line.currency, amountMinor: 0, revised: false };
    sum.amountMinor += line.amountMinor;
    sum.revised ||= line.version > 1;
    budgets.set(key, sum);
  }
  for (const budget of budgets.values()) {
    const periodStart = `${budget.year}-01-01`;
    result.get(budget.activityId)!.budgets.push({ type: budget.revised ? '2' : '1', periodStart, periodEnd: `${budget.year}-12-31`, value: { amountMinor: budget.amountMinor, currency: budget.currency, valueDate: periodStart } });
  }

  const shares = await grantShares(db, activities, budgetLines);
  const grantMoney = await db
    .select({ money: financeGrantTransactions, currency: financeGrants.currency, donor: organisations.name })
    .from(financeGrantTransactions)
    .innerJoin(financeGrants, eq(financeGrants.id, financeGrantTransactions.grantId))
    .innerJoin(organisations, eq(organisations.id, financeGrants.donorOrganisationId))
    .orderBy(asc(financeGrantTransactions.valueOn), asc(financeGrantTransactions.id));
  for (const { money, currency, donor } of grantMoney) {
    const funded = shares.get(money.grantId) ?? [];
    const parts = splitByWeights(money.amountMinor, funded.map((share) => share.weight));
    funded.forEach(({ activityId }, index) => {
      if (parts[index]! <= 0) return;
      recorded(activityId, money.createdAt);
      result.get(activityId)!.transactions.push({
        ref: money.reference,
        type: money.transactionType as 11 | 1,
        date: money.valueOn,
        value: { amountMinor: parts[index]!, currency, valueDate: money.valueOn },
        providerOrg: donor,
      });
    });
  }

  const commitments = await db
    .select({ commitment: financePartnerCommitments, partner: organisations.name })
    .from(financePartnerCommitments)
    .innerJoin(organisations, eq(organisations.id, financePartnerCommitments.partnerOrganisationId))
    .where(inArray(financePartnerCommitments.activityId, ids))
    .orderBy(asc(financePartnerCommitments.signedOn), asc(financePartnerCommitments.id));
  for (const { commitment, partner } of commitments) {
    recorded(commitment.activityId, commitment.createdAt);
    result.get(commitment.activityId)!.transactions.push({
      ref: commitment.reference,
      type: 2,
      date: commitment.signedOn,
      value: { amountMinor: commitment.amountMinor, currency: commitment.currency, valueDate: commitment.signedOn },
      receiverOrg: partner,
    });
  }

  // Only the columns that may be published: never the individual's name, the description or the receipt.
  const spending = await db
    .select({
      reference: financeExpenditures.reference,
      type: financeExpenditures.transactionType,
      spentOn: financeExpenditures.spentOn,
      amountMinor: financeExpenditures.amountMinor,
      currency: financeExpenditures.currency,
      activityId: financeExpenditures.activityId,
      category: financeExpenditures.costCategory,
      payee: organisations.name,
      createdAt: financeExpenditures.createdAt,
    })
    .from(financeExpenditures)
    .leftJoin(organisations, eq(organisations.id, financeExpenditures.payeeOrganisationId))
    .where(inArray(financeExpenditures.activityId, ids))
    .orderBy(asc(financeExpenditures.spentOn), asc(financeExpenditures.id));
  const toIndividuals = new Map<string, IatiTransaction>();
  for (const row of spending) {
    const type = row.type as 3 | 4;
    recorded(row.activityId, row.createdAt);
    if (row.payee !== null) {
      result.get(row.activityId)!.transactions.push({
        ref: row.reference,
        type,
        date: row.spentOn,
        value: { amountMinor: row.amountMinor, currency: row.currency, valueDate: row.spentOn },
        description: categoryLabel(row.category),
        receiverOrg: row.payee,
      });
      continue;
    }
    const year = row.spentOn.slice(0, 4);
    const key = `${row.activityId}|${type}|${year}|${row.currency}`;
    const sum = toIndividuals.get(key);
    if (sum) {
      sum.value.amountMinor += row.amountMinor;
      // Dated on the year's last payment (rows come in date order): never later than the money left.
      sum.date = row.spentOn;
      sum.value.valueDate = row.spentOn;
    } else {
      const transaction: IatiTransaction = { type, date: row.spentOn, value: { amountMinor: row.amountMinor, currency: row.currency, valueDate: row.spentOn }, description: individualsDescription(year) };
      toIndividuals.set(key, transaction);
      result.get(row.activityId)!.transactions.push(transaction);
    }
  }

  for (const finance of result.values()) {
    finance.budgets.sort((a, b) => a.periodStart.localeCompare(b.periodStart) || a.value.currency.localeCompare(b.value.currency));
    finance.transactions.sort((a, b) => transactionOrder.indexOf(a.type) - transactionOrder.indexOf(b.type) || a.date.localeCompare(b.date));
  }
  return result;
}

/**
 * The currency most of an activity's published amounts are in, which becomes its default currency
 * (a tie goes to the reporting currency, then to the first in alphabetical order); the reporting
 * currency for an activity with no amount yet.
 */
export function defaultCurrencyOf(finance: ActivityFinance, reportingCurrency: string): string {
  const counts = new Map<string, number>();
  for (const value of [...finance.budgets.map((b) => b.value), ...finance.transactions.map((t) => t.value)]) counts.set(value.currency, (counts.get(value.currency) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || Number(b[0] === reportingCurrency) - Number(a[0] === reportingCurrency) || a[0].localeCompare(b[0]));
  return ranked[0]?.[0] ?? reportingCurrency;
}

