import type { Context } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { salesText } from '../messages/sales.ts';
import { invoiceIssuer, orderForReader } from '../queries/sales.ts';
import { renderInvoice } from './render-invoice.ts';

/** The invoice of an order as a PDF response in the reader's language, for its buyer and the secretariat (404 for anyone else). */
export async function invoicePdfResponse(c: Context<AppEnv>, orderId: number): Promise<Response> {
  const db = c.get('deps').db;
  const order = await orderForReader(db, c.get('actor'), orderId, new Date());
  const issuer = await invoiceIssuer(db);
  const locale = c.get('locale');
  const pdf = renderInvoice(order, { name: issuer?.name ?? '' }, locale);
  return c.body(new Uint8Array(pdf), 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `inline; filename="${salesText.t(locale, 'invoice_filename')}-${order.invoiceNumber}.pdf"`,
    'Cache-Control': 'private, no-store',
  });
}
