import { and, eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { notFound } from '../../core/errors.ts';
import { maxFileBytes, storeFile } from '../../files/public.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { assessmentError } from '../messages/assessments.ts';
import { assessmentResponses, assessments, correctiveActions, sites, standardCriteria } from '../schema.ts';
import { siteForAction, type SiteRef } from '../site-access.ts';

export type CorrectiveAction = typeof correctiveActions.$inferSelect;

/** The currencies a cost estimate may be given in, with their ISO 4217 minor-unit digits. */
export const costCurrencies = { USD: 2, CDF: 2 } as const;
export type CostCurrency = keyof typeof costCurrencies;

/**
 * Reads a cost estimate typed by a person, in the currency's major unit ("1250", "1 250,50",
 * "1250.5"), as integer minor units. Spaces group thousands; a point or a comma marks the decimals,
 * with no more decimals than the currency has.
 */
export function parseCostEstimate(text: string, currency: CostCurrency): number {
  const digits = costCurrencies[currency];
  const compact = text.replace(/[\s\u00a0\u202f]/g, '');
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(compact);
  if (!match || (match[2]?.length ?? 0) > digits) throw assessmentError('cost_estimate_invalid', 422, { value: text, currency, digits });
  const minor = Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0'));
  if (!Number.isSafeInteger(minor)) throw assessmentError('cost_estimate_invalid', 422, { value: text, currency, digits });
  return minor;
}

/**
 * Raises a corrective action at a site: from a finding of a submitted assessment of that site (a
 * criterion rated not met or partly met), or on its own. Title and owner are free text and stay
 * out of the journal, which records the dates, the cost and the finding it answers.
 */
export async function raiseCorrectiveAction(
  ctx: CommandContext,
  props: SiteRef & {
    /** With `criterionCode`: the finding this action answers. */
    assessmentId?: number;
    criterionCode?: string;
    title: string;
    /** Who is responsible: a role or a person, as the site names them. */
    owner: string;
    dueOn: string;
    /** In the currency's major unit, as typed: see `parseCostEstimate`. */
    costEstimate: string;
    currency: CostCurrency;
  },
): Promise<CorrectiveAction> {
  const site = await siteForAction(ctx, 'corrective_action.manage', props, notFound);
  if ((props.assessmentId === undefined) !== (props.criterionCode === undefined)) throw assessmentError('finding_incomplete', 422);
  let criterionId: number | null = null;
  if (props.assessmentId !== undefined && props.criterionCode !== undefined) {
    const [assessment] = await ctx.tx.select().from(assessments).where(eq(assessments.id, props.assessmentId));
    if (!assessment || assessment.siteId !== site.id) throw assessmentError('assessment_not_of_site', 422, { site: site.code });
    if (assessment.status !== 'submitted') throw assessmentError('assessment_not_submitted', 422);
    const [finding] = await ctx.tx
      .select({ criterionId: standardCriteria.id, rating: assessmentResponses.rating })
      .from(standardCriteria)
      .leftJoin(assessmentResponses, and(eq(assessmentResponses.criterionId, standardCriteria.id), eq(assessmentResponses.assessmentId, assessment.id)))
      .where(and(eq(standardCriteria.versionId, assessment.standardVersionId), eq(standardCriteria.code, props.criterionCode)));
    if (!finding) throw assessmentError('unknown_criterion', 422, { codes: props.criterionCode }, { codes: [props.criterionCode] });
    if (finding.rating !== 'not_met' && finding.rating !== 'partly_met') throw assessmentError('not_a_finding', 422, { code: props.criterionCode });
    criterionId = finding.criterionId;
  }
  const costEstimateMinor = parseCostEstimate(props.costEstimate, props.currency);
  const [action] = await ctx.tx
    .insert(correctiveActions)
    .values({
      siteId: site.id,
      assessmentId: props.assessmentId ?? null,
      criterionId,
      title: props.title,
      owner: props.owner,
      dueOn: props.dueOn,
      costEstimateMinor,
      currency: props.currency,
    })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.corrective_action_raised',
    subject: `corrective_action:${action!.id}`,
    payload: {
      correctiveActionId: action!.id,
      site: site.code,
      assessmentId: props.assessmentId ?? null,
      criterion: props.criterionCode ?? null,
      dueOn: props.dueOn,
      costEstimateMinor,
      currency: props.currency,
    },
  });
  return action!;
}

/** The corrective action a command may change: the actor may manage its site's actions, it exists, and it is not closed. */
async function lockCorrectiveAction(ctx: CommandContext, id: number) {
  const [row] = await ctx.tx
    .select({ action: correctiveActions, siteCooperativeOrgId: sites.cooperativeOrganisationId })
    .from(correctiveActions)
    .innerJoin(sites, eq(sites.id, correctiveActions.siteId))
    .where(eq(correctiveActions.id, id))
    .for('update', { of: correctiveActions });
  authorize(ctx.actor, 'corrective_action.manage', { siteCooperativeOrgId: row?.siteCooperativeOrgId ?? -1 });
  if (!row) throw notFound();
  const { action } = row;
  if (action.status === 'closed') throw assessmentError('corrective_action_closed', 409);
  return action;
}

/** Records that work on an open corrective action has started (open → in progress). */
export async function updateCorrectiveActionStatus(ctx: CommandContext, props: { correctiveActionId: number; status: 'in_progress' }): Promise<CorrectiveAction> {
  const action = await lockCorrectiveAction(ctx, props.correctiveActionId);
  if (action.status !== 'open') throw assessmentError('corrective_action_status_invalid', 409, { from: action.status, to: props.status });
  const [updated] = await ctx.tx.update(correctiveActions).set({ status: props.status }).where(eq(correctiveActions.id, action.id)).returning();
  await appendEvent(ctx, {
    type: 'sites.corrective_action_updated',
    subject: `corrective_action:${action.id}`,
    payload: { correctiveActionId: action.id, from: action.status, to: props.status },
  });
  return updated!;
}

/**
 * Closes a corrective action (open or in progress) with a note, the day it was closed and,
 * optionally, a file that shows the work done. A closed action stays closed.
 */
export async function closeCorrectiveAction(
  ctx: CommandContext,
  props: { correctiveActionId: number; closureNote: string; closedOn: string; evidence?: { filename: string; contentType: string; content: Buffer } },
): Promise<CorrectiveAction> {
  const action = await lockCorrectiveAction(ctx, props.correctiveActionId);
  if (props.closedOn > isoDateOf(ctx.now)) throw assessmentError('closed_on_in_future', 422);
  if (props.closedOn < isoDateOf(action.createdAt)) throw assessmentError('closed_on_before_raised', 422, { raisedOn: isoDateOf(action.createdAt) });
  if (props.evidence && props.evidence.content.length > maxFileBytes) throw assessmentError('evidence_too_large', 413, { limit: maxFileBytes });
  if (props.evidence && props.evidence.content.length === 0) throw assessmentError('evidence_empty', 422);
  const file = props.evidence ? await storeFile(ctx, props.evidence) : null;
  const [closed] = await ctx.tx
    .update(correctiveActions)
    .set({ status: 'closed', closedOn: props.closedOn, closureNote: props.closureNote, closureEvidenceFileId: file?.id ?? null })
    .where(eq(correctiveActions.id, action.id))
    .returning();
  await appendEvent(ctx, {
    type: 'sites.corrective_action_closed',
    subject: `corrective_action:${action.id}`,
    payload: { correctiveActionId: action.id, closedOn: props.closedOn, onTime: props.closedOn <= action.dueOn, evidenceSha256: file?.sha256 ?? null },
  });
  return closed!;
}
