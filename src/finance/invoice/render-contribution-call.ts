import fs from 'node:fs';
import { formatDate, formatMoney, formatTonnes } from '../../core/i18n/format.ts';
import type { Locale, Params } from '../../core/i18n/index.ts';
import { renderPdf } from '../../core/pdf.ts';
import type { ContributionBasis } from '../contribution-rule.ts';
import { categoryText, membersText, type MembersMessage } from '../messages/members.ts';
import type { CallWithPayments } from '../queries/members.ts';

const template = fs.readFileSync(new URL('./contribution-call.typ', import.meta.url), 'utf8');

/** How a call's amount was computed, in the reader's language: the category's fixed amount, or the declared tonnes times the rate between floor and cap. */
export function basisText(locale: Locale, basis: ContributionBasis): string {
  const money = (minor: number) => formatMoney(locale, minor, basis.currency);
  const category = categoryText.t(locale, basis.category);
  if (basis.rule === 'category_fixed') return membersText.t(locale, 'basis_fixed', { category, year: basis.year });
  return membersText.t(locale, 'basis_scaled', {
    tonnes: formatTonnes(locale, basis.declaredCobaltKg),
    perTonne: money(basis.perTonneMinor),
    scaled: money(basis.scaledMinor),
    floor: money(basis.floorMinor),
    cap: money(basis.capMinor),
  });
}

/** What the contribution-call template prints, every text and figure already in the reader's language. */
export function contributionCallData(call: CallWithPayments, issuer: string, locale: Locale) {
  const t = (key: MembersMessage, params?: Params) => membersText.t(locale, key, params);
  const money = (minor: number) => formatMoney(locale, minor, call.currency);
  const due = formatDate(locale, call.dueOn);
  return {
    lang: locale,
    title: t('invoice_title'),
    number: call.number,
    issuer: { label: t('invoice_issuer'), name: issuer, role: t('invoice_issuer_role') },
    billTo: { label: t('invoice_bill_to'), lines: [call.organisationName, t('invoice_member_since', { date: formatDate(locale, call.memberSince), category: categoryText.t(locale, call.basis.category) })] },
    facts: [
      { label: t('invoice_number'), value: call.number },
      { label: t('invoice_date'), value: formatDate(locale, call.issuedOn) },
      { label: t('invoice_due'), value: due },
      { label: t('invoice_reference'), value: call.number },
    ],
    table: {
      headers: [t('invoice_description'), t('invoice_computation'), t('invoice_amount')],
      rows: [[t('invoice_line', { year: call.year }), basisText(locale, call.basis), money(call.amountMinor)]],
    },
    totals: [
      { label: t('invoice_total'), value: money(call.amountMinor), strong: call.paidMinor === 0 },
      ...(call.paidMinor > 0
        ? [
            { label: t('invoice_paid_so_far'), value: money(call.paidMinor), strong: false },
            { label: t('invoice_left'), value: money(call.outstandingMinor), strong: true },
          ]
        : []),
    ],
    notes: [t('invoice_payment_note', { date: due, number: call.number }), t('invoice_unrestricted_note')],
  };
}

/** A contribution call's invoice as a PDF, in the reader's language, through the same Typst path as the registry's invoices. */
export function renderContributionCall(call: CallWithPayments, issuer: string, locale: Locale): Buffer {
  return renderPdf(template, contributionCallData(call, issuer, locale));
}
