import { AppError, type ErrorStatus } from '../../core/errors.ts';
import { formatMoney } from '../../core/i18n/format.ts';
import { defineMessages, type Locale, type Params } from '../../core/i18n/index.ts';

/** What the savings module refuses, and why, in words a field officer can act on. */
export const savingsErrors = defineMessages({
  en: {
    group_not_found: 'There is no savings group “{group}”.',
    group_code_taken: 'A savings group with the code “{group}” already exists.',
    group_code_invalid: 'A group code looks like KAM-VSLA-01: the site code, “VSLA” and a number of two or three digits.',
    facilitator_not_found: 'There is no organisation “{organisation}” to facilitate the group.',
    text_missing: 'Give the {field} (1 to 200 characters).',
    date_invalid: 'Write the date as YYYY-MM-DD, for example 2025-03-31 (not “{date}”).',
    date_in_future: 'The date {date} is in the future.',
    member_unknown: 'Group {group} has no member “{member}”.',
    member_listed_twice: 'Member {member} appears twice in the meeting.',
    cycle_not_found: 'Group {group} has no cycle {cycle}.',
    cycle_rules_invalid: 'A cycle needs a share price above zero, 1 to 10 shares a meeting, a monthly interest rate from 0 to 50 % and a social-fund contribution of zero or more, and must end after it starts.',
    cycle_overlaps: 'Group {group} already has a cycle from {startsOn} to {endsOn}; cycles of one group may not overlap.',
    cycle_shared_out: 'Cycle {cycle} of group {group} has been shared out: nothing more can be recorded in it.',
    meeting_outside_cycle: 'The meeting on {date} is outside cycle {cycle}, which runs from {startsOn} to {endsOn}.',
    meeting_before_joining: 'Member {member} joined on {joinedOn}, after the meeting on {date}.',
    meeting_already_recorded: 'The meeting of {date} of group {group} is already recorded.',
    amount_invalid: 'Amounts are whole numbers of centimes, zero or more.',
    shares_above_maximum: 'Member {member} bought {shares} shares; the cycle allows at most {maximum} a meeting.',
    repayment_above_balance: 'Member {member} repays {repayment} but owes only {balance}.',
    loan_invalid: 'A loan needs an amount above zero and a due date after the meeting.',
    loan_above_fund: 'The loans of this meeting ({requested}) are more than the cash in the loan fund ({available}).',
    loans_outstanding: 'The cycle cannot be shared out while {count, plural, one {# loan is} other {# loans are}} unpaid ({balance} still owed).',
    share_out_before_last_meeting: 'The share-out on {date} is before the cycle’s last meeting ({lastMeeting}).',
    no_shares: 'No member bought a share in this cycle: there is nothing to share out.',
    enterprise_loan_invalid: 'Loan {loan} is not a loan to the enterprise’s owner.',
    enterprise_not_found: 'There is no enterprise “{enterprise}”.',
    profit_above_takings: 'The profit cannot be more than the month’s takings: it is the takings less the costs.',
    month_invalid: 'Write the month as YYYY-MM, for example 2025-03.',
    choice_invalid: '“{value}” is not one of: {choices}.',
  },
  fr: {
    group_not_found: 'Il n’existe pas de groupe d’épargne « {group} ».',
    group_code_taken: 'Un groupe d’épargne avec le code « {group} » existe déjà.',
    group_code_invalid: 'Un code de groupe s’écrit comme KAM-VSLA-01 : le code du site, « VSLA » et un numéro de deux ou trois chiffres.',
    facilitator_not_found: 'Il n’existe pas d’organisation « {organisation} » pour accompagner le groupe.',
    text_missing: 'Indiquez {field} (1 à 200 caractères).',
    date_invalid: 'Écrivez la date sous la forme AAAA-MM-JJ, par exemple 2025-03-31 (et non « {date} »).',
    date_in_future: 'La date du {date} est dans le futur.',
    member_unknown: 'Le groupe {group} n’a pas de membre « {member} ».',
    member_listed_twice: 'Le membre {member} figure deux fois dans la réunion.',
    cycle_not_found: 'Le groupe {group} n’a pas de cycle {cycle}.',
    cycle_rules_invalid: 'Un cycle demande un prix de la part supérieur à zéro, 1 à 10 parts par réunion, un taux d’intérêt mensuel de 0 à 50 % et une cotisation au fonds social nulle ou positive, et doit finir après avoir commencé.',
    cycle_overlaps: 'Le groupe {group} a déjà un cycle du {startsOn} au {endsOn} ; les cycles d’un groupe ne peuvent pas se chevaucher.',
    cycle_shared_out: 'Le cycle {cycle} du groupe {group} a été partagé : on ne peut plus rien y enregistrer.',
    meeting_outside_cycle: 'La réunion du {date} est hors du cycle {cycle}, qui va du {startsOn} au {endsOn}.',
    meeting_before_joining: 'Le membre {member} a adhéré le {joinedOn}, après la réunion du {date}.',
    meeting_already_recorded: 'La réunion du {date} du groupe {group} est déjà enregistrée.',
    amount_invalid: 'Les montants sont des nombres entiers de centimes, nuls ou positifs.',
    shares_above_maximum: 'Le membre {member} a acheté {shares} parts ; le cycle en permet au plus {maximum} par réunion.',
    repayment_above_balance: 'Le membre {member} rembourse {repayment} mais ne doit que {balance}.',
    loan_invalid: 'Un prêt demande un montant supérieur à zéro et une échéance après la réunion.',
    loan_above_fund: 'Les prêts de cette réunion ({requested}) dépassent l’argent disponible dans la caisse de crédit ({available}).',
    loans_outstanding: 'Le cycle ne peut pas être partagé tant que {count, plural, one {# prêt n’est pas remboursé} other {# prêts ne sont pas remboursés}} ({balance} encore dus).',
    share_out_before_last_meeting: 'Le partage du {date} est antérieur à la dernière réunion du cycle ({lastMeeting}).',
    no_shares: 'Aucun membre n’a acheté de part dans ce cycle : il n’y a rien à partager.',
    enterprise_loan_invalid: 'Le prêt {loan} n’est pas un prêt à la propriétaire de l’entreprise.',
    enterprise_not_found: 'Il n’existe pas d’entreprise « {enterprise} ».',
    profit_above_takings: 'Le bénéfice ne peut pas dépasser les recettes du mois : ce sont les recettes moins les coûts.',
    month_invalid: 'Écrivez le mois sous la forme AAAA-MM, par exemple 2025-03.',
    choice_invalid: '« {value} » ne fait pas partie de : {choices}.',
  },
});

export type SavingsErrorCode = (typeof savingsErrors.keys)[number];

/** An error of this module; `params` may depend on the language (formatted money). */
export function savingsError(code: SavingsErrorCode, status: ErrorStatus, params: Params | ((locale: Locale) => Params) = {}, details?: unknown): AppError {
  const paramsFor = typeof params === 'function' ? params : () => params;
  return new AppError(code, status, { en: savingsErrors.t('en', code, paramsFor('en')), fr: savingsErrors.t('fr', code, paramsFor('fr')) }, details);
}

/** An amount as a refusal's parameter, written in the reader's language. */
export const money = (amountMinor: number, currency: string) => (locale: Locale) => formatMoney(locale, amountMinor, currency);
