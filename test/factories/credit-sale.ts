import { isoDateOf } from '../../src/core/calendar.ts';
import { runCommand } from '../../src/journal/commands.ts';
import { issueBatch } from '../../src/registry/commands/issue-batch.ts';
import { retireCredits } from '../../src/registry/commands/retire-credits.ts';
import { placeOrder } from '../../src/registry/commands/sales/place-order.ts';
import { recordPayment } from '../../src/registry/commands/sales/record-payment.ts';
import { setCreditPrice } from '../../src/registry/commands/sales/set-credit-price.ts';
import type { TestContext } from '../harness.ts';
import { system } from '../harness.ts';
import { actorOf, insertSignedStatement, openApprovedAccount } from './registry.ts';

/**
 * A buyer's whole way through the registry, made by the registry's own commands: 2024 cobalt
 * credits issued at a new site, a manual price, an order of `boughtKg` paid by the secretariat,
 * and `retiredKg` of them retired for the buyer's 2024 use. Needs the secretariat's organisation.
 */
export async function buyAndRetireCredits(t: Pick<TestContext, 'db' | 'buildOrganisation'>, buyer: { id: number; code: string }, props: { boughtKg: number; retiredKg: number; beneficiary: string }) {
  const { statement, site } = await insertSignedStatement(t, { responsibleKg: props.boughtKg * 2, periodStart: '2024-01-01', periodEnd: '2024-12-31' });
  await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg: props.boughtKg * 2 }));
  await runCommand(t.db, system, (ctx) => setCreditPrice(ctx, { mineral: 'cobalt', vintage: 2024, currency: 'USD', rule: 'manual', pricePerTonneMinor: 250_00, reason: 'test price', registryFeeBasisPoints: 1_000 }));
  const account = await openApprovedAccount(t.db, buyer);
  const buyerActor = actorOf(buyer, 'buyer');
  const order = await runCommand(t.db, buyerActor, (ctx) => placeOrder(ctx, { accountId: account.id, siteId: site.id, mineral: 'cobalt', vintage: 2024, quantityKg: props.boughtKg, currency: 'USD' }));
  await runCommand(t.db, system, (ctx) => recordPayment(ctx, { orderId: order.id, amountMinor: order.amountMinor, currency: 'USD', receivedOn: isoDateOf(new Date()), reference: `BANK-${order.id}` }));
  const retirement = await runCommand(t.db, buyerActor, (ctx) =>
    retireCredits(ctx, { accountId: account.id, quantityKg: props.retiredKg, beneficiary: props.beneficiary, claimPeriodStart: '2024-01-01', claimPeriodEnd: '2024-12-31', covers: 'total use' }),
  );
  return { order, retirement };
}
