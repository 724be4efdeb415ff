import { defineMessages, type Localized, type Params } from './i18n/index.ts';

const errorMessages = defineMessages({
  en: {
    malformed_json: 'The request body is not valid JSON.',
    invalid_characters: 'Some values hold characters that are not allowed (control characters such as NUL, or broken text encoding): {fields}. Remove them and try again.',
    invalid_value: 'A value in the request cannot be stored as it is: a number too large, or text where a number or date belongs.',
    validation_failed: 'Some fields are missing or not valid: {fields}.',
    payload_too_large: 'The request body is larger than the {limit} bytes allowed.',
    unsupported_media_type: 'Send the request body as application/json.',
    unauthenticated: 'Sign in, or send an API token, to do this.',
    invalid_credentials: 'The email address or password is not right.',
    account_locked: 'Too many failed sign-in attempts. Try again after {until}.',
    rate_limited: 'Too many requests. Wait {seconds} seconds and try again.',
    forbidden: 'Your role does not allow this.',
    csrf_failed: 'The form had expired or did not come from Orebook. Reload the page and try again.',
    token_invalid: 'The API token is not valid.',
    token_revoked: 'The API token has been revoked.',
    token_expired: 'The API token expired on {expiredAt}.',
    not_found: 'There is nothing here.',
    organisation_code_taken: 'An organisation with the code “{code}” already exists.',
    email_taken: 'A user with this email address already exists.',
    organisation_not_found: 'There is no organisation “{ref}”.',
    role_not_allowed_for_organisation: 'The role {role} cannot belong to an organisation of kind {kind}.',
    token_role_not_allowed: 'You can only create tokens for your own organisation and role.',
    token_already_revoked: 'This token was already revoked.',
    token_expiry_in_past: 'The expiry ({expiresAt}) must be in the future: a token cannot be created already expired.',
    user_already_deactivated: 'This user is already deactivated.',
    user_not_deactivated: 'This user is active: there is nothing to reactivate.',
    last_admin: 'This is the last active administrator: make another user an administrator first, or nobody could run Orebook.',
    role_unchanged: 'The user already has the role {role}.',
    account_deactivated: 'This account has been deactivated. Ask the secretariat if you still need it.',
    password_change_required: 'Choose a new password before you go on: the one you signed in with was temporary.',
    current_password_wrong: 'The current password is not right.',
    password_unchanged: 'The new password must differ from the current one.',
    invalid_redirect: 'The link asks to go on to an address that is not valid. Go back to the page you came from and try again.',
    journal_range_invalid: 'The journal has {size} entries; {reason}.',
    journal_bundle_too_large: 'Entry bundle {bundle} holds an entry of more than 65,535 bytes, which a tlog-tiles bundle cannot carry: read {alternative}, the same bundle with 4-byte lengths.',
    internal_error: 'Something went wrong on our side. The request id is {requestId}.',
  },
  fr: {
    malformed_json: 'Le corps de la requête n’est pas du JSON valide.',
    invalid_characters: 'Certaines valeurs contiennent des caractères non autorisés (caractères de contrôle comme NUL, ou encodage de texte invalide) : {fields}. Retirez-les et réessayez.',
    invalid_value: 'Une valeur de la requête ne peut pas être enregistrée telle quelle : un nombre trop grand, ou du texte à la place d’un nombre ou d’une date.',
    validation_failed: 'Des champs manquent ou ne sont pas valides : {fields}.',
    payload_too_large: 'Le corps de la requête dépasse les {limit} octets autorisés.',
    unsupported_media_type: 'Envoyez le corps de la requête en application/json.',
    unauthenticated: 'Connectez-vous, ou envoyez un jeton d’API, pour faire ceci.',
    invalid_credentials: 'L’adresse e-mail ou le mot de passe n’est pas correct.',
    account_locked: 'Trop de tentatives de connexion échouées. Réessayez après {until}.',
    rate_limited: 'Trop de requêtes. Attendez {seconds} secondes puis réessayez.',
    forbidden: 'Votre rôle ne permet pas cette action.',
    csrf_failed: 'Le formulaire a expiré ou ne vient pas d’Orebook. Rechargez la page et réessayez.',
    token_invalid: 'Le jeton d’API n’est pas valide.',
    token_revoked: 'Le jeton d’API a été révoqué.',
    token_expired: 'Le jeton d’API a expiré le {expiredAt}.',
    not_found: 'Il n’y a rien ici.',
    organisation_code_taken: 'Une organisation avec le code « {code} » existe déjà.',
    email_taken: 'Un utilisateur avec cette adresse e-mail existe déjà.',
    organisation_not_found: 'Il n’existe pas d’organisation « {ref} ».',
    role_not_allowed_for_organisation: 'Le rôle {role} ne peut pas appartenir à une organisation de type {kind}.',
    token_role_not_allowed: 'Vous ne pouvez créer des jetons que pour votre organisation et votre rôle.',
    token_already_revoked: 'Ce jeton a déjà été révoqué.',
    token_expiry_in_past: 'L’expiration ({expiresAt}) doit être dans l’avenir : un jeton ne peut pas être créé déjà expiré.',
    user_already_deactivated: 'Cet utilisateur est déjà désactivé.',
    user_not_deactivated: 'Cet utilisateur est actif : il n’y a rien à réactiver.',
    last_admin: 'C’est le dernier administrateur actif : nommez d’abord un autre administrateur, sinon plus personne ne pourrait gérer Orebook.',
    role_unchanged: 'L’utilisateur a déjà le rôle {role}.',
    account_deactivated: 'Ce compte a été désactivé. Demandez au secrétariat si vous en avez encore besoin.',
    password_change_required: 'Choisissez un nouveau mot de passe avant de continuer : celui avec lequel vous vous êtes connecté était temporaire.',
    current_password_wrong: 'Le mot de passe actuel n’est pas correct.',
    password_unchanged: 'Le nouveau mot de passe doit être différent de l’actuel.',
    invalid_redirect: 'Le lien demande de continuer vers une adresse qui n’est pas valide. Revenez à la page précédente et réessayez.',
    journal_range_invalid: 'Le journal compte {size} entrées ; {reason}.',
    journal_bundle_too_large: 'Le lot d’entrées {bundle} contient une entrée de plus de 65 535 octets, qu’un lot tlog-tiles ne peut pas porter : lisez {alternative}, le même lot avec des longueurs sur 4 octets.',
    internal_error: 'Une erreur s’est produite de notre côté. L’identifiant de la requête est {requestId}.',
  },
});

