import { sql } from 'drizzle-orm';
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import type { Queryable } from '../../db/connect.ts';
import { reportingCurrencyOf } from '../../rates/public.ts';
import { financeExpenditures } from '../grants-schema.ts';
import { currentBudgetLines } from './activity-finance.ts';
import { recipientCountry, reportingOrg } from './reporting-org.ts';
import { narratives, periodElements, valueElement } from './xml-parts.ts';

/** A sum for one calendar year in one currency. */
export type YearTotal = { year: number; currency: string; amountMinor: number };

/** What the organisation file publishes: the alliance's budget and spending per year, each in the currency it was agreed or spent in. */
export type OrganisationFigures = { defaultCurrency: string; totalBudgets: YearTotal[]; totalExpenditure: YearTotal[] };

const byYearThenCurrency = (a: YearTotal, b: YearTotal) => a.year - b.year || a.currency.localeCompare(b.currency);

/**
 * The alliance's total budget per year (the current budget of every grant, by the year of its
 * lines) and its total expenditure per year (expenditure and disbursements, by the day spent).
 * Nothing is converted: IATI lets each value carry its own currency, so a year with money in two
 * currencies has one total per currency, each exactly the sum of the records.
 */
export async function loadOrganisationFigures(db: Queryable): Promise<OrganisationFigures> {
  const budgets = new Map<string, YearTotal>();
  for (const line of await currentBudgetLines(db)) {
    const key = `${line.year}|${line.currency}`;
    const total = budgets.get(key) ?? { year: line.year, currency: line.currency, amountMinor: 0 };
    total.amountMinor += line.amountMinor;
    budgets.set(key, total);
  }
  const year = sql<number>`extract(year from ${financeExpenditures.spentOn})::int`;
  const spent = await db
    .select({ year, currency: financeExpenditures.currency, amountMinor: sql<string>`sum(${financeExpenditures.amountMinor})` })
    .from(financeExpenditures)
    .groupBy(year, financeExpenditures.currency);
  return {
    defaultCurrency: await reportingCurrencyOf(db),
    totalBudgets: [...budgets.values()].filter((total) => total.amountMinor > 0).sort(byYearThenCurrency),
    totalExpenditure: spent.map((row) => ({ year: Number(row.year), currency: row.currency, amountMinor: Number(row.amountMinor) })).sort(byYearThenCurrency),
  };
}

/**
 * The public page of the yearly Impact and Finance Report. The report module that will give each
 * year's report its own address (`/report/{year}`) does not exist yet; the public finance page,
 * which carries the yearly statements, is the stable address until then.
 */
export const annualReportPath = '/finance/public';

/** The period (a calendar year) and value of a yearly figure, in the element given. */
function yearFigure(element: XMLBuilder, total: YearTotal, defaultCurrency: string): void {
  periodElements(element, `${total.year}-01-01`, `${total.year}-12-31`);
  valueElement(element, { amountMinor: total.amountMinor, currency: total.currency, valueDate: `${total.year}-01-01` }, defaultCurrency);
}

/**
 * The IATI 2.03 organisation file of the alliance (iati-organisations-schema.xsd, elements in schema
 * order): the reporting organisation, its total budget and expenditure per year, its budget for the
 * recipient country (every activity is in the DR Congo, so it is the whole budget), and the annual
 * report as a document link. With no finance recorded yet it holds the organisation alone, which
 * the schema allows.
 */
export function organisationXml(figures: OrganisationFigures, publicBaseUrl: string, generatedAt: Date): string {
  const currency = figures.defaultCurrency;
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('iati-organisations', { version: '2.03', 'generated-datetime': generatedAt.toISOString() });
  const organisation = root.ele('iati-organisation', { 'xml:lang': 'en', 'default-currency': currency });
  organisation.ele('organisation-identifier').txt(reportingOrg.ref);
  narratives(organisation.ele('name'), { en: reportingOrg.nameEn, fr: reportingOrg.nameFr });
  narratives(organisation.ele('reporting-org', { ref: reportingOrg.ref, type: reportingOrg.type }), { en: reportingOrg.nameEn, fr: reportingOrg.nameFr });
  // BudgetStatus 2, committed: the budgets are the lines of signed grant agreements.
  const committed = { status: '2' };
  for (const total of figures.totalBudgets) yearFigure(organisation.ele('total-budget', committed), total, currency);
  for (const total of figures.totalBudgets) {
    const budget = organisation.ele('recipient-country-budget', committed);
    budget.ele('recipient-country', { code: recipientCountry });
    yearFigure(budget, total, currency);
  }
  for (const total of figures.totalExpenditure) yearFigure(organisation.ele('total-expenditure'), total, currency);
  const report = organisation.ele('document-link', { format: 'text/html', url: `${publicBaseUrl.replace(/\/+$/, '')}${annualReportPath}` });
  narratives(report.ele('title'), { en: 'Impact and Finance Report', fr: 'Rapport d’impact et financier' });
  report.ele('category', { code: 'B01' });
  report.ele('language', { code: 'en' });
  report.ele('language', { code: 'fr' });
  return root.end({ prettyPrint: true });
}
