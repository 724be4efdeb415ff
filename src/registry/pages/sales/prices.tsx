import type { Context, Hono } from 'hono';
import { authorize, can } from '../../../core/auth/policies.ts';
import { formatDate, formatMoney } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { listMinerals } from '../../../sites/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, StatusTag, TextareaField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { recordReferencePrice } from '../../commands/sales/record-reference-price.ts';
import { setCreditPrice } from '../../commands/sales/set-credit-price.ts';
import { formatFeePercent } from '../../invoice/render-invoice.ts';
import { listReferencePrices, priceSchedule, type ScheduledPrice } from '../../queries/sales.ts';
import { priceRules } from '../../schema.ts';
import { formOf, refusalOnForm, type Form } from '../../../web/forms.ts';
import { parseMoney } from '../../../core/quantities.ts';
import { pageText, parsePercent, registryCrumb, salesWords } from './shared.tsx';

type Minerals = Awaited<ReturnType<typeof listMinerals>>;
type Translate = ReturnType<typeof pageText>;

/** Which of the two forms a submission came from, with what was typed and what was wrong, to give it back filled in. */
type FormState = { form: 'reference' | 'price'; values: Form; errors: FieldErrors };

const mineralName = (minerals: Minerals, code: string, locale: Locale) => {
  const mineral = minerals.find((m) => m.code === code);
  return mineral ? (locale === 'fr' ? mineral.labelFr : mineral.labelEn) : code;
};

/** How a price was set, in words: the rule and its inputs, or the reason given by hand. */
function HowSet({ locale, price }: { locale: Locale; price: ScheduledPrice }) {
  const t = pageText(locale);
  const inputs = price.ruleInputs;
  if ('years' in inputs) {
    return (
      <>
        {t('how_rule', { start: inputs.years[0]!, end: inputs.years[inputs.years.length - 1]!, average: formatMoney(locale, inputs.averagePerTonneMinor, price.currency) })}
        {price.reason && <> {t('how_reason', { reason: price.reason })}</>}
      </>
    );
  }
  return (
    <>
      {t('how_manual', { reason: price.reason ?? '' })}
      {'ruleWouldGive' in inputs && <> {t('how_manual_rule', { price: formatMoney(locale, inputs.ruleWouldGive.pricePerTonneMinor, price.currency) })}</>}
    </>
  );
}

function ReferencePriceForm({ c, t, minerals, state }: { c: Context<AppEnv>; t: Translate; minerals: Minerals; state: FormState | undefined }) {
  const locale = c.get('locale');
  const mine = state?.form === 'reference' ? state : { values: {} as Form, errors: {} as FieldErrors };
  return (
    <section>
      <h2 id="record-reference">{t('record_reference_title')}</h2>
      <ErrorSummary locale={locale} errors={mine.errors} />
      <form method="post" action="/registry/prices/references" id={mine.errors.form ? 'form' : undefined} novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <SelectField name="referenceMineral" label={t('mineral_label')} value={mine.values.referenceMineral ?? 'cobalt'} error={mine.errors.referenceMineral} options={minerals.map((m) => ({ value: m.code, label: mineralName(minerals, m.code, locale) }))} />
        <Field name="referenceYear" label={t('year_label')} value={mine.values.referenceYear} error={mine.errors.referenceYear} />
        <Field name="referenceCurrency" label={t('currency_label')} hint={t('currency_hint')} value={mine.values.referenceCurrency ?? 'USD'} error={mine.errors.referenceCurrency} />
        <Field name="referencePrice" label={t('reference_price_label')} hint={t('money_hint')} value={mine.values.referencePrice} error={mine.errors.referencePrice} />
        <Field name="referenceSource" label={t('source_label')} hint={t('source_hint')} value={mine.values.referenceSource} error={mine.errors.referenceSource} />
        <button class="button" type="submit">
          {t('record_reference_button')}
        </button>
      </form>
    </section>
  );
}

