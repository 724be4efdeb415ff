import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { fundError } from '../messages/errors.ts';
import { assertAmount, assertCurrency, assertDate, cleanText, openFund, postTransaction, today } from '../ledger.ts';

export type RecordIncomeProps = {
  site: string;
  /** Premiums come only from the registry's sales (bookPremium); this records grants and other income. */
  source: 'grant' | 'other';
  amountMinor: number;
  currency: string;
  receivedOn: string;
  /** Who paid: an organisation, never a person. */
  counterparty: string;
  description?: string;
};

/** The secretariat books an earmarked grant or other income into a site's fund; a currency other than USD needs that day's rate. */
export async function recordIncome(ctx: CommandContext, props: RecordIncomeProps) {
  authorize(ctx.actor, 'fund.manage');
  if (props.source !== 'grant' && props.source !== 'other') throw fundError('source_invalid', 422);
  assertCurrency(props.currency);
  assertAmount(props.amountMinor);
  assertDate(props.receivedOn, today(ctx));
  const counterparty = cleanText(props.counterparty, 200);
  if (counterparty === null) throw fundError('counterparty_required', 422);
  const fund = await openFund(ctx, props.site);
  const transaction = await postTransaction(ctx, {
    fundId: fund.id,
    kind: 'income',
    source: props.source,
    currency: props.currency,
    occurredOn: props.receivedOn,
    counterparty,
    description: (props.description ?? '').trim().slice(0, 500),
    postings: [
      { kind: 'available', amountMinor: props.amountMinor },
      { kind: props.source === 'grant' ? 'income_grant' : 'income_other', amountMinor: -props.amountMinor },
    ],
  });
  await appendEvent(ctx, {
    type: 'fund.income_recorded',
    subject: `fund:${fund.siteCode}`,
    payload: { transactionId: transaction.id, source: props.source, amountMinor: transaction.amountMinor, currency: transaction.currency, receivedOn: transaction.occurredOn, counterparty },
  });
  return transaction;
}
