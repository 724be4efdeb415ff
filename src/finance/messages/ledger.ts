import { AppError, type ErrorStatus } from '../../core/errors.ts';
import { defineMessages, type Params } from '../../core/i18n/index.ts';

/** The general-ledger import: its refusals, the reasons a posting is left out, and its page. */
export const ledgerText = defineMessages({
  en: {
    ledger_unreadable: 'The file could not be read as CSV or XLSX ({reason}).',
    ledger_empty: 'The file holds no rows.',
    ledger_header_missing: 'No header row names a date column and an amount (or debit and credit) column in the first 20 rows: export the general ledger with its column headings.',
    ledger_too_long: 'The file holds more than {max} postings: export a shorter period.',
    ledger_currency_unknown: '“{currency}” is not a currency Orebook knows.',
    ledger_date_order_invalid: 'Say how the file writes dates: dmy (31/12/2025) or mdy (12/31/2025).',
    ledger_file_required: 'Choose the general-ledger export to import (CSV or XLSX).',
    ledger_has_problems: 'The import was not made: {count} postings cannot be taken as they are. The dry run lists each with its reason.',
    ledger_account_code_invalid: '“{account}” cannot be an account code: 1 to 40 letters, digits, dots, hyphens or underscores.',
    ledger_treatment_invalid: 'Say whether the account is spending (with its activity and cost category) or not spending (a bank, payable or income account).',
    ledger_grant_not_found: 'There is no grant “{grant}”.',
    date_unreadable: 'the date “{value}” cannot be read',
    amount_unreadable: 'the amount “{value}” cannot be read',
    account_missing: 'no account is given',
    currency_unknown: 'the currency “{value}” is not one Orebook knows',
    account_unmapped: 'account {account} is not mapped yet',
    credit_posting: 'a credit to a spending account (a refund or a reversal): record it by hand',
    zero_posting: 'an amount of zero',
    future_date: 'the date {value} is in the future',
    outside_grant_period: 'the date {value} is outside grant {grant} ({start} – {end})',
    grant_does_not_fund: 'grant {grant} does not fund activity {activity}',
    conversion_refused: '{value}',
  },
  fr: {
    ledger_unreadable: 'Le fichier n’a pas pu être lu comme CSV ou XLSX ({reason}).',
    ledger_empty: 'Le fichier ne contient aucune ligne.',
    ledger_header_missing: 'Aucune ligne d’en-tête ne nomme une colonne de date et une colonne de montant (ou de débit et de crédit) dans les 20 premières lignes : exportez le grand livre avec ses en-têtes de colonnes.',
    ledger_too_long: 'Le fichier contient plus de {max} écritures : exportez une période plus courte.',
    ledger_currency_unknown: '« {currency} » n’est pas une devise connue d’Orebook.',
    ledger_date_order_invalid: 'Indiquez comment le fichier écrit les dates : dmy (31/12/2025) ou mdy (12/31/2025).',
    ledger_file_required: 'Choisissez l’export du grand livre à importer (CSV ou XLSX).',
    ledger_has_problems: 'L’import n’a pas été fait : {count} écritures ne peuvent pas être reprises telles quelles. L’essai à blanc donne la raison de chacune.',
    ledger_account_code_invalid: '« {account} » ne peut pas être un numéro de compte : 1 à 40 lettres, chiffres, points, tirets ou soulignés.',
    ledger_treatment_invalid: 'Indiquez si le compte est une dépense (avec son activité et sa catégorie de coût) ou non (un compte de banque, de tiers ou de produits).',
    ledger_grant_not_found: 'Il n’existe pas de subvention « {grant} ».',
    date_unreadable: 'la date « {value} » ne peut pas être lue',
    amount_unreadable: 'le montant « {value} » ne peut pas être lu',
    account_missing: 'aucun compte n’est indiqué',
    currency_unknown: 'la devise « {value} » n’est pas connue d’Orebook',
    account_unmapped: 'le compte {account} n’est pas encore associé',
    credit_posting: 'un crédit sur un compte de dépenses (un remboursement ou une extourne) : saisissez-le à la main',
    zero_posting: 'un montant nul',
    future_date: 'la date {value} est dans le futur',
    outside_grant_period: 'la date {value} est hors de la période de la subvention {grant} ({start} – {end})',
    grant_does_not_fund: 'la subvention {grant} ne finance pas l’activité {activity}',
    conversion_refused: '{value}',
  },
});

export type LedgerMessage = (typeof ledgerText.keys)[number];

/** An error of the ledger import, in English and French. */
export function ledgerError(code: LedgerMessage, status: ErrorStatus, params: Params = {}, details?: unknown): AppError {
  return new AppError(code, status, { en: ledgerText.t('en', code, params), fr: ledgerText.t('fr', code, params) }, details);
}
