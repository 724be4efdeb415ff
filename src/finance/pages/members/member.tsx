import type { Context, Hono } from 'hono';
import { authorize, can } from '../../../core/auth/policies.ts';
import { isoDateOf } from '../../../core/calendar.ts';
import { formatMoney } from '../../../core/i18n/format.ts';
import { moneyInput, parseMoney, parseTypedTonnes, tonnesInput } from '../../../core/quantities.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, ErrorSummary, Field, SelectField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { formOf, refusalOnForm, type Form } from '../../../web/forms.ts';
import { renderPage } from '../../../web/layout.tsx';
import { recordContributionPayment } from '../../commands/members/record-contribution-payment.ts';
import { updateMembership } from '../../commands/members/update-membership.ts';
import { memberForReader, type MemberDetail } from '../../queries/members.ts';
import { categoryOptions, MemberRecord, membersCrumb, pageText, ruleOptions, statusOptions } from './shared.tsx';

type FormState = { values: Form; errors: FieldErrors };
const blank: FormState = { values: {}, errors: {} };

function PaymentForm({ c, member, form }: { c: Context<AppEnv>; member: MemberDetail; form: FormState }) {
  const locale = c.get('locale');
  const t = pageText(locale);
  const open = member.calls.filter((call) => call.outstandingMinor > 0);
  if (open.length === 0) return null;
  const first = open[0]!;
  return (
    <section>
      <h2 id="record-payment">{t('record_payment_title')}</h2>
      <p>{t('record_payment_lead')}</p>
      <form method="post" action={`/finance/members/${member.organisationCode}/payments`} novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <SelectField
          name="call"
          label={t('call_label')}
          options={open.map((call) => ({ value: call.number, label: t('call_option', { number: call.number, year: call.year, outstanding: formatMoney(locale, call.outstandingMinor, call.currency) }) }))}
          value={form.values.call}
          error={form.errors.call}
        />
        <Field name="amount" label={t('amount_label')} hint={t('amount_hint')} value={form.values.amount ?? moneyInput(first.outstandingMinor, first.currency)} error={form.errors.amount} />
        <Field name="receivedOn" type="date" label={t('received_on_label')} value={form.values.receivedOn ?? isoDateOf(new Date())} error={form.errors.receivedOn} />
        <Field name="reference" label={t('bank_reference_label')} hint={t('bank_reference_hint')} value={form.values.reference} error={form.errors.reference} />
        <button class="button" type="submit">
          {t('record_payment_button')}
        </button>
      </form>
    </section>
  );
}

function UpdateForm({ c, member, form }: { c: Context<AppEnv>; member: MemberDetail; form: FormState }) {
  const locale = c.get('locale');
  const t = pageText(locale);
  return (
    <section>
      <h2 id="update-membership">{t('update_title')}</h2>
      <form method="post" action={`/finance/members/${member.organisationCode}/membership`} novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <SelectField name="status" label={t('status_label')} options={statusOptions(locale)} value={form.values.status ?? member.status} error={form.errors.status} />
        <SelectField name="category" label={t('category_label')} options={categoryOptions(locale)} value={form.values.category ?? member.category} error={form.errors.category} />
        <SelectField name="rule" label={t('rule_label')} options={ruleOptions(locale)} value={form.values.rule ?? member.rule} error={form.errors.rule} />
        <Field name="declaredTonnes" label={t('declared_label')} hint={t('declared_hint')} value={form.values.declaredTonnes ?? (member.declaredCobaltKg === null ? '' : tonnesInput(member.declaredCobaltKg))} error={form.errors.declaredTonnes} />
        <button class="button button-secondary" type="submit">
          {t('update_button')}
        </button>
      </form>
    </section>
  );
}

const memberOf = (c: Context<AppEnv>) => memberForReader(c.get('deps').db, c.get('actor'), c.req.param('code') ?? '', isoDateOf(new Date()));

async function memberPage(c: Context<AppEnv>, forms: { payment?: FormState; update?: FormState } = {}, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const member = await memberOf(c);
  const locale = c.get('locale');
  const t = pageText(locale);
  const admin = can(c.get('actor'), 'finance.manage');
  const payment = forms.payment ?? blank;
  const update = forms.update ?? blank;
  const title = t('member_title', { organisation: member.organisationName });
  const panel = c.req.query('added') ? t('added_panel') : c.req.query('paid') ? t('paid_panel') : c.req.query('updated') ? t('updated_panel') : null;
  return renderPage(
    c,
    {
      title,
      breadcrumbs: admin ? [membersCrumb(locale)] : [],
      children: (
        <>
          {panel && (
            <div class="panel" role="status">
              {panel}
            </div>
          )}
          <h1>{title}</h1>
          <ErrorSummary locale={locale} errors={{ ...payment.errors, ...update.errors }} />
          <MemberRecord locale={locale} member={member} admin={admin} />
          {admin && <PaymentForm c={c} member={member} form={payment} />}
          {admin && <UpdateForm c={c} member={member} form={update} />}
          {admin && (
            <p>
              <a href="/finance/members">{t('all_members')}</a>
            </p>
          )}
        </>
      ),
    },
    status,
  );
}

const code = '/finance/members/:code{[a-z0-9][a-z0-9-]{0,31}}';

/** One member: its record for the secretariat (with the forms that record payments and change it) or for its own users. */
export function registerMemberPages(pages: Hono<AppEnv>) {
  pages.get(code, (c) => memberPage(c));

  pages.post(`${code}/payments`, async (c) => {
    authorize(c.get('actor'), 'finance.manage');
    const member = await memberOf(c);
    const values = await formOf(c);
    const call = member.calls.find((candidate) => candidate.number === values.call);
    const currency = call?.currency ?? 'USD';
    const amountMinor = parseMoney(values.amount ?? '', currency);
    if (amountMinor === null) return memberPage(c, { payment: { values, errors: { amount: pageText(c.get('locale'))('amount_field_invalid') } } }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        recordContributionPayment(ctx, { call: values.call ?? '', amountMinor, currency, receivedOn: (values.receivedOn ?? '').trim(), reference: values.reference ?? '' }),
      );
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { payment_exceeds_outstanding: 'amount', payment_amount_invalid: 'amount', payment_received_on_invalid: 'receivedOn', payment_reference_required: 'reference', payment_duplicate: 'reference', call_not_found: 'call' });
      return memberPage(c, { payment: { values, errors: refusal.errors } }, refusal.status);
    }
    return c.redirect(`/finance/members/${member.organisationCode}?paid=1#payments`, 303);
  });

  pages.post(`${code}/membership`, async (c) => {
    authorize(c.get('actor'), 'finance.manage');
    const member = await memberOf(c);
    const values = await formOf(c);
    const declaredText = (values.declaredTonnes ?? '').trim();
    const declaredCobaltKg = declaredText === '' ? null : parseTypedTonnes(declaredText);
    if (declaredText !== '' && declaredCobaltKg === null) return memberPage(c, { update: { values, errors: { declaredTonnes: pageText(c.get('locale'))('tonnes_field_invalid') } } }, 400);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        updateMembership(ctx, { organisation: member.organisationCode, status: values.status ?? '', category: values.category ?? '', rule: values.rule ?? '', declaredCobaltKg }),
      );
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { membership_status_invalid: 'status', category_invalid: 'category', rule_invalid: 'rule', declared_use_required: 'declaredTonnes', declared_use_invalid: 'declaredTonnes' });
      return memberPage(c, { update: { values, errors: refusal.errors } }, refusal.status);
    }
    return c.redirect(`/finance/members/${member.organisationCode}?updated=1`, 303);
  });
}
