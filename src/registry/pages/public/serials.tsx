import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { formatDate, formatDateTime, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { listMinerals } from '../../../sites/public.ts';
import { Field } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { publicText } from '../../messages/public.ts';
import { findBlockOfSerial } from '../../queries/ledger.ts';
import { crumbs, mineralLabel, registryPath, StateTag, type Mineral } from './shared.tsx';

type Found = NonNullable<Awaited<ReturnType<typeof findBlockOfSerial>>>;

/** What the registry publishes of a block: its serials, state, batch, and its retirement or cancellation; never its holder. */
function SerialResult({ locale, serial, found, minerals }: { locale: Locale; serial: string; found: Found; minerals: Mineral[] }) {
  const t = publicText(locale);
  const { batch, block, retirement, cancellation } = found;
  const period = (start: string, end: string) => t('period_value', { start: formatDate(locale, start), end: formatDate(locale, end) });
  return (
    <section aria-labelledby="result">
      <h2 id="result">{t('serial_result_title', { serial })}</h2>
      <dl class="summary-list">
        <dt>{t('state')}</dt>
        <dd>
          <StateTag locale={locale} state={block.state} />
        </dd>
        <dt>{t('block')}</dt>
        <dd class="mono">{found.serials}</dd>
        <dt>{t('block_quantity')}</dt>
        <dd>{formatTonnes(locale, block.quantityKg)}</dd>
        <dt>{t('since')}</dt>
        <dd>{formatDateTime(locale, block.createdAt)}</dd>
        <dt>{t('batch')}</dt>
        <dd class="mono">{batch.serialPrefix}</dd>
        <dt>{t('mineral')}</dt>
        <dd>{mineralLabel(minerals, batch.mineral, locale)}</dd>
        <dt>{t('site')}</dt>
        <dd>
          <a href={`/sites/${batch.siteCode}`}>{batch.siteCode}</a>
        </dd>
        <dt>{t('country')}</dt>
        <dd>{batch.country}</dd>
        <dt>{t('vintage')}</dt>
        <dd>{String(batch.vintage)}</dd>
        <dt>{t('period')}</dt>
        <dd>{period(batch.periodStart, batch.periodEnd)}</dd>
        <dt>{t('verification')}</dt>
        <dd>
          <a href={`/verifications/${batch.statementId}`}>{t('verification_link', { id: batch.statementId })}</a>
        </dd>
      </dl>
      {block.state === 'held' && <p>{t('holder_not_published')}</p>}
      {retirement && (
        <>
          <h3>{t('retirement_title')}</h3>
          <dl class="summary-list">
            <dt>{t('beneficiary')}</dt>
            <dd>{retirement.beneficiary}</dd>
            <dt>{t('claim_period')}</dt>
            <dd>{period(retirement.claimPeriodStart, retirement.claimPeriodEnd)}</dd>
            <dt>{t('certificate')}</dt>
            <dd>
              <a href={`/certificates/${retirement.id}`}>{t('certificate_link', { id: retirement.id })}</a>
            </dd>
          </dl>
        </>
      )}
      {cancellation && (
        <>
          <h3>{t('cancellation_title')}</h3>
          <dl class="summary-list">
            <dt>{t('reason')}</dt>
            <dd>{cancellation.reason}</dd>
          </dl>
        </>
      )}
    </section>
  );
}

async function serialsPage(c: Context<AppEnv>) {
  authorize(c.get('actor'), 'registry.read.public');
  const locale = c.get('locale');
  const t = publicText(locale);
  const db = c.get('deps').db;
  const serial = (c.req.query('serial') ?? '').trim().slice(0, 80);
  const [found, minerals] = await Promise.all([serial ? findBlockOfSerial(db, serial) : null, listMinerals(db)]);
  const notFound = serial !== '' && !found;
  return renderPage(
    c,
    {
      title: t('serials_title'),
      breadcrumbs: crumbs(c),
      children: (
        <>
          <h1>{t('serials_title')}</h1>
          <p class="lead">{t('serials_lead')}</p>
          <form method="get" action={`${registryPath}/serials`} role="search">
            <Field name="serial" label={t('serial_label')} hint={t('serial_hint')} value={serial} />
            <button class="button" type="submit">
              {t('look_up')}
            </button>
          </form>
          {found && <SerialResult locale={locale} serial={serial} found={found} minerals={minerals} />}
          {notFound && (
            <div class="panel" role="status">
              <h2>{t('serial_not_found_title')}</h2>
              <p>{t('serial_not_found', { serial })}</p>
              <p>
                <a href={`${registryPath}/batches`}>{t('serial_not_found_next')}</a>
              </p>
            </div>
          )}
        </>
      ),
    },
    notFound ? 404 : 200,
  );
}

/** The serial look-up: `?serial=` names a unit or a range, a permalink for each. */
export function registerSerialsPage(pages: Hono<AppEnv>) {
  pages.get(`${registryPath}/serials`, serialsPage);
}
