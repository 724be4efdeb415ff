import type { Context, Hono } from 'hono';
import { can } from '../../core/auth/policies.ts';
import { formatDate, formatMoney, formatTonnes } from '../../core/i18n/format.ts';
import { runCommand } from '../../journal/public.ts';
import { listExchangeRates, parseRate, rateText, recordExchangeRate } from '../../rates/public.ts';
import { CsrfField, DataTable, ErrorSummary, Field, SelectField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { bookPremium } from '../commands/book-premium.ts';
import { appointMember } from '../commands/appoint-member.ts';
import { setCommitteeRules } from '../commands/set-committee-rules.ts';
import { committeeGroups } from '../committee-groups.ts';
import { authorizeOnFund, findFund, findSite } from '../ledger.ts';
import { listMembers } from '../queries/committee.ts';
import { fundBalances, unbookedPremiums } from '../queries/ledger.ts';
import { formWithFiles, refusalOnForm, type Form } from '../../web/forms.ts';
import { FundNav, fundCrumbs, translator } from './shared.tsx';

async function overviewPage(c: Context<AppEnv>, errors: FieldErrors = {}, status: 200 | 404 | 409 | 422 = 200) {
  const db = c.get('deps').db;
  await authorizeOnFund(db, c.get('actor'), 'fund.read', c.req.param('site')!);
  const locale = c.get('locale');
  const t = translator(locale);
  const site = await findSite(db, c.req.param('site')!);
  const fund = await findFund(db, site.code);
  const balances = fund ? await fundBalances(db, fund.id) : [];
  const premiums = await unbookedPremiums(db, site.code);
  const money = (minor: number, currency: string) => formatMoney(locale, minor, currency);
  const admin = can(c.get('actor'), 'fund.manage');
  return renderPage(
    c,
    {
      title: t('manage_title', { site: site.name }),
      breadcrumbs: fundCrumbs(locale, site.code, false),
      children: (
        <>
          {c.req.query('booked') === '1' && <div class="panel" role="status">{t('booked_panel')}</div>}
          <h1>{t('manage_title', { site: site.name })}</h1>
          <FundNav locale={locale} site={site.code} />
          <ErrorSummary locale={locale} errors={errors} />
          <DataTable
            caption={t('balances_caption')}
            rows={balances}
            columns={[
              { header: t('col_currency'), cell: (b) => b.currency },
              { header: t('col_income'), cell: (b) => money(b.income.premium + b.income.grant + b.income.other, b.currency), numeric: true },
              { header: t('col_available'), cell: (b) => money(b.available, b.currency), numeric: true },
              { header: t('col_committed'), cell: (b) => money(b.committed, b.currency), numeric: true },
              { header: t('col_disbursed'), cell: (b) => money(b.disbursed, b.currency), numeric: true },
            ]}
          />
          <h2>{t('unbooked_title')}</h2>
          {premiums.length === 0 ? (
            <p>{t('unbooked_none')}</p>
          ) : (
            <DataTable
              caption={t('unbooked_caption')}
              rows={premiums}
              columns={[
                { header: t('col_received_on'), cell: (p) => formatDate(locale, p.receivedOn) },
                { header: t('col_payment'), cell: (p) => `${p.paymentId} (${formatTonnes(locale, p.quantityKg)})` },
                { header: t('col_amount'), cell: (p) => money(p.premiumMinor, p.currency), numeric: true },
                {
                  header: '',
                  cell: (p) =>
                    admin && (
                      <form method="post" action={`/funds/${site.code}/premiums/${p.id}/book`}>
                        <CsrfField token={c.get('csrfToken')} />
                        <button class="button" type="submit">{t('book_button', { amount: money(p.premiumMinor, p.currency) })}</button>
                      </form>
                    ),
                },
              ]}
            />
          )}
        </>
      ),
    },
    status,
  );
}

async function ratesPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 404 | 409 | 422 = 200) {
  await authorizeOnFund(c.get('deps').db, c.get('actor'), 'fund.read', c.req.param('site')!);
  const locale = c.get('locale');
  const t = translator(locale);
  const site = await findSite(c.get('deps').db, c.req.param('site')!);
  const rates = await listExchangeRates(c.get('deps').db);
  return renderPage(
    c,
    {
      title: t('rates_page_title'),
      breadcrumbs: fundCrumbs(locale, site.code, true),
      children: (
        <>
          <h1>{t('rates_page_title')}</h1>
          <DataTable
            caption={t('rates_caption_all')}
            rows={rates}
            columns={[
              { header: t('col_date'), cell: (r) => formatDate(locale, r.rateOn) },
              { header: t('col_currency'), cell: (r) => r.currency },
              { header: t('col_rate'), cell: (r) => rateText(r.unitsPerUsdMicro), numeric: true },
              { header: t('col_rate_source'), cell: (r) => r.source },
            ]}
          />
          {can(c.get('actor'), 'rates.manage') && (
            <form method="post" action={`/funds/${site.code}/rates`} novalidate>
              <ErrorSummary locale={locale} errors={errors} />
              <CsrfField token={c.get('csrfToken')} />
              <Field name="currency" label={t('col_currency')} value={values.currency ?? 'CDF'} error={errors.currency} />
              <Field name="rateOn" type="date" label={t('rate_on_label')} value={values.rateOn} error={errors.rateOn} />
              <Field name="rate" label={t('rate_label')} value={values.rate} error={errors.rate} />
              <Field name="source" label={t('source_label')} value={values.source} error={errors.source} />
              <button class="button" type="submit">{t('record_rate_button')}</button>
            </form>
          )}
        </>
      ),
    },
    status,
  );
}

