import type { Context } from 'hono';
import { AppError, coreError } from '../../../core/errors.ts';
import { can } from '../../../core/auth/policies.ts';
import { formatDate, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale, Params } from '../../../core/i18n/index.ts';
import { isAuthenticated, type Actor } from '../../../core/auth/roles.ts';
import { StatusTag, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { holdingsText, type HoldingsMessage } from '../../messages/holdings.ts';
import { registryText } from '../../messages/ledger.ts';
import { listAccountsWithBalances, type AccountWithBalance } from '../../queries/accounts.ts';
import type { creditAccountStatuses } from '../../schema.ts';

/** What the holdings and operations pages share: texts, form reading, labels and refusals shown on a form. */

export type Form = Record<string, string>;

export const text = (locale: Locale) => (key: HoldingsMessage, params?: Params) => holdingsText.t(locale, key, params);

export async function formOf(c: Context<AppEnv>): Promise<Form> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** The query string's values for the named fields, to prefill a form from a link. */
export function queryValues(c: Context<AppEnv>, names: readonly string[]): Form {
  const values: Form = {};
  for (const name of names) {
    const value = c.req.query(name);
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** A positive whole number typed in a form or a URL (an account, batch or statement number); null otherwise. */
export function parseId(value: string | undefined): number | null {
  const text = (value ?? '').trim().replace(/^#/, '');
  if (!/^\d{1,9}$/.test(text)) return null;
  const id = Number(text);
  return id > 0 ? id : null;
}

/** Kilograms back into the tonnes a form takes: 2500 → "2.500". */
export const tonnesInput = (kilograms: number) => `${Math.floor(kilograms / 1000)}.${String(kilograms % 1000).padStart(3, '0')}`;

/** The organisation a signed-in actor acts for; pages that need one are refused to anonymous readers first. */
export function actorOrganisationId(actor: Actor): number {
  if (!isAuthenticated(actor)) throw coreError('unauthenticated', 401);
  return 'orgId' in actor && actor.orgId !== null ? actor.orgId : -1;
}

type Status = (typeof creditAccountStatuses)[number];
const statusTone = { pending: 'yellow', approved: 'green', suspended: 'red' } as const;

export function AccountStatus({ locale, status }: { locale: Locale; status: Status }) {
  return <StatusTag tone={statusTone[status]}>{registryText.t(locale, `status_${status}`)}</StatusTag>;
}

/** How pages name an account: its number, its name and its organisation. */
export const accountLabel = (account: { id: number; name: string; organisationCode: string }) => `#${account.id} ${account.name} (${account.organisationCode})`;

export const dateRange = (locale: Locale, start: string, end: string) => `${formatDate(locale, start)} – ${formatDate(locale, end)}`;

export const registryCrumbs = (locale: Locale) => [{ href: '/registry/accounts', label: text(locale)('accounts_title') }];

export type RefusalStatus = 404 | 409 | 422;
const formStatuses: readonly number[] = [404, 409, 422];

/**
 * Where a command's refusal goes on a form: the field its code (or the account it names) belongs
 * to, else the top of the form. A 404 is a number typed wrong (an account to send to); 401 and 403
 * are not form problems and go on to the sign-in or error page, like anything unexpected.
 */
export function refusalOnForm(error: unknown, locale: Locale, fieldOf: (error: AppError) => string): { errors: FieldErrors; status: RefusalStatus } {
  if (!(error instanceof AppError) || !formStatuses.includes(error.status)) throw error;
  return { errors: { [fieldOf(error)]: error.text[locale] }, status: error.status as RefusalStatus };
}

/** The account number an error's details name, if any. */
export const accountOfError = (error: AppError): number | undefined => (error.details as { accountId?: number } | undefined)?.accountId;

/** The approved accounts the actor may send or retire from: its organisation's, or every one for the secretariat. */
export async function accountsToUse(c: Context<AppEnv>): Promise<AccountWithBalance[]> {
  const actor = c.get('actor');
  const db = c.get('deps').db;
  if (can(actor, 'registry.account.list')) return listAccountsWithBalances(db, { status: 'approved' });
  return listAccountsWithBalances(db, { organisationId: actorOrganisationId(actor), status: 'approved' });
}

/** An account as a choice in a form, with what it holds. */
export const accountOption = (locale: Locale, account: AccountWithBalance) => ({
  value: String(account.id),
  label: `${accountLabel(account)}: ${text(locale)('holds', { quantity: formatTonnes(locale, account.heldKg) })}`,
});
