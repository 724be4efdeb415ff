import type { Context } from 'hono';
import { AppError, coreError } from '../../../core/errors.ts';
import { can } from '../../../core/auth/policies.ts';
import { formatDate, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale, Params } from '../../../core/i18n/index.ts';
import { isAuthenticated, type Actor } from '../../../core/auth/roles.ts';
import { StatusTag } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { holdingsText, type HoldingsMessage } from '../../messages/holdings.ts';
import { registryText } from '../../messages/ledger.ts';
import { listAccountsWithBalances, type AccountWithBalance } from '../../queries/accounts.ts';
import type { creditAccountStatuses } from '../../schema.ts';
import type { Form } from '../../../web/forms.ts';

/** What the holdings and operations pages share: texts, form reading, labels and refusals shown on a form. */

export const text = (locale: Locale) => (key: HoldingsMessage, params?: Params) => holdingsText.t(locale, key, params);

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
