import { eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { activityByCode, checkCostCategory, cleanText, grantFundsActivity } from '../grant-rules.ts';
import { financeGrants } from '../grants-schema.ts';
import { financeLedgerAccounts } from '../ledger-schema.ts';
import { grantError } from '../messages/grant-errors.ts';
import { ledgerError } from '../messages/ledger.ts';

export type MapLedgerAccountProps = {
  account: string;
  name?: string;
  /** Spending on an activity in a cost category (charged to a grant, by its reference, or to unrestricted funds), or not spending. */
  mapping: { treatment: 'spending'; activity: string; category: string; grant?: string | null } | { treatment: 'not_spending' };
};

const accountFormat = /^[\w.-]{1,40}$/;

/**
 * The secretariat says what an account of its books is to Orebook. A later mapping of the same
 * account replaces the earlier one for imports to come; what was imported stays as it was.
 */
export async function mapLedgerAccount(ctx: CommandContext, props: MapLedgerAccountProps) {
  authorize(ctx.actor, 'finance.manage');
  const account = typeof props.account === 'string' ? props.account.trim() : '';
  if (!accountFormat.test(account)) throw ledgerError('ledger_account_code_invalid', 422, { account: String(props.account).slice(0, 60) });
  const name = cleanText(props.name ?? '', 200) ?? '';
  const mapping = props.mapping as { treatment?: unknown; activity?: unknown; category?: unknown; grant?: unknown };
  let values: { treatment: 'spending' | 'not_spending'; activityId: number | null; costCategory: string | null; grantId: number | null };
  let facts: Record<string, string | null>;
  if (mapping?.treatment === 'not_spending') {
    values = { treatment: 'not_spending', activityId: null, costCategory: null, grantId: null };
    facts = { treatment: 'not_spending' };
  } else if (mapping?.treatment === 'spending' && typeof mapping.activity === 'string' && typeof mapping.category === 'string') {
    const activity = await activityByCode(ctx.tx, mapping.activity);
    const category = checkCostCategory(mapping.category);
    let grantId: number | null = null;
    if (typeof mapping.grant === 'string' && mapping.grant.trim() !== '') {
      const [grant] = await ctx.tx.select({ id: financeGrants.id }).from(financeGrants).where(eq(financeGrants.reference, mapping.grant.trim()));
      if (!grant) throw ledgerError('ledger_grant_not_found', 422, { grant: mapping.grant.slice(0, 80) });
      if (!(await grantFundsActivity(ctx.tx, grant.id, activity))) throw grantError('grant_restricted', 422, { reference: mapping.grant.trim(), activity: activity.code });
      grantId = grant.id;
    }
    values = { treatment: 'spending', activityId: activity.id, costCategory: category, grantId };
    facts = { treatment: 'spending', activity: activity.code, category, grant: typeof mapping.grant === 'string' && mapping.grant.trim() !== '' ? mapping.grant.trim() : null };
  } else throw ledgerError('ledger_treatment_invalid', 422);

  const [row] = await ctx.tx
    .insert(financeLedgerAccounts)
    .values({ code: account, name, ...values, updatedAt: ctx.now })
    .onConflictDoUpdate({ target: financeLedgerAccounts.code, set: { name, ...values, updatedAt: ctx.now } })
    .returning();
  await appendEvent(ctx, { type: 'finance.ledger_account_mapped', subject: `ledger-account:${account}`, payload: { account, name, ...facts } });
  return row!;
}
