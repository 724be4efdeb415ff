import type { Context, Hono } from 'hono';
import { listOrganisations } from '../../../accounts/public.ts';
import { authorize } from '../../../core/auth/policies.ts';
import { isoDateOf } from '../../../core/calendar.ts';
import { formatDate, formatMoney, formatNumber } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { parseMoney, parseTypedTonnes } from '../../../core/quantities.ts';
import { runCommand } from '../../../journal/public.ts';
import { CardGrid, CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, SummaryCard, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { formOf, refusalOnForm, type Form } from '../../../web/forms.ts';
import { renderPage } from '../../../web/layout.tsx';
import { createMembership } from '../../commands/members/create-membership.ts';
import { issueContributionCalls } from '../../commands/members/issue-contribution-calls.ts';
import { setContributionRate } from '../../commands/members/set-contribution-rate.ts';
import { categoryText, ruleText } from '../../messages/members.ts';
import { listContributionRates, listMembers, totalBalances, type MemberSummary } from '../../queries/members.ts';
import { BalancesTable, categoryOptions, MembershipStatusTag, pageText, ruleOptions } from './shared.tsx';

type FormState = { values: Form; errors: FieldErrors };
const blank: FormState = { values: {}, errors: {} };

function MembersTable({ locale, members }: { locale: Locale; members: MemberSummary[] }) {
  const t = pageText(locale);
  const sum = (member: MemberSummary, key: 'calledMinor' | 'paidMinor' | 'outstandingMinor' | 'arrearsMinor') =>
    member.balances.length === 0 ? '—' : member.balances.map((b) => formatMoney(locale, b[key], b.currency)).join(', ');
  return (
    <DataTable
      caption={t('members_caption')}
      rows={members}
      columns={[
        { header: t('col_member'), cell: (m) => <a href={`/finance/members/${m.organisationCode}`}>{m.organisationName}</a> },
        { header: t('col_category'), cell: (m) => categoryText.t(locale, m.category) },
        { header: t('col_status'), cell: (m) => <MembershipStatusTag locale={locale} status={m.status} /> },
        { header: t('col_since'), cell: (m) => formatDate(locale, m.memberSince) },
        { header: t('col_rule'), cell: (m) => ruleText.t(locale, m.rule) },
        { header: t('col_called'), cell: (m) => sum(m, 'calledMinor'), numeric: true },
        { header: t('col_paid'), cell: (m) => sum(m, 'paidMinor'), numeric: true },
        { header: t('col_arrears'), cell: (m) => sum(m, 'arrearsMinor'), numeric: true },
      ]}
    />
  );
}

async function membersPage(c: Context<AppEnv>, forms: { member?: FormState; rate?: FormState; calls?: FormState } = {}, status: 200 | 400 | 404 | 409 | 422 = 200) {
  authorize(c.get('actor'), 'finance.members.list');
  const locale = c.get('locale');
  const t = pageText(locale);
  const db = c.get('deps').db;
  const today = isoDateOf(new Date());
  const members = await listMembers(db, today);
  const rates = await listContributionRates(db);
  const totals = totalBalances(members);
  const memberIds = new Set(members.map((m) => m.organisationId));
  const candidates = (await listOrganisations(db)).filter((o) => o.kind !== 'secretariat' && !memberIds.has(o.id));
  const member = forms.member ?? blank;
  const rate = forms.rate ?? blank;
  const calls = forms.calls ?? blank;
  const errors = { ...member.errors, ...rate.errors, ...calls.errors };
  const panel = c.req.query('added') ? t('added_panel') : c.req.query('rates') ? t('rates_panel') : c.req.query('calls') ? t('calls_panel', { count: Number(c.req.query('calls')) }) : null;
  const year = new Date().getUTCFullYear();
  return renderPage(
    c,
    {
      title: t('members_title'),
      children: (
        <>
          {panel && (
            <div class="panel" role="status">
              {panel}
            </div>
          )}
          <h1>{t('members_title')}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          <p class="lead">{t('members_lead')}</p>
          <CardGrid>
            <SummaryCard figure={formatNumber(locale, members.filter((m) => m.status === 'active').length)} label={t('card_active_members')} />
            {totals.map((total) => (
              <SummaryCard figure={formatMoney(locale, total.arrearsMinor, total.currency)} label={t('card_arrears', { currency: total.currency })} small />
            ))}
          </CardGrid>
          {members.length === 0 ? <EmptyState title={t('no_members')} next={t('no_members_next')} /> : <MembersTable locale={locale} members={members} />}
          {totals.length > 0 && <BalancesTable locale={locale} caption={t('balances_caption')} balances={totals} />}
          <h2 id="rates">{t('rates_title')}</h2>
          <p>{t('rates_lead')}</p>
          {rates.length === 0 ? (
            <p>{t('no_rates')}</p>
          ) : (
            <DataTable
              caption={t('rates_caption')}
              rows={rates}
              columns={[
                { header: t('col_year'), cell: (r) => String(r.year) },
                { header: t('col_category'), cell: (r) => categoryText.t(locale, r.category) },
                { header: t('col_fixed'), cell: (r) => formatMoney(locale, r.fixedAmountMinor, r.currency), numeric: true },
                { header: t('col_per_tonne'), cell: (r) => formatMoney(locale, r.perTonneMinor, r.currency), numeric: true },
                { header: t('col_floor'), cell: (r) => formatMoney(locale, r.floorMinor, r.currency), numeric: true },
                { header: t('col_cap'), cell: (r) => formatMoney(locale, r.capMinor, r.currency), numeric: true },
              ]}
            />
          )}
          <section>
            <h2 id="issue-calls">{t('issue_calls_title')}</h2>
            <p>{t('issue_calls_lead')}</p>
            <form method="post" action="/finance/members/calls" novalidate>
              <CsrfField token={c.get('csrfToken')} />
              <Field name="callYear" type="number" label={t('year_label')} value={calls.values.callYear ?? String(year)} error={calls.errors.callYear} />
              <Field name="dueOn" type="date" label={t('due_label')} hint={t('due_hint')} value={calls.values.dueOn ?? `${year}-03-31`} error={calls.errors.dueOn} />
              <button class="button" type="submit">
                {t('issue_calls_button')}
              </button>
            </form>
          </section>
          <section>
            <h2 id="add-member">{t('add_member_title')}</h2>
            <form method="post" action="/finance/members" novalidate>
              <CsrfField token={c.get('csrfToken')} />
              <SelectField name="organisation" label={t('organisation_label')} options={candidates.map((o) => ({ value: o.code, label: o.name }))} value={member.values.organisation} error={member.errors.organisation} />
              <SelectField name="category" label={t('category_label')} options={categoryOptions(locale)} value={member.values.category} error={member.errors.category} />
              <Field name="memberSince" type="date" label={t('since_label')} hint={t('since_hint')} value={member.values.memberSince} error={member.errors.memberSince} />
              <SelectField name="rule" label={t('rule_label')} options={ruleOptions(locale)} value={member.values.rule} error={member.errors.rule} />
              <Field name="declaredTonnes" label={t('declared_label')} hint={t('declared_hint')} value={member.values.declaredTonnes} error={member.errors.declaredTonnes} />
              <button class="button" type="submit">
                {t('add_member_button')}
              </button>
            </form>
          </section>
          <section>
            <h2 id="set-rate">{t('set_rate_title')}</h2>
            <p>{t('set_rate_hint')}</p>
            <form method="post" action="/finance/members/rates" novalidate>
              <CsrfField token={c.get('csrfToken')} />
              <Field name="rateYear" type="number" label={t('year_label')} value={rate.values.rateYear ?? String(year)} error={rate.errors.rateYear} />
              <SelectField name="rateCategory" label={t('category_label')} options={categoryOptions(locale)} value={rate.values.rateCategory} error={rate.errors.rateCategory} />
              <Field name="currency" label={t('currency_label')} value={rate.values.currency ?? 'USD'} error={rate.errors.currency} />
              <Field name="fixedAmount" label={t('fixed_label')} value={rate.values.fixedAmount} error={rate.errors.fixedAmount} />
              <Field name="perTonne" label={t('per_tonne_label')} value={rate.values.perTonne} error={rate.errors.perTonne} />
              <Field name="floor" label={t('floor_label')} value={rate.values.floor} error={rate.errors.floor} />
              <Field name="cap" label={t('cap_label')} value={rate.values.cap} error={rate.errors.cap} />
              <button class="button" type="submit">
                {t('set_rate_button')}
              </button>
            </form>
          </section>
        </>
      ),
    },
    status,
  );
}

const yearOf = (text: string | undefined) => (/^\d{4}$/.test((text ?? '').trim()) ? Number(text) : null);

/** The secretariat's members page: the members with their arrears, the rates, and the forms that add members, set rates and issue calls. */
export function registerMembersListPages(pages: Hono<AppEnv>) {
  pages.get('/finance/members', (c) => membersPage(c));

  pages.post('/finance/members', async (c) => {
    authorize(c.get('actor'), 'finance.manage');
    const values = await formOf(c);
    const locale = c.get('locale');
    const declaredText = (values.declaredTonnes ?? '').trim();
    const declaredCobaltKg = declaredText === '' ? null : parseTypedTonnes(declaredText);
    if (declaredText !== '' && declaredCobaltKg === null) return membersPage(c, { member: { values, errors: { declaredTonnes: pageText(locale)('tonnes_field_invalid') } } }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        createMembership(ctx, { organisation: values.organisation ?? '', category: values.category ?? '', memberSince: (values.memberSince ?? '').trim(), rule: values.rule ?? '', declaredCobaltKg }),
      );
    } catch (error) {
      const refusal = refusalOnForm(error, locale, { member_since_invalid: 'memberSince', declared_use_required: 'declaredTonnes', declared_use_invalid: 'declaredTonnes', category_invalid: 'category', rule_invalid: 'rule', membership_exists: 'organisation', member_organisation_not_found: 'organisation' });
      return membersPage(c, { member: { values, errors: refusal.errors } }, refusal.status);
    }
    return c.redirect(`/finance/members/${values.organisation}?added=1`, 303);
  });

  pages.post('/finance/members/rates', async (c) => {
    authorize(c.get('actor'), 'finance.manage');
    const values = await formOf(c);
    const t = pageText(c.get('locale'));
    const currency = (values.currency ?? '').trim().toUpperCase();
    const amounts = { fixedAmount: values.fixedAmount, perTonne: values.perTonne, floor: values.floor, cap: values.cap };
    const parsed = Object.fromEntries(Object.entries(amounts).map(([name, text]) => [name, parseMoney(text ?? '', currency)])) as Record<keyof typeof amounts, number | null>;
    const errors: FieldErrors = {};
    const year = yearOf(values.rateYear);
    if (year === null) errors.rateYear = t('year_field_invalid');
    for (const [name, value] of Object.entries(parsed)) if (value === null) errors[name] = t('amount_field_invalid');
    if (Object.keys(errors).length > 0) return membersPage(c, { rate: { values, errors } }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        setContributionRate(ctx, { year: year!, category: values.rateCategory ?? '', currency, fixedAmountMinor: parsed.fixedAmount!, perTonneMinor: parsed.perTonne!, floorMinor: parsed.floor!, capMinor: parsed.cap! }),
      );
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { rate_year_invalid: 'rateYear', category_invalid: 'rateCategory', currency_invalid: 'currency', rate_amounts_invalid: 'cap', rate_in_use: 'rateCategory' });
      return membersPage(c, { rate: { values, errors: refusal.errors } }, refusal.status);
    }
    return c.redirect('/finance/members?rates=1#rates', 303);
  });

  pages.post('/finance/members/calls', async (c) => {
    authorize(c.get('actor'), 'finance.manage');
    const values = await formOf(c);
    const year = yearOf(values.callYear);
    if (year === null) return membersPage(c, { calls: { values, errors: { callYear: pageText(c.get('locale'))('year_field_invalid') } } }, 400);
    let issued: number;
    try {
      issued = (await runCommand(c.get('deps').db, c.get('actor'), (ctx) => issueContributionCalls(ctx, { year, dueOn: (values.dueOn ?? '').trim() }))).length;
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { call_year_invalid: 'callYear', call_dates_invalid: 'dueOn', calls_nothing_to_issue: 'callYear', rate_missing: 'callYear' });
      return membersPage(c, { calls: { values, errors: refusal.errors } }, refusal.status);
    }
    return c.redirect(`/finance/members?calls=${issued}`, 303);
  });
}
