import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { formatDate, formatTonnes } from '../../../core/i18n/format.ts';
import { DataTable, EmptyState } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { publicText } from '../../messages/public.ts';
import { listRetirements } from '../../queries/ledger.ts';
import { CsvLink, crumbs, registryPath, serialLink } from './shared.tsx';

async function retirementsPage(c: Context<AppEnv>) {
  authorize(c.get('actor'), 'registry.read.public');
  const locale = c.get('locale');
  const t = publicText(locale);
  const retirements = await listRetirements(c.get('deps').db);
  return renderPage(c, {
    title: t('retirements_title'),
    breadcrumbs: crumbs(c),
    children: (
      <>
        <h1>{t('retirements_title')}</h1>
        <p class="lead">{t('retirements_lead')}</p>
        {retirements.length === 0 ? (
          <EmptyState title={t('no_retirements')} next={t('no_retirements_next')} />
        ) : (
          <DataTable
            caption={t('retirements_caption')}
            rows={retirements}
            columns={[
              { header: t('retired_on'), cell: (r) => formatDate(locale, r.createdAt) },
              { header: t('beneficiary'), cell: (r) => r.beneficiary },
              { header: t('claim_period'), cell: (r) => t('period_value', { start: formatDate(locale, r.claimPeriodStart), end: formatDate(locale, r.claimPeriodEnd) }) },
              { header: t('covers'), cell: (r) => r.covers },
              { header: t('quantity'), cell: (r) => formatTonnes(locale, r.quantityKg), numeric: true },
              {
                header: t('serials'),
                cell: (r) => (
                  <ul class="mono">
                    {r.ranges.map((range) => (
                      <li>
                        <a href={serialLink(range.serials)}>{range.serials}</a>
                      </li>
                    ))}
                  </ul>
                ),
              },
              { header: t('certificate'), cell: (r) => <a href={`/certificates/${r.id}`}>{t('certificate_link', { id: r.id })}</a> },
            ]}
          />
        )}
        <CsvLink href="/api/v1/registry/retirements.csv" label={t('download_retirements')} />
      </>
    ),
  });
}

/** Every retirement: who claimed what, for which period, with which serials, and its certificate. */
export function registerRetirementsPage(pages: Hono<AppEnv>) {
  pages.get(`${registryPath}/retirements`, retirementsPage);
}
