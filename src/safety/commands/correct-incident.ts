import { eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { checkedOrRefused, journalledIncident, insertIncident, type Incident } from '../incident-entries.ts';
import type { IncidentFacts } from '../incident-rules.ts';
import { safetyError } from '../messages/errors.ts';
import { safetyIncidents } from '../schema.ts';
import { lockSafetySite, siteResource } from '../site-access.ts';

export const maxReasonLength = 500;

/**
 * Corrects an incident with a new entry that supersedes it, the old one kept as it was: a status
 * change, a root cause found later, a figure entered wrongly. Only the newest entry of a chain can
 * be corrected; `withdrawn` takes an incident recorded in error out of every figure.
 */
export async function correctIncident(ctx: CommandContext, props: IncidentFacts & { siteId: number; correctsId: number; reason: string }): Promise<Incident> {
  const site = await lockSafetySite(ctx, props.siteId);
  authorize(ctx.actor, 'safety.record', siteResource(site));
  const [original] = Number.isSafeInteger(props.correctsId) ? await ctx.tx.select().from(safetyIncidents).where(eq(safetyIncidents.id, props.correctsId)) : [];
  if (!original || original.siteId !== site.id) throw safetyError('incident_not_found', 404, { site: site.code, id: props.correctsId });
  const [newer] = await ctx.tx.select({ id: safetyIncidents.id }).from(safetyIncidents).where(eq(safetyIncidents.correctsId, original.id));
  if (newer) throw safetyError('already_corrected', 409, { id: original.id, by: newer.id }, { correctedBy: newer.id });
  const reason = props.reason.trim();
  if (reason === '') throw safetyError('correction_reason_missing', 422, undefined, [{ field: 'reason', code: 'correction_reason_missing' }]);
  if (reason.length > maxReasonLength) throw safetyError('text_too_long', 422, { max: maxReasonLength }, [{ field: 'reason', code: 'text_too_long' }]);
  const checked = await checkedOrRefused(ctx, site, props);
  const row = await insertIncident(ctx, site.id, checked, { correctsId: original.id, reason });
  await appendEvent(ctx, {
    type: 'safety.incident_corrected',
    subject: `safety_incident:${row.id}`,
    payload: { ...journalledIncident(site.code, row, checked), corrects: original.id, previousSeverity: original.severity, previousStatus: original.status },
  });
  return row;
}
