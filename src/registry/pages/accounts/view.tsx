import type { Hono } from 'hono';
import { can } from '../../../core/auth/policies.ts';
import { formatDate, formatDateTime, formatTonnes } from '../../../core/i18n/format.ts';
import { CardGrid, DataTable, EmptyState, SummaryCard } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { accountTransfers, findReadableAccount } from '../../queries/accounts.ts';
import { holdings, listRetirements } from '../../queries/ledger.ts';
import { AccountStatus, dateRange, parseId, registryCrumbs, text } from './shared.tsx';

/** One account as its holder and the secretariat see it: KYC, balance, serials held, retirements and transfers. */
export function registerAccountViewPage(pages: Hono<AppEnv>) {
  pages.get('/registry/accounts/:id{[0-9]+}', async (c) => {
    const locale = c.get('locale');
    const t = text(locale);
    const actor = c.get('actor');
    const db = c.get('deps').db;
    const account = await findReadableAccount(db, actor, Number(c.req.param('id')));
    const [held, retirements, transfers] = await Promise.all([holdings(db, account.id), listRetirements(db, { accountId: account.id }), accountTransfers(db, account.id)]);
    const usable = account.status === 'approved' && account.heldKg > 0;
    const transferred = parseId(c.req.query('transferred'));
    const title = t('account_title', { id: account.id, name: account.name });
    const kyc = [
      { label: t('organisation'), value: `${account.organisationName} (${account.organisationCode})` },
      { label: t('legal_name_label'), value: account.legalName },
      { label: t('country_label'), value: account.country },
      { label: t('registration_number_label'), value: account.registrationNumber ?? '—' },
      { label: t('contact_email_label'), value: account.contactEmail ?? '—' },
      { label: t('opened_on'), value: formatDateTime(locale, account.createdAt) },
      { label: t('approved_on'), value: account.approvedAt ? formatDateTime(locale, account.approvedAt) : '—' },
      ...(account.suspendedAt ? [{ label: t('suspended_on'), value: formatDateTime(locale, account.suspendedAt) }] : []),
    ];
    return renderPage(c, {
      title,
      breadcrumbs: registryCrumbs(locale),
      children: (
        <>
          <h1>{title}</h1>
          <p>
            <AccountStatus locale={locale} status={account.status} /> {account.status === 'pending' && t('pending_explained')}
            {account.status === 'suspended' && t('suspended_explained')}
          </p>
          {c.req.query('opened') === '1' && (
            <p class="panel" role="status">
              {t('opened_notice', { id: account.id })}
            </p>
          )}
          {transferred !== null && (
            <p class="panel" role="status">
              {t('transferred_notice', { id: transferred })}
            </p>
          )}
          <CardGrid>
            <SummaryCard figure={formatTonnes(locale, account.heldKg)} label={t('held_label')} />
            <SummaryCard figure={formatTonnes(locale, account.retiredKg)} label={t('retired_label')} />
          </CardGrid>
          {usable && (
            <p>
              {can(actor, 'registry.transfer') && (
                <a class="button button-secondary" href={`/registry/transfer?from=${account.id}`}>
                  {t('transfer_button')}
                </a>
              )}{' '}
              {can(actor, 'registry.retire') && (
                <a class="button" href={`/registry/retire?account=${account.id}`}>
                  {t('retire_button')}
                </a>
              )}
            </p>
          )}
          <h2>{t('held_title')}</h2>
          {held.length === 0 ? (
            <EmptyState title={t('nothing_held')} next={t('nothing_held_next')} />
          ) : (
            <DataTable
              caption={t('held_caption', { id: account.id })}
              rows={held}
              columns={[
                { header: t('serials'), cell: (h) => <span class="mono">{h.serials}</span> },
                { header: t('batch'), cell: (h) => <span class="mono">{h.serialPrefix}</span> },
                { header: t('mineral'), cell: (h) => h.mineral },
                { header: t('site'), cell: (h) => h.siteCode },
                { header: t('vintage'), cell: (h) => String(h.vintage) },
                { header: t('quantity'), cell: (h) => formatTonnes(locale, h.quantityKg), numeric: true },
              ]}
            />
          )}
          <h2>{t('retirements_title')}</h2>
          {retirements.length === 0 ? (
            <EmptyState title={t('no_retirements')} next={t('no_retirements_next')} />
          ) : (
            <DataTable
              caption={t('retirements_caption', { id: account.id })}
              rows={retirements}
              columns={[
                { header: t('retirement'), cell: (r) => <a href={`/certificates/${r.id}`}>{t('certificate_link', { id: r.id })}</a> },
                { header: t('date'), cell: (r) => formatDate(locale, r.createdAt) },
                { header: t('beneficiary_label'), cell: (r) => r.beneficiary },
                { header: t('claim_period'), cell: (r) => dateRange(locale, r.claimPeriodStart, r.claimPeriodEnd) },
                { header: t('covers_label'), cell: (r) => r.covers },
                { header: t('serials'), cell: (r) => <span class="mono">{r.ranges.map((range) => range.serials).join(', ')}</span> },
                { header: t('quantity'), cell: (r) => formatTonnes(locale, r.quantityKg), numeric: true },
              ]}
            />
          )}
          <h2>{t('account_transfers_title')}</h2>
          {transfers.length === 0 ? (
            <EmptyState title={t('no_transfers')} next={t('no_transfers_next')} />
          ) : (
            <DataTable
              caption={t('account_transfers_caption', { id: account.id })}
              rows={transfers}
              columns={[
                { header: t('transfer'), cell: (x) => `#${x.id}` },
                { header: t('date'), cell: (x) => formatDate(locale, x.createdAt) },
                {
                  header: t('direction'),
                  cell: (x) =>
                    t(x.direction === 'in' ? 'received_from' : 'sent_to', { account: `#${x.counterpartAccountId} ${x.counterpartAccountName} (${x.counterpartOrganisationCode})` }),
                },
                { header: t('serials'), cell: (x) => <span class="mono">{x.ranges.map((range) => range.serials).join(', ')}</span> },
                {
                  header: t('note'),
                  cell: (x) =>
                    x.reversesTransferId !== null
                      ? t('reverses', { id: x.reversesTransferId, reason: x.reason ?? '' })
                      : x.reversedByTransferId !== null
                        ? t('reversed_by', { id: x.reversedByTransferId })
                        : '',
                },
                { header: t('quantity'), cell: (x) => formatTonnes(locale, x.quantityKg), numeric: true },
              ]}
            />
          )}
          <h2>{t('kyc_title')}</h2>
          <DataTable caption={t('kyc_caption')} rows={kyc} columns={[{ header: t('detail'), cell: (row) => row.label }, { header: t('value'), cell: (row) => row.value }]} />
        </>
      ),
    });
  });
}
