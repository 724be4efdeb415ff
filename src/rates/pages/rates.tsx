import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { formatDate } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, ErrorSummary, Field, SelectField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formWithFiles, refusalOnForm, type Form, type RefusalStatus } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { recordExchangeRate } from '../commands/record-exchange-rate.ts';
import { setReportingCurrency } from '../commands/set-reporting-currency.ts';
import { parseRate, rateText } from '../conversion.ts';
import { currencies } from '../currencies.ts';
import { ratesPageText, type RatesPageKey } from '../messages/pages.ts';
import { listExchangeRates, reportingCurrencyOf } from '../queries/rates.ts';

const translator = (locale: Locale) => (key: RatesPageKey, params?: Record<string, string | number>) => ratesPageText.t(locale, key, params);

/** Which form field a refusal of the recording is about. */
const fieldOfRefusal: Record<string, string> = {
  currency_unknown: 'currency',
  currency_is_base: 'currency',
  date_invalid: 'rateOn',
  rate_invalid: 'rate',
  rate_source_required: 'source',
  rate_exists: 'rateOn',
};

async function ratesPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, status: 200 | RefusalStatus = 200) {
  authorize(c.get('actor'), 'rates.read');
  const db = c.get('deps').db;
  const locale = c.get('locale');
  const t = translator(locale);
  const [rates, reporting] = await Promise.all([listExchangeRates(db), reportingCurrencyOf(db)]);
  const options = currencies.map((cur) => ({ value: cur.code, label: cur.code }));
  return renderPage(
    c,
    {
      title: t('title'),
      children: (
        <>
          {c.req.query('saved') === '1' && <div class="panel" role="status">{t('saved')}</div>}
          <h1>{t('title')}</h1>
          <p class="lead">{t('lead')}</p>
          <p>{t('reporting_currency', { currency: reporting })}</p>
          <ErrorSummary locale={locale} errors={errors} />
          {rates.length === 0 ? (
            <p>{t('none')}</p>
          ) : (
            <DataTable
              caption={t('caption')}
              rows={rates}
              columns={[
                { header: t('col_date'), cell: (r) => formatDate(locale, r.rateOn) },
                { header: t('col_currency'), cell: (r) => r.currency },
                { header: t('col_rate'), cell: (r) => rateText(r.unitsPerUsdMicro), numeric: true },
                { header: t('col_source'), cell: (r) => r.source },
              ]}
            />
          )}
          {can(c.get('actor'), 'rates.manage') && (
            <>
              <h2>{t('record_title')}</h2>
              <form method="post" action="/rates" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <SelectField name="currency" label={t('col_currency')} options={options.filter((o) => o.value !== 'USD')} value={values.currency ?? 'CDF'} error={errors.currency} />
                <Field name="rateOn" type="date" label={t('rate_on_label')} value={values.rateOn} error={errors.rateOn} />
                <Field name="rate" label={t('rate_label')} hint={t('rate_hint')} value={values.rate} error={errors.rate} />
                <Field name="source" label={t('source_label')} value={values.source} error={errors.source} />
                <button class="button" type="submit">{t('record_button')}</button>
              </form>
              <h2>{t('reporting_title')}</h2>
              <form method="post" action="/rates/reporting-currency" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <SelectField name="reportingCurrency" label={t('reporting_label')} options={options} value={values.reportingCurrency ?? reporting} error={errors.reportingCurrency} />
                <button class="button" type="submit">{t('reporting_button')}</button>
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

/** The page of the exchange rates: public, with the secretariat's forms to record a rate and set the reporting currency. */
export function registerRatesPages(pages: Hono<AppEnv>) {
  pages.get('/rates', (c) => ratesPage(c));
  pages.post('/rates', async (c) => {
    const { form } = await formWithFiles(c);
    const rate = parseRate(form.rate ?? '');
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordExchangeRate(ctx, { currency: (form.currency ?? '').trim().toUpperCase(), rateOn: form.rateOn ?? '', unitsPerUsdMicro: rate ?? Number.NaN, source: form.source ?? '' }));
      return c.redirect('/rates?saved=1', 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), fieldOfRefusal);
      return ratesPage(c, form, refusal.errors, refusal.status);
    }
  });
  pages.post('/rates/reporting-currency', async (c) => {
    const { form } = await formWithFiles(c);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => setReportingCurrency(ctx, { currency: (form.reportingCurrency ?? '').trim() }));
      return c.redirect('/rates?saved=1', 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { currency_unknown: 'reportingCurrency' });
      return ratesPage(c, form, refusal.errors, refusal.status);
    }
  });
}
