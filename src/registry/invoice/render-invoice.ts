import fs from 'node:fs';
import { renderPdf } from '../../core/pdf.ts';
import { formatDate, formatMoney, formatNumber, formatTonnes } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { salesText, type SalesMessage } from '../messages/sales.ts';
import type { Order } from '../queries/sales.ts';

const template = fs.readFileSync(new URL('./invoice.typ', import.meta.url), 'utf8');

/** Who issues the invoice: the organisation that holds the registry's issuance account. */
export type InvoiceIssuer = { name: string };

/** The registry fee as a percentage in the reader's language: 1,000 basis points → “10%” / “10 %”. */
export const formatFeePercent = (locale: Locale, basisPoints: number) => formatNumber(locale, basisPoints / 10_000, { style: 'percent', maximumFractionDigits: 2 });

/**
 * What the invoice template prints, every text and figure already in the reader's language: the
 * template lays them out and formats nothing itself.
 */
export function invoiceData(order: Order, issuer: InvoiceIssuer, locale: Locale) {
  const t = (key: SalesMessage, params?: Record<string, string | number>) => salesText.t(locale, key, params);
  const money = (minor: number) => formatMoney(locale, minor, order.currency);
  const mineral = order.mineralLabel[locale].toLocaleLowerCase(locale);
  const site = `${order.siteName} (${order.siteCode})`;
  const payBy = formatDate(locale, order.expiresAt);
  const facts = [
    { label: t('invoice_number'), value: order.invoiceNumber },
    { label: t('invoice_date'), value: formatDate(locale, order.createdAt) },
    { label: t('invoice_pay_by'), value: payBy },
    { label: t('invoice_payment_reference'), value: order.invoiceNumber },
    ...(order.buyerReference ? [{ label: t('invoice_buyer_reference'), value: order.buyerReference }] : []),
  ];
  const notes = [
    order.payment ? t('invoice_paid', { date: formatDate(locale, order.payment.receivedOn), reference: order.payment.reference }) : t('invoice_payment_note', { reference: order.invoiceNumber, date: payBy }),
    t('invoice_credit_note', { mineral }),
  ];
  return {
    lang: locale,
    title: t('invoice_title'),
    number: order.invoiceNumber,
    issuer: { label: t('invoice_issuer'), name: issuer.name, role: t('invoice_issuer_role') },
    billTo: { label: t('invoice_bill_to'), lines: [order.organisationName, order.accountLegalName, t('invoice_account', { account: `${order.accountName} (${order.accountId})` })] },
    facts,
    table: {
      headers: [t('invoice_description'), t('invoice_quantity'), t('invoice_price'), t('invoice_amount')],
      rows: [[t('invoice_line', { mineral, vintage: order.vintage, site }), formatTonnes(locale, order.quantityKg), money(order.pricePerTonneMinor), money(order.amountMinor)]],
    },
    totals: [
      { label: t('invoice_total'), value: money(order.amountMinor), strong: true },
      { label: t('invoice_of_which_premium', { site }), value: money(order.premiumMinor), strong: false },
      { label: t('invoice_of_which_fee', { percent: formatFeePercent(locale, order.registryFeeBasisPoints) }), value: money(order.feeMinor), strong: false },
    ],
    notes,
  };
}

/** The invoice of an order as a PDF, in the reader's language. */
export function renderInvoice(order: Order, issuer: InvoiceIssuer, locale: Locale): Buffer {
  return renderPdf(template, invoiceData(order, issuer, locale));
}
