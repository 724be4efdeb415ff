import type { Context, Hono } from 'hono';
import { authorize, can } from '../../../core/auth/policies.ts';
import { formatTonnes } from '../../../core/i18n/format.ts';
import { runCommand } from '../../../journal/public.ts';
import { CardGrid, CsrfField, DataTable, EmptyState, ErrorSummary, SummaryCard, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { approveAccount } from '../../commands/approve-account.ts';
import { suspendAccount } from '../../commands/suspend-account.ts';
import { registryText } from '../../messages/ledger.ts';
import { listAccountsWithBalances, type AccountWithBalance } from '../../queries/accounts.ts';
import { creditAccountStatuses } from '../../schema.ts';
import { refusalOnForm, type RefusalStatus } from '../../../web/forms.ts';
import { AccountStatus, actorOrganisationId, parseId, text } from './shared.tsx';

type Status = (typeof creditAccountStatuses)[number];
const isStatus = (value: string | undefined): value is Status => (creditAccountStatuses as readonly string[]).includes(value ?? '');

/** Approve and suspend, each a one-button form: what the secretariat can do to an account now. */
function AccountActions({ c, account }: { c: Context<AppEnv>; account: AccountWithBalance }) {
  const t = text(c.get('locale'));
  const approvable = account.status !== 'approved';
  const suspendable = account.status === 'approved' && account.kind === 'holding';
  return (
    <>
      {approvable && (
        <form method="post" action={`/registry/accounts/${account.id}/approve`} class="inline-form">
          <CsrfField token={c.get('csrfToken')} />
          <button class="button" type="submit" aria-label={t('approve_account_label', { id: account.id })}>
            {account.status === 'suspended' ? t('reinstate') : t('approve')}
          </button>
        </form>
      )}{' '}
      {suspendable && (
        <form method="post" action={`/registry/accounts/${account.id}/suspend`} class="inline-form">
          <CsrfField token={c.get('csrfToken')} />
          <button class="button button-warning" type="submit" aria-label={t('suspend_account_label', { id: account.id })}>
            {t('suspend')}
          </button>
        </form>
      )}
    </>
  );
}

function AdminAccounts({ c, accounts, status }: { c: Context<AppEnv>; accounts: AccountWithBalance[]; status: Status | undefined }) {
  const locale = c.get('locale');
  const t = text(locale);
  const filters: { href: string; label: string; current: boolean }[] = [
    { href: '/registry/accounts', label: t('filter_all'), current: status === undefined },
    ...creditAccountStatuses.map((s) => ({ href: `/registry/accounts?status=${s}`, label: registryText.t(locale, `status_${s}`), current: status === s })),
  ];
  return (
    <>
      <p>
        <a class="button" href="/registry/issue">
          {t('issue_title')}
        </a>{' '}
        <a class="button button-secondary" href="/registry/transfer">
          {t('transfer_title')}
        </a>{' '}
        <a class="button button-secondary" href="/registry/transfers">
          {t('transfers_title')}
        </a>{' '}
        <a class="button button-secondary" href="/registry/cancel">
          {t('cancel_title')}
        </a>{' '}
        <a class="button button-secondary" href="/registry/accounts/new">
          {t('open_account')}
        </a>
      </p>
      <nav aria-label={t('filter_label')}>
        <p>
          {filters.map((filter, index) => (
            <>
              {index > 0 && ' · '}
              <a href={filter.href} aria-current={filter.current ? 'page' : undefined}>
                {filter.label}
              </a>
            </>
          ))}
        </p>
      </nav>
      {accounts.length === 0 ? (
        <EmptyState title={t('no_accounts_filtered')} next={<a href="/registry/accounts">{t('filter_all')}</a>} />
      ) : (
        <DataTable
          caption={t('admin_accounts_caption')}
          rows={accounts}
          columns={[
            { header: t('account'), cell: (a) => <a href={`/registry/accounts/${a.id}`}>{`#${a.id} ${a.name}`}</a> },
            { header: t('organisation'), cell: (a) => `${a.organisationName} (${a.organisationCode})` },
            { header: t('status'), cell: (a) => <AccountStatus locale={locale} status={a.status} /> },
            {
              header: t('kyc'),
              cell: (a) => (
                <>
                  {a.legalName} · {a.country}
                  {a.registrationNumber && <> · {a.registrationNumber}</>}
                  {a.contactEmail && <> · {a.contactEmail}</>}
                </>
              ),
            },
            { header: t('held'), cell: (a) => formatTonnes(locale, a.heldKg), numeric: true },
            { header: t('retired'), cell: (a) => formatTonnes(locale, a.retiredKg), numeric: true },
            { header: t('actions'), cell: (a) => <AccountActions c={c} account={a} /> },
          ]}
        />
      )}
    </>
  );
}

function HolderAccounts({ c, accounts }: { c: Context<AppEnv>; accounts: AccountWithBalance[] }) {
  const locale = c.get('locale');
  const t = text(locale);
  const mayOpen = can(c.get('actor'), 'registry.account.open');
  const sum = (pick: (a: AccountWithBalance) => number) => accounts.reduce((total, a) => total + pick(a), 0);
  return (
    <>
      {accounts.length > 0 && (
        <CardGrid>
          <SummaryCard figure={formatTonnes(locale, sum((a) => a.heldKg))} label={t('held_label')} />
          <SummaryCard figure={formatTonnes(locale, sum((a) => a.retiredKg))} label={t('retired_label')} />
        </CardGrid>
      )}
      {mayOpen && (
        <p>
          <a class="button" href="/registry/accounts/new">
            {t('open_account')}
          </a>
        </p>
      )}
      {accounts.length === 0 ? (
        <EmptyState title={t('no_accounts')} next={mayOpen ? t('no_accounts_next') : t('no_accounts_ask')} />
      ) : (
        <DataTable
          caption={t('holder_accounts_caption')}
          rows={accounts}
          columns={[
            { header: t('account'), cell: (a) => <a href={`/registry/accounts/${a.id}`}>{`#${a.id} ${a.name}`}</a> },
            { header: t('status'), cell: (a) => <AccountStatus locale={locale} status={a.status} /> },
            { header: t('held'), cell: (a) => formatTonnes(locale, a.heldKg), numeric: true },
            { header: t('retired'), cell: (a) => formatTonnes(locale, a.retiredKg), numeric: true },
          ]}
        />
      )}
    </>
  );
}

const notices = ['approved', 'suspended'] as const;

async function accountsPage(c: Context<AppEnv>, errors: FieldErrors = {}, status: 200 | RefusalStatus = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const actor = c.get('actor');
  const db = c.get('deps').db;
  const admin = can(actor, 'registry.account.list');
  const orgId = actorOrganisationId(actor);
  if (!admin) authorize(actor, 'registry.account.read', { orgId });
  const asked = c.req.query('status');
  const filter = isStatus(asked) ? asked : undefined;
  const accounts = await listAccountsWithBalances(db, admin ? { status: filter } : { organisationId: orgId, status: filter });
  const notice = notices.map((key) => [key, parseId(c.req.query(key))] as const).find(([, id]) => id !== null);
  const title = admin ? t('accounts_title') : t('your_accounts_title');
  return renderPage(
    c,
    {
      title,
      children: (
        <>
          <h1>{title}</h1>
          <p class="lead">{admin ? t('admin_accounts_lead') : t('holder_accounts_lead')}</p>
          {notice && (
            <p class="panel" role="status">
              {t(`${notice[0]}_notice`, { id: notice[1]! })}
            </p>
          )}
          <ErrorSummary locale={locale} errors={errors} />
          {admin ? <AdminAccounts c={c} accounts={accounts} status={filter} /> : <HolderAccounts c={c} accounts={accounts} />}
        </>
      ),
    },
    status,
  );
}

/** The accounts an actor may see, and the secretariat's approval and suspension of them. */
export function registerAccountListPages(pages: Hono<AppEnv>) {
  pages.get('/registry/accounts', (c) => accountsPage(c));

  for (const [action, command, notice] of [
    ['approve', approveAccount, 'approved'],
    ['suspend', suspendAccount, 'suspended'],
  ] as const) {
    pages.post(`/registry/accounts/:id{[0-9]+}/${action}`, async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'registry.account.approve');
      const accountId = Number(c.req.param('id'));
      try {
        await runCommand(c.get('deps').db, actor, (ctx) => command(ctx, { accountId }));
      } catch (error) {
        const refusal = refusalOnForm(error, c.get('locale'), () => 'form');
        return accountsPage(c, refusal.errors, refusal.status);
      }
      return c.redirect(`/registry/accounts?${notice}=${accountId}`, 303);
    });
  }
}
