import { isoDateOf } from '../core/calendar.ts';
import type { Indicator, IndicatorPeriod, IndicatorValue } from '../core/indicators.ts';
import type { Queryable } from '../db/connect.ts';
import { financeStatement, type FinanceStatement } from './queries/statements.ts';

const minorUnit = { en: 'minor units of the reporting currency (cents)', fr: 'unités mineures de la devise de rapport (centimes)' };
const conversion = {
  en: 'Each amount converted to the reporting currency with the rate of its own day, rounded to the minor unit half away from zero (as in the finance statement).',
  fr: 'Chaque montant converti dans la devise de rapport au taux de son propre jour, arrondi à l’unité mineure, la moitié loin de zéro (comme dans l’état financier).',
};

/** The statement of an indicator's period [from, to): the statement's last day is the day before `to`. */
function statementOf(db: Queryable, period: IndicatorPeriod): Promise<FinanceStatement> {
  return financeStatement(db, { from: isoDateOf(period.from), to: isoDateOf(new Date(period.to.getTime() - 86_400_000)) });
}

function figure(id: string, label: Indicator['label'], formula: Indicator['formula'], disaggregations: readonly string[], visibility: Indicator['visibility'], values: (statement: FinanceStatement) => IndicatorValue[]): Indicator {
  return {
    id,
    label,
    unit: id === 'finance.grant_budget_vs_actual' ? { en: 'minor units of the grant’s currency (cents)', fr: 'unités mineures de la devise de la subvention (centimes)' } : minorUnit,
    formula: { en: `${formula.en} ${conversion.en}`, fr: `${formula.fr} ${conversion.fr}` },
    disaggregations,
    filters: [],
    visibility,
    async compute(db, { period }) {
      return values(await statementOf(db, period));
    },
  };
}

export const incomeBySource = figure(
  'finance.income_by_source',
  { en: 'Income of the alliance, by source', fr: 'Recettes de l’alliance, par source' },
  {
    en: 'Member contribution payments, grant money received (IATI transaction type 1) per donor, and registry fees kept on credit sales, dated the day the money arrived.',
    fr: 'Paiements de cotisations des membres, fonds de subventions reçus (type de transaction IATI 1) par bailleur, et frais de registre conservés sur les ventes de crédits, datés du jour d’arrivée de l’argent.',
  },
  ['source', 'donor', 'currency'],
  'public',
  (s) => s.income.lines.map((line) => ({ value: line.amountMinor, dimensions: { source: line.source, donor: line.donor ?? '', currency: s.currency } })),
);

export const expenditureByArea = figure(
  'finance.expenditure_by_area',
  { en: 'Expenditure of the alliance, by programme area', fr: 'Dépenses de l’alliance, par domaine de programme' },
  { en: 'Expenditure and disbursements (IATI types 4 and 3) dated in the period, by the programme area of their activity.', fr: 'Dépenses et décaissements (types IATI 4 et 3) datés de la période, par domaine de programme de leur activité.' },
  ['area', 'currency'],
  'public',
  (s) => s.expenditure.byArea.map((row) => ({ value: row.amountMinor, dimensions: { area: row.area, currency: s.currency } })),
);

export const expenditureByCategory = figure(
  'finance.expenditure_by_category',
  { en: 'Expenditure of the alliance, by cost category', fr: 'Dépenses de l’alliance, par catégorie de coût' },
  { en: 'Expenditure and disbursements dated in the period, by cost category (staff, travel, equipment and supplies, services and consultants, grants to partners, indirect costs).', fr: 'Dépenses et décaissements datés de la période, par catégorie de coût (personnel, déplacements, équipement et fournitures, services et consultants, subventions aux partenaires, coûts indirects).' },
  ['category', 'currency'],
  'public',
  (s) => s.expenditure.byCategory.map((row) => ({ value: row.amountMinor, dimensions: { category: row.category, currency: s.currency } })),
);

export const creditFlows = figure(
  'finance.credit_flows',
  { en: 'Credit flows: sales, premium passed to site funds, registry fee kept', fr: 'Flux des crédits : ventes, prime versée aux fonds des sites, frais de registre conservés' },
  { en: 'Credit sales paid in the period, split as the registry recorded them into the premium owed to the site funds and the registry fee, and the premium the site funds booked.', fr: 'Ventes de crédits payées dans la période, réparties comme le registre les a enregistrées entre la prime due aux fonds des sites et les frais de registre, et la prime comptabilisée par les fonds des sites.' },
  ['flow', 'currency'],
  'public',
  (s) => [
    { value: s.creditFlows.salesMinor, dimensions: { flow: 'sales', currency: s.currency } },
    { value: s.creditFlows.premiumMinor, dimensions: { flow: 'premium_to_site_funds', currency: s.currency } },
    { value: s.creditFlows.feeMinor, dimensions: { flow: 'registry_fee', currency: s.currency } },
    { value: s.creditFlows.premiumBookedMinor, dimensions: { flow: 'premium_booked_by_funds', currency: s.currency } },
  ],
);

export const grantBudgetVsActual = figure(
  'finance.grant_budget_vs_actual',
  { en: 'Grant budget against actual, per grant and line', fr: 'Budget des subventions comparé aux dépenses, par subvention et ligne' },
  { en: 'The current budget version’s lines for the period’s years against the spending charged to the grant in those years, in the grant’s currency (no conversion).', fr: 'Les lignes de la version en vigueur du budget pour les années de la période, face aux dépenses imputées à la subvention ces années-là, dans la devise de la subvention (sans conversion).' },
  ['grant', 'activity', 'category', 'year', 'measure', 'currency'],
  'restricted',
  (s) =>
    s.budgetAgainstActual.flatMap((grant) =>
      grant.lines.flatMap((line) => {
        const dimensions = { grant: grant.reference, activity: line.activity, category: line.category, year: String(line.year), currency: grant.currency };
        return [
          { value: line.budgetMinor, dimensions: { ...dimensions, measure: 'budget' } },
          { value: line.actualMinor, dimensions: { ...dimensions, measure: 'actual' } },
        ];
      }),
    ),
);

/** The figures of the finance statements, through the indicators contract (the annual report reads them here). */
export const financeIndicators: readonly Indicator[] = [incomeBySource, expenditureByArea, expenditureByCategory, creditFlows, grantBudgetVsActual];
