import { AppError, type ErrorStatus } from '../../core/errors.ts';
import { defineMessages, type Params } from '../../core/i18n/index.ts';

export const ratesErrorText = defineMessages({
  en: {
    currency_unknown: '“{currency}” is not a currency Orebook knows: use an ISO 4217 code from the list, e.g. USD, EUR, CHF or CDF.',
    currency_is_base: 'Rates are quoted against the US dollar, so USD has no rate of its own: record the rate of the other currency.',
    rate_invalid: 'The rate must be how many {currency} one US dollar buys, above zero, with at most six decimals.',
    date_invalid: 'Enter a date (year-month-day), not after today.',
    period_invalid: 'A period is two dates (year-month-day), its start on or before its end.',
    rate_source_required: 'Say where the rate comes from, e.g. “Banque Centrale du Congo, daily rate” (up to 200 characters).',
    rate_exists: 'A rate of {currency} for {date} is already recorded; rates are never changed, because figures were converted with them.',
    rate_missing: 'No exchange rate of {currency} is recorded for {date}: record that day’s rate on the exchange rates page first.',
    amount_invalid: 'The amount must be a whole number of minor units of its currency (cents), and its conversion must stay below 2^53.',
  },
  fr: {
    currency_unknown: '« {currency} » n’est pas une devise connue d’Orebook : utilisez un code ISO 4217 de la liste, par exemple USD, EUR, CHF ou CDF.',
    currency_is_base: 'Les taux sont cotés contre le dollar américain : USD n’a pas de taux propre. Enregistrez le taux de l’autre devise.',
    rate_invalid: 'Le taux est le nombre de {currency} qu’achète un dollar américain, supérieur à zéro, avec six décimales au plus.',
    date_invalid: 'Saisissez une date (année-mois-jour), au plus tard aujourd’hui.',
    period_invalid: 'Une période est faite de deux dates (année-mois-jour), son début au plus tard à sa fin.',
    rate_source_required: 'Indiquez d’où vient le taux, par exemple « Banque Centrale du Congo, taux du jour » (200 caractères au plus).',
    rate_exists: 'Un taux de {currency} pour le {date} est déjà enregistré ; les taux ne changent jamais, car des montants ont été convertis avec eux.',
    rate_missing: 'Aucun taux de change de {currency} n’est enregistré pour le {date} : enregistrez d’abord le taux de ce jour sur la page des taux de change.',
    amount_invalid: 'Le montant doit être un nombre entier d’unités mineures de sa devise (centimes), et sa conversion rester sous 2^53.',
  },
});

export type RatesErrorCode = (typeof ratesErrorText.keys)[number];

/** An error of the exchange rates, its message in every language. */
export function ratesError(code: RatesErrorCode, status: ErrorStatus, params: Params = {}, details?: unknown): AppError {
  return new AppError(code, status, ratesErrorText.localized(code, params), details);
}
