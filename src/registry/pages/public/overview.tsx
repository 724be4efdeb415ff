import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { formatNumber, formatTonnes } from '../../../core/i18n/format.ts';
import { listMinerals } from '../../../sites/public.ts';
import { ChartFrame, renderBarChart } from '../../../web/chart.tsx';
import { CardGrid, DataTable, EmptyState, SummaryCard } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { frame } from '../../../web/messages.ts';
import { publicText } from '../../messages/public.ts';
import { registryTotals, type Totals } from '../../queries/ledger.ts';
import { CsvLink, mineralLabel, registryPath } from './shared.tsx';

const sum = (rows: Totals[]): Totals =>
  rows.reduce((total, row) => ({ issuedKg: total.issuedKg + row.issuedKg, heldKg: total.heldKg + row.heldKg, retiredKg: total.retiredKg + row.retiredKg, cancelledKg: total.cancelledKg + row.cancelledKg }), {
    issuedKg: 0,
    heldKg: 0,
    retiredKg: 0,
    cancelledKg: 0,
  });

const tonnes = (kilograms: number) => kilograms / 1000;

async function overviewPage(c: Context<AppEnv>) {
  authorize(c.get('actor'), 'registry.read.public');
  const locale = c.get('locale');
  const t = publicText(locale);
  const db = c.get('deps').db;
  const [totals, minerals] = await Promise.all([registryTotals(db), listMinerals(db)]);
  const label = (code: string) => mineralLabel(minerals, code, locale);
  const mineralsIssued = [...new Set(totals.map((row) => row.mineral))];
  const category = (row: { mineral: string; vintage: number }) => `${label(row.mineral)} ${row.vintage}`;
  const all = sum(totals);
  const tonnesText = (kilograms: number) => formatNumber(locale, tonnes(kilograms), { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  return renderPage(c, {
    title: t('registry_title'),
    breadcrumbs: [{ href: '/', label: frame.t(locale, 'nav_home') }],
    children: (
      <>
        <h1>{t('registry_title')}</h1>
        <p class="lead">{t('registry_lead')}</p>
        {totals.length === 0 ? (
          <EmptyState title={t('nothing_issued')} next={t('nothing_issued_next')} />
        ) : (
          <>
            {mineralsIssued.map((mineral) => {
              const of = sum(totals.filter((row) => row.mineral === mineral));
              return (
                <CardGrid>
                  <SummaryCard figure={formatTonnes(locale, of.issuedKg)} label={t('issued_label', { mineral: label(mineral).toLocaleLowerCase(locale) })} />
                  <SummaryCard figure={formatTonnes(locale, of.heldKg)} label={t('held_label')} />
                  <SummaryCard figure={formatTonnes(locale, of.retiredKg)} label={t('retired_label')} />
                  <SummaryCard figure={formatTonnes(locale, of.cancelledKg)} label={t('cancelled_label')} />
                </CardGrid>
              );
            })}
            <h2>{t('totals_title')}</h2>
            <DataTable
              caption={t('totals_caption')}
              rows={totals}
              columns={[
                { header: t('mineral'), cell: (row) => label(row.mineral) },
                { header: t('vintage'), cell: (row) => <a href={`${registryPath}/batches?${new URLSearchParams({ mineral: row.mineral, vintage: String(row.vintage) }).toString()}`}>{row.vintage}</a> },
                { header: t('issued'), cell: (row) => formatTonnes(locale, row.issuedKg), numeric: true },
                { header: t('held'), cell: (row) => formatTonnes(locale, row.heldKg), numeric: true },
                { header: t('retired'), cell: (row) => formatTonnes(locale, row.retiredKg), numeric: true },
                { header: t('cancelled'), cell: (row) => formatTonnes(locale, row.cancelledKg), numeric: true },
              ]}
            />
            <CsvLink href="/api/v1/registry/totals.csv" label={t('download_totals')} />
            <ChartFrame
              locale={locale}
              title={t('chart_title')}
              message={t('chart_message', { issued: formatTonnes(locale, all.issuedKg), retired: formatTonnes(locale, all.retiredKg), held: formatTonnes(locale, all.heldKg) })}
              svg={renderBarChart({
                locale,
                categories: totals.map(category),
                stacked: true,
                unit: 't',
                series: [
                  { name: t('retired'), values: totals.map((row) => tonnes(row.retiredKg)) },
                  { name: t('held'), values: totals.map((row) => tonnes(row.heldKg)) },
                  { name: t('cancelled'), values: totals.map((row) => tonnes(row.cancelledKg)) },
                ],
              })}
              table={{
                columns: [t('vintage'), `${t('issued')} (t)`, `${t('held')} (t)`, `${t('retired')} (t)`, `${t('cancelled')} (t)`],
                rows: totals.map((row) => [category(row), tonnesText(row.issuedKg), tonnesText(row.heldKg), tonnesText(row.retiredKg), tonnesText(row.cancelledKg)]),
              }}
              source={t('chart_source')}
            />
          </>
        )}
        <h2>{t('explore_title')}</h2>
        <ul>
          <li>
            <a href={`${registryPath}/batches`}>{t('link_batches')}</a>
          </li>
          <li>
            <a href={`${registryPath}/retirements`}>{t('link_retirements')}</a>
          </li>
          <li>
            <a href={`${registryPath}/serials`}>{t('link_serials')}</a>
          </li>
          <li>
            <a href={`${registryPath}/prices`}>{t('link_prices')}</a>
          </li>
          <li>
            <a href="/journal">{t('link_journal')}</a>
          </li>
        </ul>
      </>
    ),
  });
}

/** The public registry's front page: totals per mineral and vintage, a chart, and the way to every list. */
export function registerOverviewPage(pages: Hono<AppEnv>) {
  pages.get(registryPath, overviewPage);
}
