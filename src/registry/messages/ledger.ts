import { AppError, type ErrorStatus } from '../../core/errors.ts';
import { defineMessages, type Locale, type Params } from '../../core/i18n/index.ts';

export const registryText = defineMessages({
  en: {
    // Accounts
    account_not_found: 'There is no registry account {id}.',
    account_details_invalid: 'Some account details are missing or not valid: {fields}.',
    account_organisation_required: 'Say which organisation the account is for.',
    organisation_not_found: 'There is no organisation {id}.',
    account_not_approved: 'Account {id} is not approved yet: it can neither send nor receive credits until the secretariat approves it.',
    account_suspended: 'Account {id} is suspended: it can neither send nor receive credits.',
    account_already_approved: 'Account {id} is already approved.',
    account_already_suspended: 'Account {id} is already suspended.',
    issuance_account_exists: 'The registry already has its issuance account ({id}).',
    issuance_account_cannot_be_suspended: 'The registry’s issuance account cannot be suspended.',
    no_secretariat: 'There is no secretariat organisation to own the registry’s issuance account.',
    not_account_holder: 'Only the organisation that holds account {id} can use it.',
    issuance_account_admin_only: 'Only the secretariat can move credits out of the issuance account.',
    // Quantities and ranges
    quantity_invalid: 'The quantity must be a whole number of kilograms above zero.',
    same_account: 'Credits cannot be transferred to the account they come from.',
    insufficient_credits: 'Account {id} holds {held}; it cannot give {requested}.',
    ranges_invalid: 'Each range needs a batch and a first and last unit (whole numbers from 1, the first not after the last), and no two ranges may share a unit.',
    range_not_held: 'Units {serials} are not all held in one block of account {id}.',
    serial_not_found: 'There is no credit with the serial {serial}.',
    // Transfers
    transfer_not_found: 'There is no transfer {id}.',
    transfer_already_reversed: 'Transfer {id} has already been reversed (by transfer {reversalId}).',
    transfer_is_reversal: 'Transfer {id} is itself a reversal; make a new transfer instead of reversing it.',
    transfer_not_reversible: 'Transfer {id} cannot be reversed: its receiver no longer holds {missing} of its units.',
    reason_required: 'Give a reason (up to 500 characters).',
    // Retirements
    beneficiary_required: 'Give the legal name of the beneficiary of the claim (up to 200 characters).',
    claim_period_invalid: 'The claim period must be two dates (year-month-day), the first on or before the last.',
    covers_required: 'Say what the claim covers: a product line and its units, or the company’s total use (up to 500 characters).',
    claim_text_too_long: 'The footprint reference may have up to 200 characters and the public statement up to 2,000.',
    // Issuance and cancellation
    verification_not_found: 'There is no verification statement {id}.',
    batch_not_found: 'There is no batch {id}.',
    exceeds_cancellable: 'Only {cancellable} of batch {serials} is still in the issuance account and can be cancelled.',
    // States
    state_held: 'Held',
    state_retired: 'Retired',
    state_cancelled: 'Cancelled',
    status_pending: 'Waiting for approval',
    status_approved: 'Approved',
    status_suspended: 'Suspended',
    kind_issuance: 'Issuance account',
    kind_holding: 'Holding account',
  },
  fr: {
    account_not_found: 'Il n’existe pas de compte de registre {id}.',
    account_details_invalid: 'Des informations du compte manquent ou ne sont pas valides : {fields}.',
    account_organisation_required: 'Indiquez pour quelle organisation le compte est ouvert.',
    organisation_not_found: 'Il n’existe pas d’organisation {id}.',
    account_not_approved: 'Le compte {id} n’est pas encore approuvé : il ne peut ni envoyer ni recevoir de crédits avant que le secrétariat l’approuve.',
    account_suspended: 'Le compte {id} est suspendu : il ne peut ni envoyer ni recevoir de crédits.',
    account_already_approved: 'Le compte {id} est déjà approuvé.',
    account_already_suspended: 'Le compte {id} est déjà suspendu.',
    issuance_account_exists: 'Le registre a déjà son compte d’émission ({id}).',
    issuance_account_cannot_be_suspended: 'Le compte d’émission du registre ne peut pas être suspendu.',
    no_secretariat: 'Il n’y a pas d’organisation de secrétariat pour détenir le compte d’émission du registre.',
    not_account_holder: 'Seule l’organisation titulaire du compte {id} peut l’utiliser.',
    issuance_account_admin_only: 'Seul le secrétariat peut sortir des crédits du compte d’émission.',
    quantity_invalid: 'La quantité doit être un nombre entier de kilogrammes supérieur à zéro.',
    same_account: 'Des crédits ne peuvent pas être transférés vers le compte d’où ils viennent.',
    insufficient_credits: 'Le compte {id} détient {held} ; il ne peut pas en céder {requested}.',
    ranges_invalid: 'Chaque plage indique un lot, une première et une dernière unité (des nombres entiers à partir de 1, la première au plus égale à la dernière), et deux plages ne peuvent partager aucune unité.',
    range_not_held: 'Les unités {serials} ne sont pas toutes détenues dans un même bloc du compte {id}.',
    serial_not_found: 'Il n’existe pas de crédit portant le numéro de série {serial}.',
    transfer_not_found: 'Il n’existe pas de transfert {id}.',
    transfer_already_reversed: 'Le transfert {id} a déjà été contrepassé (par le transfert {reversalId}).',
    transfer_is_reversal: 'Le transfert {id} est lui-même une contrepassation ; faites un nouveau transfert au lieu de le contrepasser.',
    transfer_not_reversible: 'Le transfert {id} ne peut pas être contrepassé : son destinataire ne détient plus {missing} de ses unités.',
    reason_required: 'Indiquez un motif (500 caractères au plus).',
    beneficiary_required: 'Indiquez la raison sociale du bénéficiaire de la déclaration (200 caractères au plus).',
    claim_period_invalid: 'La période de la déclaration doit être deux dates (année-mois-jour), la première au plus tard le jour de la dernière.',
    covers_required: 'Indiquez ce que couvre la déclaration : une ligne de produits et ses unités, ou la consommation totale de l’entreprise (500 caractères au plus).',
    claim_text_too_long: 'La référence de l’empreinte peut compter 200 caractères au plus et la déclaration publique 2 000.',
    verification_not_found: 'Il n’existe pas de déclaration de vérification {id}.',
    batch_not_found: 'Il n’existe pas de lot {id}.',
    exceeds_cancellable: 'Seuls {cancellable} du lot {serials} sont encore sur le compte d’émission et peuvent être annulés.',
    state_held: 'Détenu',
    state_retired: 'Retiré',
    state_cancelled: 'Annulé',
    status_pending: 'En attente d’approbation',
    status_approved: 'Approuvé',
    status_suspended: 'Suspendu',
    kind_issuance: 'Compte d’émission',
    kind_holding: 'Compte de détention',
  },
});

export type RegistryMessage = (typeof registryText.keys)[number];

/** An error of the registry, its message in every language; `params` may depend on the language (formatted quantities). */
export function registryError(code: RegistryMessage, status: ErrorStatus, params: Params | ((locale: Locale) => Params) = {}, details?: unknown): AppError {
  const paramsFor = typeof params === 'function' ? params : () => params;
  return new AppError(code, status, { en: registryText.t('en', code, paramsFor('en')), fr: registryText.t('fr', code, paramsFor('fr')) }, details);
}
