import { isoDateOf } from '../core/calendar.ts';
import type { Indicator, IndicatorPeriod } from '../core/indicators.ts';
import type { Localized } from '../core/i18n/index.ts';
import { savingsFigures, type SavingsFigures } from './queries/figures.ts';

/** Meetings of the period count; stock figures are taken on its last day (the period's end is exclusive). */
const windowOf = (period: IndicatorPeriod) => ({ from: isoDateOf(period.from), to: isoDateOf(new Date(period.to.getTime() - 86_400_000)) });

const percent: Localized = { en: 'percent', fr: 'pour cent' };
const francs: Localized = { en: 'CDF', fr: 'CDF' };
const activeGroupsNote: Localized = {
  en: ' Groups counted are those that met at least once in the period, each in its current cycle (the latest that started by the period’s last day), with the meetings held by that day.',
  fr: ' Les groupes comptés sont ceux qui se sont réunis au moins une fois dans la période, chacun dans son cycle en cours (le dernier commencé au dernier jour de la période), avec les réunions tenues jusqu’à ce jour.',
};
const toPercent = (ratio: number | null) => (ratio === null ? null : Math.round(ratio * 1000) / 10);
const toFrancs = (minor: number | null) => (minor === null ? null : minor / 100);

function savingsIndicator(props: { id: string; label: Localized; unit: Localized; formula: Localized; value: (figures: SavingsFigures) => number | null }): Indicator {
  return {
    id: `savings.${props.id}`,
    label: props.label,
    unit: props.unit,
    formula: { en: props.formula.en + activeGroupsNote.en, fr: props.formula.fr + activeGroupsNote.fr },
    disaggregations: [],
    filters: [],
    visibility: 'public',
    async compute(db, { period }) {
      const value = props.value(await savingsFigures(db, windowOf(period)));
      return value === null ? [] : [{ value, dimensions: {} }];
    },
  };
}