async function committeePage(c: Context<AppEnv>, errors: FieldErrors = {}, status: 200 | 404 | 409 | 422 = 200) {
  const db = c.get('deps').db;
  await authorizeOnFund(db, c.get('actor'), 'fund.read', c.req.param('site')!);
  const locale = c.get('locale');
  const t = translator(locale);
  const site = await findSite(db, c.req.param('site')!);
  const fund = await findFund(db, site.code);
  const members = fund ? await listMembers(db, fund.id) : [];
  const [{ id: siteId }] = [site];
  const groups = await committeeGroups(db, siteId);
  const admin = can(c.get('actor'), 'fund.manage');
  return renderPage(
    c,
    {
      title: t('committee_page_title', { site: site.name }),
      breadcrumbs: fundCrumbs(locale, site.code, true),
      children: (
        <>
          {c.req.query('saved') === '1' && <div class="panel" role="status">{t('saved_panel')}</div>}
          <h1>{t('committee_page_title', { site: site.name })}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          {fund && <p>{t('rules_summary', { quorum: `${fund.quorumBasisPoints / 100} %`, majority: `${fund.majorityBasisPoints / 100} %`, groups: fund.requiredGroups.join(', ') || '—' })}</p>}
          <DataTable
            caption={t('members_caption')}
            rows={members}
            columns={[
              { header: t('col_member'), cell: (m) => `${m.personName} (#${m.id})` },
              { header: t('col_group'), cell: (m) => m.groupCode },
              { header: t('col_term'), cell: (m) => `${formatDate(locale, m.termStart)} – ${formatDate(locale, m.termEnd)}` },
            ]}
          />
          {admin && (
            <>
              <h2>{t('appoint_title')}</h2>
              <form method="post" action={`/funds/${site.code}/committee/members`} novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <Field name="personName" label={t('person_label')} />
                <SelectField name="groupCode" label={t('group_label')} options={groups.map((g) => ({ value: g, label: g }))} />
                <Field name="termStart" type="date" label={t('term_start_label')} />
                <Field name="termEnd" type="date" label={t('term_end_label')} />
                <button class="button" type="submit">{t('appoint_button')}</button>
              </form>
              <h2>{t('rules_title')}</h2>
              <form method="post" action={`/funds/${site.code}/committee/rules`} novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <Field name="quorum" label={t('quorum_label')} value={String((fund?.quorumBasisPoints ?? 5000) / 100)} />
                <Field name="majority" label={t('majority_label')} value={String((fund?.majorityBasisPoints ?? 5000) / 100)} />
                <Field name="requiredGroups" label={t('required_label')} hint={groups.join(', ')} value={(fund?.requiredGroups ?? []).join(', ')} />
                <div class="field">
                  <label>
                    <input type="checkbox" name="publishMemberNames" value="1" checked={fund?.publishMemberNames ?? false} /> {t('publish_label')}
                  </label>
                </div>
                <button class="button" type="submit">{t('rules_button')}</button>
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

const basisPoints = (text: string | undefined) => {
  const value = Number((text ?? '').replace(',', '.'));
  return Number.isFinite(value) ? Math.round(value * 100) : NaN;
};

/** The secretariat's and committee's pages of a fund: overview with premium to book, exchange rates, committee and rules. */
export function registerManageFundPages(pages: Hono<AppEnv>) {
  pages.get('/funds/:site{[A-Z]{3,6}}/manage', (c) => overviewPage(c));
  pages.post('/funds/:site{[A-Z]{3,6}}/premiums/:id{[0-9]+}/book', async (c) => {
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => bookPremium(ctx, { creditPremiumId: Number(c.req.param('id')) }));
      return c.redirect(`/funds/${c.req.param('site')}/manage?booked=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return overviewPage(c, refusal.errors, refusal.status);
    }
  });
  pages.get('/funds/:site{[A-Z]{3,6}}/rates', (c) => ratesPage(c));
  pages.post('/funds/:site{[A-Z]{3,6}}/rates', async (c) => {
    const { form } = await formWithFiles(c);
    const rate = parseRate(form.rate ?? '');
    if (rate === null) return ratesPage(c, form, { rate: translator(c.get('locale'))('field_invalid') }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordExchangeRate(ctx, { currency: (form.currency ?? '').trim().toUpperCase(), rateOn: form.rateOn ?? '', unitsPerUsdMicro: rate, source: form.source ?? '' }));
      return c.redirect(`/funds/${c.req.param('site')}/rates`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return ratesPage(c, form, refusal.errors, refusal.status);
    }
  });
  pages.get('/funds/:site{[A-Z]{3,6}}/committee', (c) => committeePage(c));
  pages.post('/funds/:site{[A-Z]{3,6}}/committee/members', async (c) => {
    const { form } = await formWithFiles(c);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => appointMember(ctx, { site: c.req.param('site'), personName: form.personName ?? '', groupCode: form.groupCode ?? '', termStart: form.termStart ?? '', termEnd: form.termEnd ?? '' }));
      return c.redirect(`/funds/${c.req.param('site')}/committee?saved=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return committeePage(c, refusal.errors, refusal.status);
    }
  });
  pages.post('/funds/:site{[A-Z]{3,6}}/committee/rules', async (c) => {
    const { form } = await formWithFiles(c);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        setCommitteeRules(ctx, {
          site: c.req.param('site'),
          quorumBasisPoints: basisPoints(form.quorum),
          majorityBasisPoints: basisPoints(form.majority),
          requiredGroups: (form.requiredGroups ?? '').split(/[,\s]+/).filter(Boolean),
          publishMemberNames: form.publishMemberNames === '1',
        }),
      );
      return c.redirect(`/funds/${c.req.param('site')}/committee?saved=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return committeePage(c, refusal.errors, refusal.status);
    }
  });
}