function CreditPriceForm({ c, t, minerals, state }: { c: Context<AppEnv>; t: Translate; minerals: Minerals; state: FormState | undefined }) {
  const locale = c.get('locale');
  const words = salesWords(locale);
  const mine = state?.form === 'price' ? state : { values: {} as Form, errors: {} as FieldErrors };
  return (
    <section>
      <h2 id="set-price">{t('set_price_title')}</h2>
      <ErrorSummary locale={locale} errors={mine.errors} />
      <form method="post" action="/registry/prices" id={mine.errors.form ? 'form' : undefined} novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <SelectField name="mineral" label={t('mineral_label')} value={mine.values.mineral ?? 'cobalt'} error={mine.errors.mineral} options={minerals.map((m) => ({ value: m.code, label: mineralName(minerals, m.code, locale) }))} />
        <Field name="vintage" label={t('vintage_label')} hint={t('vintage_hint')} value={mine.values.vintage} error={mine.errors.vintage} />
        <Field name="currency" label={t('currency_label')} hint={t('currency_hint')} value={mine.values.currency ?? 'USD'} error={mine.errors.currency} />
        <SelectField name="rule" label={t('rule_label')} value={mine.values.rule} error={mine.errors.rule} options={priceRules.map((rule) => ({ value: rule, label: words(`rule_${rule}`) }))} />
        <Field name="price" label={t('price_label')} hint={t('price_hint')} value={mine.values.price} error={mine.errors.price} />
        <TextareaField name="reason" label={t('reason_label')} hint={t('reason_hint')} value={mine.values.reason} error={mine.errors.reason} rows={2} />
        <Field name="fee" label={t('fee_label')} hint={t('fee_hint')} value={mine.values.fee ?? '0'} error={mine.errors.fee} />
        <button class="button" type="submit">
          {t('set_price_button')}
        </button>
      </form>
    </section>
  );
}

async function pricesPage(c: Context<AppEnv>, state?: FormState, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = pageText(locale);
  const db = c.get('deps').db;
  const [prices, references, minerals] = await Promise.all([priceSchedule(db), listReferencePrices(db), listMinerals(db)]);
  const mayEdit = can(c.get('actor'), 'registry.price.set');
  const panel = c.req.query('recorded') === '1' ? t('reference_recorded_panel') : c.req.query('set') === '1' ? t('price_set_panel') : null;
  return renderPage(
    c,
    {
      title: t('prices_title'),
      breadcrumbs: [registryCrumb(locale)],
      children: (
        <>
          {panel && (
            <div class="panel" role="status">
              {panel}
            </div>
          )}
          <h1>{t('prices_title')}</h1>
          <p class="lead">{t('prices_lead')}</p>
          {prices.length === 0 ? (
            <EmptyState title={t('no_prices')} next={t('no_prices_next')} />
          ) : (
            <DataTable
              caption={t('prices_caption')}
              rows={prices}
              columns={[
                { header: t('col_mineral'), cell: (p) => mineralName(minerals, p.mineral, locale) },
                { header: t('col_vintage'), cell: (p) => String(p.vintage) },
                { header: t('col_price_per_tonne'), cell: (p) => formatMoney(locale, p.pricePerTonneMinor, p.currency), numeric: true },
                { header: t('col_how_set'), cell: (p) => <HowSet locale={locale} price={p} /> },
                { header: t('col_fee'), cell: (p) => formatFeePercent(locale, p.registryFeeBasisPoints), numeric: true },
                { header: t('col_set_on'), cell: (p) => formatDate(locale, p.createdAt) },
                { header: t('col_status'), cell: (p) => (p.inForce ? <StatusTag tone="green">{t('price_in_force')}</StatusTag> : <StatusTag tone="grey">{t('price_replaced')}</StatusTag>) },
              ]}
            />
          )}
          <h2>{t('references_title')}</h2>
          {references.length === 0 ? (
            <EmptyState title={t('no_references')} next={t('no_references_next')} />
          ) : (
            <DataTable
              caption={t('references_caption')}
              rows={references}
              columns={[
                { header: t('col_mineral'), cell: (r) => mineralName(minerals, r.mineral, locale) },
                { header: t('col_year'), cell: (r) => String(r.year) },
                { header: t('col_price_per_tonne'), cell: (r) => formatMoney(locale, r.pricePerTonneMinor, r.currency), numeric: true },
                { header: t('col_source'), cell: (r) => r.source },
              ]}
            />
          )}
          {mayEdit && (
            <>
              <CreditPriceForm c={c} t={t} minerals={minerals} state={state} />
              <ReferencePriceForm c={c} t={t} minerals={minerals} state={state} />
            </>
          )}
        </>
      ),
    },
    status,
  );
}