/** The SEEP / SAVIX figures of docs/indicators.md, one indicator each. */
export const savingsIndicators: readonly Indicator[] = [
  savingsIndicator({
    id: 'groups',
    label: { en: 'Active savings groups', fr: 'Groupes d’épargne actifs' },
    unit: { en: 'groups', fr: 'groupes' },
    formula: { en: 'Savings groups that held at least one meeting in the period (SAVIX “number of groups”).', fr: 'Groupes d’épargne ayant tenu au moins une réunion dans la période (SAVIX « nombre de groupes »).' },
    value: (f) => f.groups,
  }),
  savingsIndicator({
    id: 'members',
    label: { en: 'Savings group members', fr: 'Membres des groupes d’épargne' },
    unit: { en: 'members', fr: 'membres' },
    formula: { en: 'Members of the active groups who had joined by the period’s last day (SAVIX “members at the reporting date”).', fr: 'Membres des groupes actifs ayant adhéré au dernier jour de la période (SAVIX « membres à la date du rapport »).' },
    value: (f) => f.members,
  }),
  savingsIndicator({
    id: 'share_of_women',
    label: { en: 'Share of women among members', fr: 'Part des femmes parmi les membres' },
    unit: percent,
    formula: { en: '100 × women members ÷ members, rounded to 0.1; empty with no member.', fr: '100 × femmes membres ÷ membres, arrondi à 0,1 ; vide sans membre.' },
    value: (f) => toPercent(f.shareOfWomen),
  }),
  savingsIndicator({
    id: 'savings_per_member',
    label: { en: 'Savings per member', fr: 'Épargne par membre' },
    unit: francs,
    formula: {
      en: 'Value of the shares bought in the current cycles (shares × share price) ÷ members, rounded half up to the centime (SAVIX “savings per member”).',
      fr: 'Valeur des parts achetées dans les cycles en cours (parts × prix de la part) ÷ membres, arrondie au centime le plus proche (SAVIX « épargne par membre »).',
    },
    value: (f) => toFrancs(f.savingsPerMemberMinor),
  }),
  savingsIndicator({
    id: 'loan_fund_utilisation',
    label: { en: 'Loan fund utilisation', fr: 'Utilisation de la caisse de crédit' },
    unit: percent,
    formula: {
      en: '100 × principal of loans outstanding ÷ (principal outstanding + cash in the loan fund) on the last day (SAVIX “loan fund utilisation”). Cash = savings + fines + repayments − loans made; the social fund is not part of it.',
      fr: '100 × capital des prêts en cours ÷ (capital en cours + argent de la caisse de crédit) au dernier jour (SAVIX « utilisation du fonds de crédit »). Argent = épargne + amendes + remboursements − prêts accordés ; la caisse sociale n’en fait pas partie.',
    },
    value: (f) => toPercent(f.loanFundUtilisation),
  }),
  savingsIndicator({
    id: 'portfolio_at_risk_30',
    label: { en: 'Portfolio at risk (over 30 days)', fr: 'Portefeuille à risque (plus de 30 jours)' },
    unit: percent,
    formula: {
      en: '100 × unpaid principal of loans whose due date is more than 30 days before the last day ÷ all unpaid principal (SEEP “PAR > 30 days”); empty with no loan outstanding.',
      fr: '100 × capital impayé des prêts échus depuis plus de 30 jours au dernier jour ÷ tout le capital impayé (SEEP « PAR > 30 jours ») ; vide sans prêt en cours.',
    },
    value: (f) => toPercent(f.portfolioAtRisk30),
  }),
  savingsIndicator({
    id: 'annualised_return_on_savings',
    label: { en: 'Annualised return on savings', fr: 'Rendement annualisé de l’épargne' },
    unit: percent,
    formula: {
      en: '100 × Σ over groups of (interest received + fines) × 365 ÷ days of the cycle so far, ÷ Σ value of savings (SAVIX “annualised return on savings”; a savings-weighted mean of the groups’ returns).',
      fr: '100 × Σ sur les groupes de (intérêts reçus + amendes) × 365 ÷ jours écoulés du cycle, ÷ Σ valeur de l’épargne (SAVIX « rendement annualisé de l’épargne » ; moyenne des rendements des groupes pondérée par l’épargne).',
    },
    value: (f) => toPercent(f.annualisedReturnOnSavings),
  }),
  savingsIndicator({
    id: 'attendance_rate',
    label: { en: 'Meeting attendance', fr: 'Présence aux réunions' },
    unit: percent,
    formula: {
      en: '100 × members present ÷ members expected, over every meeting held in the period (a member is expected once she has joined).',
      fr: '100 × membres présents ÷ membres attendus, sur toutes les réunions de la période (une membre est attendue dès son adhésion).',
    },
    value: (f) => toPercent(f.attendanceRate),
  }),
  savingsIndicator({
    id: 'enterprises_active',
    label: { en: 'Active micro-enterprises of members', fr: 'Micro-entreprises actives des membres' },
    unit: { en: 'enterprises', fr: 'entreprises' },
    formula: { en: 'Members’ enterprises started by the period’s last day and not closed by it.', fr: 'Entreprises des membres démarrées au dernier jour de la période et non fermées.' },
    value: (f) => f.enterprisesActive,
  }),
  savingsIndicator({
    id: 'enterprises_women_owned',
    label: { en: 'Active micro-enterprises owned by women', fr: 'Micro-entreprises actives tenues par des femmes' },
    unit: { en: 'enterprises', fr: 'entreprises' },
    formula: { en: 'Active enterprises (as above) whose owner is a woman member.', fr: 'Entreprises actives (comme ci-dessus) dont la propriétaire est une membre.' },
    value: (f) => f.enterprisesWomenOwned,
  }),
  savingsIndicator({
    id: 'enterprise_jobs_created',
    label: { en: 'Jobs created by members’ micro-enterprises', fr: 'Emplois créés par les micro-entreprises des membres' },
    unit: { en: 'jobs', fr: 'emplois' },
    formula: { en: 'Sum over the active enterprises of the paid jobs each gives besides its owner’s, as last reported; an enterprise that never reported counts none.', fr: 'Somme, sur les entreprises actives, des emplois rémunérés que chacune donne en plus de celui de sa propriétaire, au dernier rapport ; une entreprise sans rapport n’en compte aucun.' },
    value: (f) => f.enterpriseJobsCreated,
  }),
];
