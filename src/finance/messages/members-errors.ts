import { AppError, type ErrorStatus } from '../../core/errors.ts';
import { defineMessages, type Locale, type Params } from '../../core/i18n/index.ts';

/** Why the secretariat's work on members, rates, calls and payments is refused, in English and French. */
export const membersErrorText = defineMessages({
  en: {
    member_organisation_not_found: 'There is no organisation “{organisation}”.',
    membership_exists: '{organisation} is already a member.',
    membership_not_found: '{organisation} is not a member of the alliance.',
    category_invalid: '“{category}” is not a membership category: use upstream, midstream, downstream, civil_society or associate.',
    rule_invalid: '“{rule}” is not a contribution rule: use category_fixed (the category’s fixed amount) or cobalt_scaled (scaled by declared cobalt use).',
    membership_status_invalid: '“{status}” is not a membership status: use active, suspended or left.',
    member_since_invalid: 'Give the date the membership began, year-month-day, not after today.',
    declared_use_required: 'A member whose contribution is scaled by its cobalt use must declare that use, in tonnes of contained cobalt a year.',
    declared_use_invalid: 'The declared cobalt use is a number of tonnes from 0 to 1,000,000, with at most three decimals.',
    rate_year_invalid: '“{year}” is not a year a contribution rate can be set for: use a year from 2000 to 2100.',
    currency_invalid: '“{currency}” is not a currency code: use the three capital letters of ISO 4217, e.g. USD or EUR.',
    rate_amounts_invalid: 'The fixed amount, the amount per tonne and the floor must be amounts above zero, and the cap at least the floor.',
    rate_in_use: 'The {category} rates of {year} are used by contribution calls already issued and can no longer change.',
    rate_missing: 'No contribution rate is set for the {category} category in {year}: set it before issuing the calls.',
    call_year_invalid: '“{year}” is not a year contributions can be called for: use a year from 2000 to 2100.',
    call_dates_invalid: 'Give the issue date (not after today) and the due date (not before the issue date), year-month-day.',
    call_exists: '{organisation} has already been called for its {year} contribution.',
    member_not_callable: '{organisation} cannot be called for {year}: only an active member that had joined by the end of the year is called.',
    calls_nothing_to_issue: 'Every active member that had joined by the end of {year} has already been called for {year}.',
    call_not_found: 'There is no contribution call “{number}”.',
    payment_amount_invalid: 'The amount received must be above zero.',
    payment_currency_mismatch: 'Call {number} is in {expected}: record the payment in {expected}, not {received}.',
    payment_exceeds_outstanding: 'Call {number} has {outstanding} left to pay: a payment of {received} would pay more than it asks.',
    payment_duplicate: 'A payment with the bank reference “{reference}” is already recorded against call {number}.',
    payment_received_on_invalid: 'Give the date the money arrived, year-month-day, not after today.',
    payment_reference_required: 'Give the bank’s reference of the payment (up to 200 characters).',
  },
  fr: {
    member_organisation_not_found: 'Il n’existe pas d’organisation « {organisation} ».',
    membership_exists: '{organisation} est déjà membre.',
    membership_not_found: '{organisation} n’est pas membre de l’alliance.',
    category_invalid: '« {category} » n’est pas une catégorie de membre : utilisez upstream, midstream, downstream, civil_society ou associate.',
    rule_invalid: '« {rule} » n’est pas une règle de cotisation : utilisez category_fixed (le montant fixe de la catégorie) ou cobalt_scaled (proportionnelle au cobalt déclaré).',
    membership_status_invalid: '« {status} » n’est pas un statut de membre : utilisez active, suspended ou left.',
    member_since_invalid: 'Indiquez la date d’adhésion, année-mois-jour, au plus tard aujourd’hui.',
    declared_use_required: 'Un membre dont la cotisation est proportionnelle à sa consommation de cobalt doit déclarer cette consommation, en tonnes de cobalt contenu par an.',
    declared_use_invalid: 'La consommation de cobalt déclarée est un nombre de tonnes de 0 à 1 000 000, avec trois décimales au plus.',
    rate_year_invalid: '« {year} » n’est pas une année pour laquelle fixer un barème : utilisez une année de 2000 à 2100.',
    currency_invalid: '« {currency} » n’est pas un code de devise : utilisez les trois lettres majuscules de l’ISO 4217, par ex. USD ou EUR.',
    rate_amounts_invalid: 'Le montant fixe, le montant par tonne et le plancher doivent être supérieurs à zéro, et le plafond au moins égal au plancher.',
    rate_in_use: 'Le barème {category} de {year} sert déjà à des appels de cotisation émis et ne peut plus changer.',
    rate_missing: 'Aucun barème n’est fixé pour la catégorie {category} en {year} : fixez-le avant d’émettre les appels.',
    call_year_invalid: '« {year} » n’est pas une année pour laquelle appeler des cotisations : utilisez une année de 2000 à 2100.',
    call_dates_invalid: 'Indiquez la date d’émission (au plus tard aujourd’hui) et la date d’échéance (pas avant l’émission), année-mois-jour.',
    call_exists: '{organisation} a déjà reçu l’appel de sa cotisation {year}.',
    member_not_callable: '{organisation} ne peut pas être appelé pour {year} : seul un membre actif ayant adhéré avant la fin de l’année est appelé.',
    calls_nothing_to_issue: 'Tous les membres actifs ayant adhéré avant la fin de {year} ont déjà reçu l’appel de {year}.',
    call_not_found: 'Il n’existe pas d’appel de cotisation « {number} ».',
    payment_amount_invalid: 'Le montant reçu doit être supérieur à zéro.',
    payment_currency_mismatch: 'L’appel {number} est en {expected} : enregistrez le paiement en {expected}, pas en {received}.',
    payment_exceeds_outstanding: 'Il reste {outstanding} à payer sur l’appel {number} : un paiement de {received} paierait plus que demandé.',
    payment_duplicate: 'Un paiement de référence bancaire « {reference} » est déjà enregistré sur l’appel {number}.',
    payment_received_on_invalid: 'Indiquez la date d’arrivée des fonds, année-mois-jour, au plus tard aujourd’hui.',
    payment_reference_required: 'Indiquez la référence bancaire du paiement (200 caractères au plus).',
  },
});

export type MembersErrorCode = (typeof membersErrorText.keys)[number];

/** An error of the members' side of finance, its message in English and French (params may depend on the language, e.g. amounts). */
export function membersError(code: MembersErrorCode, status: ErrorStatus, params: Params | ((locale: Locale) => Params) = {}): AppError {
  const paramsFor = typeof params === 'function' ? params : () => params;
  return new AppError(code, status, { en: membersErrorText.t('en', code, paramsFor('en')), fr: membersErrorText.t('fr', code, paramsFor('fr')) });
}
