import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { isoDateOf } from '../core/calendar.ts';
import type { Indicator, IndicatorPeriod, IndicatorValue } from '../core/indicators.ts';
import type { Queryable } from '../db/connect.ts';
import { sites } from '../sites/public.ts';
import { listTransactions, spendTiming } from './queries/ledger.ts';
import { fundProposals, funds, fundTransactions } from './schema.ts';

const inPeriod = (period: IndicatorPeriod) => and(gte(fundTransactions.occurredOn, isoDateOf(period.from)), lt(fundTransactions.occurredOn, isoDateOf(period.to)));
const minorUnit = { en: 'minor units of the currency (cents)', fr: 'unités mineures de la devise (centimes)' };

async function fundsOf(db: Queryable, filters: Record<string, string>) {
  const rows = await db.select({ id: funds.id, site: sites.code }).from(funds).innerJoin(sites, eq(sites.id, funds.siteId)).orderBy(asc(sites.code));
  return filters.site ? rows.filter((f) => f.site === filters.site) : rows;
}

export const premiumReceived: Indicator = {
  id: 'fund.premium_received',
  label: { en: 'Credit premium received by site funds', fr: 'Prime des crédits reçue par les fonds des sites' },
  unit: minorUnit,
  formula: { en: 'Sum of credit premiums booked as fund income, dated the day the buyer’s payment arrived, per site and currency.', fr: 'Somme des primes de crédits comptabilisées comme revenu du fonds, datées du jour où le paiement de l’acheteur est arrivé, par site et devise.' },
  disaggregations: ['site', 'currency'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    const values: IndicatorValue[] = [];
    for (const fund of await fundsOf(db, filters)) {
      const rows = await db
        .select({ currency: fundTransactions.currency, total: sql<number>`sum(${fundTransactions.amountMinor})`.mapWith(Number) })
        .from(fundTransactions)
        .where(and(eq(fundTransactions.fundId, fund.id), eq(fundTransactions.source, 'premium'), inPeriod(period)))
        .groupBy(fundTransactions.currency);
      for (const row of rows) values.push({ value: row.total, dimensions: { site: fund.site, currency: row.currency } });
    }
    return values;
  },
};

function byArea(kind: 'commitment' | 'disbursement', label: Indicator['label'], formula: Indicator['formula']): Indicator {
  return {
    id: kind === 'commitment' ? 'fund.committed_by_area' : 'fund.disbursed_by_area',
    label,
    unit: minorUnit,
    formula,
    disaggregations: ['site', 'area', 'currency'],
    filters: ['site', 'area'],
    visibility: 'public',
    async compute(db, { period, filters }) {
      const values: IndicatorValue[] = [];
      const sign = kind === 'commitment' ? sql`case when ${fundTransactions.kind} = 'release' then -1 else 1 end` : sql`1`;
      const kinds = kind === 'commitment' ? sql`${fundTransactions.kind} in ('commitment', 'release')` : sql`${fundTransactions.kind} = 'disbursement'`;
      for (const fund of await fundsOf(db, filters)) {
        const rows = await db
          .select({ area: fundProposals.area, currency: fundTransactions.currency, total: sql<number>`sum(${fundTransactions.amountMinor} * ${sign})`.mapWith(Number) })
          .from(fundTransactions)
          .innerJoin(fundProposals, eq(fundProposals.id, fundTransactions.proposalId))
          .where(and(eq(fundTransactions.fundId, fund.id), kinds, inPeriod(period), filters.area ? eq(fundProposals.area, filters.area as 'environment') : undefined))
          .groupBy(fundProposals.area, fundTransactions.currency)
          .orderBy(asc(fundProposals.area));
        for (const row of rows) values.push({ value: row.total, dimensions: { site: fund.site, area: row.area, currency: row.currency } });
      }
      return values;
    },
  };
}

export const committedByArea = byArea(
  'commitment',
  { en: 'Premium fund committed to projects, by area', fr: 'Fonds de prime engagé dans des projets, par domaine' },
  { en: 'Amounts committed by the committee’s approvals dated in the period, less commitments released by completed or cancelled projects in the period.', fr: 'Montants engagés par les approbations du comité datées de la période, moins les engagements libérés par des projets achevés ou annulés dans la période.' },
);

export const disbursedByArea = byArea(
  'disbursement',
  { en: 'Premium fund disbursed to projects, by area', fr: 'Fonds de prime décaissé pour des projets, par domaine' },
  { en: 'Sum of tranches paid to approved projects, dated in the period (IATI transaction type 3).', fr: 'Somme des tranches versées aux projets approuvés, datées de la période (type de transaction IATI 3).' },
);

export const projectsCompleted: Indicator = {
  id: 'fund.projects_completed',
  label: { en: 'Fund projects completed', fr: 'Projets du fonds achevés' },
  unit: { en: 'projects', fr: 'projets' },
  formula: { en: 'Projects whose completion report is dated in the period.', fr: 'Projets dont le rapport d’achèvement est daté de la période.' },
  disaggregations: ['site', 'area'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    const values: IndicatorValue[] = [];
    for (const fund of await fundsOf(db, filters)) {
      const rows = await db
        .select({ area: fundProposals.area, count: sql<number>`count(*)`.mapWith(Number) })
        .from(fundProposals)
        .where(and(eq(fundProposals.fundId, fund.id), eq(fundProposals.status, 'completed'), gte(fundProposals.completedOn, isoDateOf(period.from)), lt(fundProposals.completedOn, isoDateOf(period.to))))
        .groupBy(fundProposals.area)
        .orderBy(asc(fundProposals.area));
      for (const row of rows) values.push({ value: row.count, dimensions: { site: fund.site, area: row.area } });
    }
    return values;
  },
};

export const daysReceiptToDisbursement: Indicator = {
  id: 'fund.days_receipt_to_disbursement',
  label: { en: 'Average days from receipt to disbursement', fr: 'Délai moyen entre réception et décaissement' },
  unit: { en: 'days', fr: 'jours' },
  formula: {
    en: 'Disbursements dated in the period matched to income first in, first out; the average of the days between each receipt and the payment it funded, weighted by amount.',
    fr: 'Décaissements datés de la période rapprochés des revenus selon la règle premier entré, premier sorti ; moyenne des jours entre chaque réception et le paiement qu’elle a financé, pondérée par les montants.',
  },
  disaggregations: ['site', 'currency'],
  filters: ['site'],
  visibility: 'public',
  async compute(db, { period, filters }) {
    const values: IndicatorValue[] = [];
    const to = isoDateOf(period.to);
    for (const fund of await fundsOf(db, filters)) {
      // Receipts are matched over the whole history; only the payments of the period are averaged.
      const from = isoDateOf(period.from);
      for (const row of spendTiming(await listTransactions(db, fund.id), to, (paidOn) => paidOn >= from && paidOn < to)) {
        if (row.averageDaysToDisbursement !== null) values.push({ value: row.averageDaysToDisbursement, dimensions: { site: fund.site, currency: row.currency } });
      }
    }
    return values;
  },
};

export const fundIndicators: readonly Indicator[] = [premiumReceived, committedByArea, disbursedByArea, projectsCompleted, daysReceiptToDisbursement];