export type CoreErrorCode = (typeof errorMessages.keys)[number];

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500;

/**
 * The one error type that reaches a client: a stable code, an HTTP status, a message in every
 * language, and optional details (for example the fields that failed validation).
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status: ErrorStatus,
    readonly text: Localized,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(text.en);
    this.name = 'AppError';
  }
}

/** Builds an AppError whose message comes from the core catalogue. */
export function coreError(
  code: CoreErrorCode,
  status: ErrorStatus,
  params?: Params,
  details?: unknown,
  headers?: Record<string, string>,
): AppError {
  return new AppError(code, status, errorMessages.localized(code, params), details, headers);
}

export const notFound = () => coreError('not_found', 404);

/** The SQLSTATE of a database error anywhere in an error's cause chain (drizzle wraps the driver's). */
export function databaseErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current instanceof Object && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

function isDatabaseError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Object && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
    if ((current as Error).name === 'DrizzleQueryError' || 'params' in current || 'query' in current) return true;
  }
  return databaseErrorCode(error) !== undefined;
}

/**
 * What of an unexpected error may go into a log line. A database error's message, `query`, `params`
 * and `detail` carry the values of the failed statement (names, ID numbers, emails): only its class,
 * SQLSTATE, constraint and stack frames are kept. Other errors keep their message.
 */
export function loggableError(error: unknown): Record<string, unknown> {
  const name = error instanceof Error ? error.name : typeof error;
  const frames = error instanceof Error ? (error.stack ?? '').split('\n').filter((line) => line.startsWith('    at ')).join('\n') : undefined;
  if (isDatabaseError(error)) {
    let constraint: unknown;
    for (let current = error, depth = 0; current instanceof Object && depth < 5; current = (current as { cause?: unknown }).cause, depth++) {
      constraint ??= (current as { constraint?: unknown }).constraint;
    }
    return { class: name, sqlState: databaseErrorCode(error), ...(typeof constraint === 'string' ? { constraint } : {}), stack: frames };
  }
  return { class: name, message: error instanceof Error ? error.message : undefined, stack: frames };
}
