import { authorize } from '../../core/auth/policies.ts';
import { eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { registryError } from '../messages/ledger.ts';
import { creditAccounts } from '../schema.ts';
import { lockAccounts, type CreditAccount } from './ledger.ts';

/**
 * An admin approves a holding account once the know-your-customer details are checked, or
 * reinstates a suspended one: from then on it can send and receive credits.
 */
export async function approveAccount(ctx: CommandContext, props: { accountId: number }): Promise<CreditAccount> {
  authorize(ctx.actor, 'registry.account.approve');
  const account = (await lockAccounts(ctx, [props.accountId])).get(props.accountId)!;
  if (account.status === 'approved') throw registryError('account_already_approved', 409, { id: account.id }, { accountId: account.id });
  const [approved] = await ctx.tx.update(creditAccounts).set({ status: 'approved', approvedAt: ctx.now, suspendedAt: null }).where(eq(creditAccounts.id, account.id)).returning();
  await appendEvent(ctx, {
    type: 'registry.account_approved',
    subject: `credit-account:${account.id}`,
    payload: { accountId: account.id, organisation: account.organisationCode, previousStatus: account.status },
  });
  return { ...approved!, organisationCode: account.organisationCode };
}
