import { authorize } from '../../core/auth/policies.ts';
import { eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { registryError } from '../messages/ledger.ts';
import { creditAccounts } from '../schema.ts';
import { lockAccounts, type CreditAccount } from './ledger.ts';

/**
 * An admin suspends a holding account: it can then neither send nor receive credits (nor retire
 * them) until an admin approves it again. What it holds stays in it. The issuance account cannot
 * be suspended.
 */
export async function suspendAccount(ctx: CommandContext, props: { accountId: number }): Promise<CreditAccount> {
  authorize(ctx.actor, 'registry.account.approve');
  const account = (await lockAccounts(ctx, [props.accountId])).get(props.accountId)!;
  if (account.kind === 'issuance') throw registryError('issuance_account_cannot_be_suspended', 422, {}, { accountId: account.id });
  if (account.status === 'suspended') throw registryError('account_already_suspended', 409, { id: account.id }, { accountId: account.id });
  const [suspended] = await ctx.tx.update(creditAccounts).set({ status: 'suspended', suspendedAt: ctx.now }).where(eq(creditAccounts.id, account.id)).returning();
  await appendEvent(ctx, {
    type: 'registry.account_suspended',
    subject: `credit-account:${account.id}`,
    payload: { accountId: account.id, organisation: account.organisationCode, previousStatus: account.status },
  });
  return { ...suspended!, organisationCode: account.organisationCode };
}
