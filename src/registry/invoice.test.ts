import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { runCommand } from '../journal/public.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { placeOrder } from './commands/sales/place-order.ts';
import { recordPayment } from './commands/sales/record-payment.ts';
import { setCreditPrice } from './commands/sales/set-credit-price.ts';
import { renderInvoice } from './invoice/render-invoice.ts';
import { getOrder, invoiceIssuer, type Order } from './queries/sales.ts';

let t: TestContext;
let order: Order;
let siteCode: string;

/** One order of 2.5 t of 2023 cobalt credits at USD 5,000 a tonne, 10 % registry fee. */
beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat', code: 'fca', name: 'Fair Cobalt Alliance' });
  const buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone', name: 'Fairphone' });
  const account = await openApprovedAccount(t.db, buyer, 'Retirements 2023');
  const { statement, site } = await insertSignedStatement(t, { responsibleKg: 5_000, periodStart: '2023-01-01', periodEnd: '2023-12-31' });
  siteCode = site.code;
  await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg: 5_000 }));
  await runCommand(t.db, system, (ctx) => setCreditPrice(ctx, { mineral: 'cobalt', vintage: 2023, currency: 'USD', rule: 'manual', pricePerTonneMinor: 500_000, reason: 'Published price', registryFeeBasisPoints: 1_000 }));
  const placed = await runCommand(t.db, actorOf(buyer, 'buyer'), (ctx) =>
    placeOrder(ctx, { accountId: account.id, siteCode: site.code, mineral: 'cobalt', vintage: 2023, quantityKg: 2_500, buyerReference: 'PO-4711' }),
  );
  order = (await getOrder(t.db, placed.id, new Date()))!;
});
afterAll(() => t?.close());

const textOf = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString().replace(/[\u00a0\u202f]/g, ' ');

describe('The invoice PDF', () => {
  it('prints, in English, the issuer, the buyer, the line, the premium and fee, the date to pay by and the payment reference', async () => {
    const issuer = (await invoiceIssuer(t.db))!;
    expect(issuer.name).toBe('Fair Cobalt Alliance');
    const pdf = renderInvoice(order, issuer, 'en');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = textOf(pdf);
    for (const expected of [
      'Invoice',
      'Fair Cobalt Alliance',
      'Registry of Responsible Minerals Credits',
      'Bill to',
      'Fairphone',
      'fairphone SA',
      `Credits delivered to account Retirements 2023 (${order.accountId})`,
      order.invoiceNumber,
      `Responsible cobalt credits, vintage 2023, site`,
      `(${siteCode})`,
      '2.500 t',
      'USD 5,000.00',
      'USD 12,500.00',
      'Total due',
      'USD 11,250.00',
      'USD 1,250.00',
      'of which registry fee (10%)',
      'PO-4711',
      `Quote the payment reference ${order.invoiceNumber} with your bank transfer.`,
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).toMatch(/of which premium to the .* site fund/);
    const payBy = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' }).format(order.expiresAt);
    expect(text).toMatch(new RegExp(`Pay by\\s+${payBy}`));
    expect(text).not.toContain('contact@');
  });

  it('speaks French with French number formats', async () => {
    const text = textOf(renderInvoice(order, (await invoiceIssuer(t.db))!, 'fr'));
    for (const expected of ['Facture', 'Facturé à', 'Crédits de cobalt responsable, millésime 2023', '2,500 t', '5 000,00 USD', '12 500,00 USD', '11 250,00 USD', '1 250,00 USD', 'dont frais de registre (10 %)', 'Total à payer', 'À payer avant le']) {
      expect(text).toContain(expected);
    }
  });

  it('says when and how it was paid once paid', async () => {
    await runCommand(t.db, system, (ctx) => recordPayment(ctx, { orderId: order.id, amountMinor: order.amountMinor, currency: 'USD', receivedOn: '2025-08-14', reference: 'BNP-0815' }));
    const paid = (await getOrder(t.db, order.id, new Date()))!;
    const text = textOf(renderInvoice(paid, (await invoiceIssuer(t.db))!, 'en'));
    expect(text).toContain('Paid on 14 Aug 2025 (bank reference BNP-0815).');
    expect(text).not.toContain('Quote the payment reference');
  });
});
