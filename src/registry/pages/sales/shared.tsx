import { formatDate } from '../../../core/i18n/format.ts';
import type { Locale, Params } from '../../../core/i18n/index.ts';
import { StatusTag } from '../../../web/components.tsx';
import { salesPageText, salesText, type SalesMessage, type SalesPageMessage } from '../../messages/sales.ts';
import type { Order, OrderStatus } from '../../queries/sales.ts';

export const pageText = (locale: Locale) => (key: SalesPageMessage, params?: Params) => salesPageText.t(locale, key, params);
export const salesWords = (locale: Locale) => (key: SalesMessage, params?: Params) => salesText.t(locale, key, params);

export const registryCrumb = (locale: Locale) => ({ href: '/registry', label: pageText(locale)('registry') });
export const ordersCrumb = (locale: Locale) => ({ href: '/registry/orders', label: pageText(locale)('orders_title') });

/** A percentage with at most two decimals (`10`, `2.5`, `2,5`) to basis points; null outside 0–100 %. */
export function parsePercent(text: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(text.replace(/[\s%]/g, ''));
  if (!match) return null;
  const basisPoints = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return basisPoints <= 10_000 ? basisPoints : null;
}

const statusTone = { awaiting_payment: 'yellow', paid: 'green', expired: 'grey' } as const;

export function OrderStatusTag({ locale, status }: { locale: Locale; status: OrderStatus }) {
  return <StatusTag tone={statusTone[status]}>{salesWords(locale)(`status_${status}`)}</StatusTag>;
}

export const creditsOf = (locale: Locale, order: Order) =>
  pageText(locale)('credits_value', { mineral: order.mineralLabel[locale], vintage: order.vintage, site: `${order.siteName} (${order.siteCode})` });

export const payByOf = (locale: Locale, order: Order) => formatDate(locale, order.expiresAt);

