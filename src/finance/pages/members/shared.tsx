import type { Child } from 'hono/jsx';
import { formatDate, formatMoney, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale, Params } from '../../../core/i18n/index.ts';
import { DataTable, EmptyState, StatusTag } from '../../../web/components.tsx';
import { basisText } from '../../invoice/render-contribution-call.ts';
import { categoryText, membersText, ruleText, statusText, type MembersMessage } from '../../messages/members.ts';
import type { Balance, CallWithPayments, MemberDetail } from '../../queries/members.ts';
import { contributionRules, membershipCategories, membershipStatuses } from '../../schema.ts';

export const pageText = (locale: Locale) => (key: MembersMessage, params?: Params) => membersText.t(locale, key, params);

export const membersCrumb = (locale: Locale) => ({ href: '/finance/members', label: pageText(locale)('members_title') });

export const categoryOptions = (locale: Locale) => membershipCategories.map((value) => ({ value, label: categoryText.t(locale, value) }));
export const ruleOptions = (locale: Locale) => contributionRules.map((value) => ({ value, label: ruleText.t(locale, value) }));
export const statusOptions = (locale: Locale) => membershipStatuses.map((value) => ({ value, label: statusText.t(locale, value) }));

const statusTone = { active: 'green', suspended: 'yellow', left: 'grey' } as const;

export function MembershipStatusTag({ locale, status }: { locale: Locale; status: keyof typeof statusTone }) {
  return <StatusTag tone={statusTone[status]}>{statusText.t(locale, status)}</StatusTag>;
}

/** A call's state in words and colour: paid, part paid, to be paid, or in arrears once past due. */
export function CallStatusTag({ locale, call }: { locale: Locale; call: CallWithPayments }) {
  const t = pageText(locale);
  if (call.outstandingMinor === 0) return <StatusTag tone="green">{t('call_paid')}</StatusTag>;
  if (call.inArrears) return <StatusTag tone="red">{t('call_in_arrears')}</StatusTag>;
  return call.paidMinor > 0 ? <StatusTag tone="yellow">{t('call_part_paid')}</StatusTag> : <StatusTag tone="blue">{t('call_unpaid')}</StatusTag>;
}

type Fact = { label: string; value: Child };

export function FactsTable({ locale, caption, facts }: { locale: Locale; caption: string; facts: Fact[] }) {
  const t = pageText(locale);
  return <DataTable caption={caption} rows={facts} columns={[{ header: t('col_item'), cell: (f) => f.label }, { header: t('col_value'), cell: (f) => f.value }]} />;
}

export function BalancesTable({ locale, caption, balances }: { locale: Locale; caption: string; balances: Balance[] }) {
  const t = pageText(locale);
  const money = (currency: string, minor: number) => formatMoney(locale, minor, currency);
  return (
    <DataTable
      caption={caption}
      rows={balances}
      columns={[
        { header: t('col_currency'), cell: (b) => b.currency },
        { header: t('col_called'), cell: (b) => money(b.currency, b.calledMinor), numeric: true },
        { header: t('col_paid'), cell: (b) => money(b.currency, b.paidMinor), numeric: true },
        { header: t('col_outstanding'), cell: (b) => money(b.currency, b.outstandingMinor), numeric: true },
        { header: t('col_arrears'), cell: (b) => money(b.currency, b.arrearsMinor), numeric: true },
      ]}
    />
  );
}

/** A membership's facts, its balances, its calls with their invoices and its payments: what both the secretariat and the member see. */
export function MemberRecord({ locale, member, admin }: { locale: Locale; member: MemberDetail; admin: boolean }) {
  const t = pageText(locale);
  const money = (call: CallWithPayments, minor: number) => formatMoney(locale, minor, call.currency);
  const payments = member.calls.flatMap((call) => call.payments.map((payment) => ({ ...payment, number: call.number })));
  return (
    <>
      <FactsTable
        locale={locale}
        caption={t('member_facts_caption')}
        facts={[
          { label: t('fact_category'), value: categoryText.t(locale, member.category) },
          { label: t('fact_status'), value: <MembershipStatusTag locale={locale} status={member.status} /> },
          { label: t('fact_since'), value: formatDate(locale, member.memberSince) },
          { label: t('fact_rule'), value: ruleText.t(locale, member.rule) },
          ...(member.declaredCobaltKg === null ? [] : [{ label: t('fact_declared'), value: formatTonnes(locale, member.declaredCobaltKg) }]),
        ]}
      />
      {member.balances.length > 0 && <BalancesTable locale={locale} caption={t('balances_caption')} balances={member.balances} />}
      <h2 id="calls">{t('calls_title')}</h2>
      {member.calls.length === 0 ? (
        <EmptyState title={t('no_calls')} next={admin ? t('no_calls_next_admin') : t('no_calls_next_member')} />
      ) : (
        <DataTable
          caption={t('calls_caption')}
          rows={member.calls}
          columns={[
            { header: t('col_call'), cell: (call) => <a href={`/finance/contributions/${call.number}/invoice.pdf`}>{t('invoice_link', { number: call.number })}</a> },
            { header: t('col_year'), cell: (call) => String(call.year) },
            { header: t('col_amount'), cell: (call) => money(call, call.amountMinor), numeric: true },
            { header: t('col_computed'), cell: (call) => basisText(locale, call.basis) },
            { header: t('col_due'), cell: (call) => formatDate(locale, call.dueOn) },
            { header: t('col_paid'), cell: (call) => money(call, call.paidMinor), numeric: true },
            { header: t('col_outstanding'), cell: (call) => money(call, call.outstandingMinor), numeric: true },
            { header: t('col_status'), cell: (call) => <CallStatusTag locale={locale} call={call} /> },
          ]}
        />
      )}
      <h2 id="payments">{t('payments_title')}</h2>
      {payments.length === 0 ? (
        <p>{t('no_payments')}</p>
      ) : (
        <DataTable
          caption={t('payments_caption')}
          rows={payments}
          columns={[
            { header: t('col_received_on'), cell: (p) => formatDate(locale, p.receivedOn) },
            { header: t('col_call'), cell: (p) => p.number },
            { header: t('col_amount'), cell: (p) => formatMoney(locale, p.amountMinor, p.currency), numeric: true },
            { header: t('col_reference'), cell: (p) => p.reference },
          ]}
        />
      )}
    </>
  );
}