const yearOf = (text: string | undefined) => (/^\d{4}$/.test((text ?? '').trim()) ? Number(text) : null);
const currencyOf = (text: string | undefined) => (text ?? '').trim().toUpperCase();

/** Where a refused reference price's message goes on its form. */
const referenceFieldOfError: Record<string, string> = {
  mineral_unknown: 'referenceMineral',
  year_invalid: 'referenceYear',
  currency_invalid: 'referenceCurrency',
  price_invalid: 'referencePrice',
  source_required: 'referenceSource',
  reference_price_exists: 'referenceYear',
};

/** Where a refused credit price's message goes on its form. */
const priceFieldOfError: Record<string, string> = {
  mineral_unknown: 'mineral',
  vintage_invalid: 'vintage',
  currency_invalid: 'currency',
  rule_invalid: 'rule',
  price_invalid: 'price',
  computed_price_given: 'price',
  manual_reason_required: 'reason',
  reason_too_long: 'reason',
  fee_invalid: 'fee',
  reference_prices_missing: 'vintage',
};

/** The public price schedule, and the secretariat's forms to record reference prices and set prices. */
export function registerPricesPages(pages: Hono<AppEnv>) {
  pages.get('/registry/prices', async (c) => {
    authorize(c.get('actor'), 'registry.price.read');
    return pricesPage(c);
  });

  pages.post('/registry/prices/references', async (c) => {
    authorize(c.get('actor'), 'registry.price.set');
    const values = await formOf(c);
    const t = pageText(c.get('locale'));
    const currency = currencyOf(values.referenceCurrency);
    const year = yearOf(values.referenceYear);
    const price = parseMoney(values.referencePrice ?? '', currency);
    const errors: FieldErrors = {};
    if (year === null) errors.referenceYear = t('year_field_invalid');
    if (price === null) errors.referencePrice = t('money_field_invalid');
    if (Object.keys(errors).length > 0) return pricesPage(c, { form: 'reference', values, errors }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        recordReferencePrice(ctx, { mineral: values.referenceMineral ?? '', year: year!, currency, pricePerTonneMinor: price!, source: values.referenceSource ?? '' }),
      );
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), referenceFieldOfError);
      return pricesPage(c, { form: 'reference', values, errors: refusal.errors }, refusal.status);
    }
    return c.redirect('/registry/prices?recorded=1', 303);
  });

  pages.post('/registry/prices', async (c) => {
    authorize(c.get('actor'), 'registry.price.set');
    const values = await formOf(c);
    const t = pageText(c.get('locale'));
    const currency = currencyOf(values.currency);
    const vintage = yearOf(values.vintage);
    const rule = priceRules.find((r) => r === values.rule);
    const priceText = (values.price ?? '').trim();
    const price = priceText === '' ? null : parseMoney(priceText, currency);
    const fee = parsePercent(values.fee ?? '');
    const errors: FieldErrors = {};
    if (vintage === null) errors.vintage = t('year_field_invalid');
    if (rule === undefined) errors.rule = salesWords(c.get('locale'))('rule_invalid');
    if (priceText !== '' && price === null) errors.price = t('money_field_invalid');
    if (fee === null) errors.fee = t('fee_field_invalid');
    if (Object.keys(errors).length > 0) return pricesPage(c, { form: 'price', values, errors }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        setCreditPrice(ctx, { mineral: values.mineral ?? '', vintage: vintage!, currency, rule: rule!, pricePerTonneMinor: price, reason: values.reason ?? null, registryFeeBasisPoints: fee! }),
      );
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), priceFieldOfError);
      return pricesPage(c, { form: 'price', values, errors: refusal.errors }, refusal.status);
    }
    return c.redirect('/registry/prices?set=1', 303);
  });
}
