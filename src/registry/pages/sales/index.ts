import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { registerNewOrderPages } from './new-order.tsx';
import { registerOrderPages } from './order.tsx';
import { registerOrdersListPage } from './orders.tsx';
import { registerPricesPages } from './prices.tsx';

/** Sales pages: the price schedule, buyers' orders and invoices, and the secretariat's payments. */
export function registerSalesPages(pages: Hono<AppEnv>): void {
  registerPricesPages(pages);
  registerOrdersListPage(pages);
  registerNewOrderPages(pages);
  registerOrderPages(pages);
}
