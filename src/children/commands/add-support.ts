import { eq } from 'drizzle-orm';
import { findOrganisation } from '../../accounts/public.ts';
import { isIsoDate } from '../../core/calendar.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { isCaseManagementOrganisation } from '../case-organisations.ts';
import { checkPastDate, lockCaseToWrite } from '../case-writes.ts';
import { assertChoice, childrenError } from '../messages/errors.ts';
import { childCases, childSupports, supportKinds } from '../schema.ts';

export type SupportKind = (typeof supportKinds)[number];
export type ChildSupport = typeof childSupports.$inferSelect;

/** Currencies a support is paid in, with their minor-unit digits (ISO 4217). */
export const supportCurrencies = { USD: 2, CDF: 2 } as const;
export type SupportCurrency = keyof typeof supportCurrencies;

export type AddSupportProps = {
  caseId: number;
  kind: SupportKind;
  /** The code of the accredited case-management organisation that provides it. */
  provider: string;
  startedOn: string;
  endedOn?: string | null | undefined;
  costMinor: number;
  currency: string;
};

/**
 * Adds a support to a case's remediation plan. The first support starts the plan: follow-up visits
 * fall due from its start date (and an earlier support, recorded later, moves the start back).
 * Only the admin and field users of the organisation that manages the case add one.
 */
export async function addSupport(ctx: CommandContext, props: AddSupportProps): Promise<ChildSupport> {
  const found = await lockCaseToWrite(ctx, props.caseId);
  assertChoice(props.kind, supportKinds);
  checkPastDate(ctx, props.startedOn);
  if (props.startedOn < found.identifiedOn) throw childrenError('support_before_identification', 422, { date: props.startedOn, identifiedOn: found.identifiedOn });
  const endedOn = props.endedOn || null;
  if (endedOn !== null) {
    if (!isIsoDate(endedOn)) throw childrenError('date_invalid', 422, { date: endedOn });
    if (endedOn < props.startedOn) throw childrenError('support_end_before_start', 422, { startedOn: props.startedOn, endedOn });
  }
  if (!Number.isSafeInteger(props.costMinor) || props.costMinor < 0) throw childrenError('cost_invalid', 422);
  if (!(props.currency in supportCurrencies)) throw childrenError('currency_invalid', 422);
  const provider = await findOrganisation(ctx.tx, { code: props.provider });
  if (!provider || !(await isCaseManagementOrganisation(ctx.tx, provider.id))) throw childrenError('provider_not_accredited', 422, { provider: props.provider });

  const [support] = await ctx.tx
    .insert(childSupports)
    .values({ caseId: found.id, kind: props.kind, providerOrganisationId: provider.id, startedOn: props.startedOn, endedOn, costMinor: props.costMinor, currency: props.currency })
    .returning();
  if (found.planStartedOn === null || props.startedOn < found.planStartedOn) {
    await ctx.tx.update(childCases).set({ planStartedOn: props.startedOn }).where(eq(childCases.id, found.id));
  }
  await appendEvent(ctx, {
    type: 'children.support_added',
    subject: `child_case:${found.id}`,
    payload: { case: found.id, kind: props.kind, provider: provider.code, costMinor: props.costMinor, currency: props.currency },
  });
  return support!;
}
