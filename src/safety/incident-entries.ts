import { organisationOf } from '../core/auth/roles.ts';
import type { CommandContext } from '../journal/public.ts';
import { checkIncident, type CheckedIncident, type IncidentFacts } from './incident-rules.ts';
import { safetyError } from './messages/errors.ts';
import { safetyIncidentActions, safetyIncidentPeople, safetyIncidents } from './schema.ts';

export type Incident = typeof safetyIncidents.$inferSelect;

/** The facts checked in the command's transaction; the first problem refuses them, every problem in the details. */
export async function checkedOrRefused(ctx: CommandContext, site: { id: number; code: string }, facts: IncidentFacts) {
  const { problems, checked } = await checkIncident(ctx.tx, site, facts, ctx.now);
  const first = problems[0];
  if (first) throw safetyError(first.code, 422, first.params, problems.map(({ field, code, row }) => ({ field, code, ...(row !== undefined && { row }) })));
  return checked;
}

/** Writes an incident entry: the incident, its people affected and its corrective actions. */
export async function insertIncident(ctx: CommandContext, siteId: number, checked: CheckedIncident, correction?: { correctsId: number; reason: string }) {
  const [row] = await ctx.tx
    .insert(safetyIncidents)
    .values({
      siteId,
      pitId: checked.pitId,
      occurredOn: checked.occurredOn,
      occurredTime: checked.occurredTime,
      kind: checked.kind,
      severity: checked.severity,
      status: checked.status,
      description: checked.description,
      immediateAction: checked.immediateAction,
      rootCause: checked.rootCause,
      correctsId: correction?.correctsId ?? null,
      correctionReason: correction?.reason ?? null,
      recordedByOrganisationId: organisationOf(ctx.actor),
    })
    .returning();
  if (checked.people.length > 0) await ctx.tx.insert(safetyIncidentPeople).values(checked.people.map((p) => ({ ...p, incidentId: row!.id })));
  if (checked.correctiveActionIds.length > 0) {
    await ctx.tx.insert(safetyIncidentActions).values(checked.correctiveActionIds.map((correctiveActionId) => ({ incidentId: row!.id, correctiveActionId })));
  }
  return row!;
}

/** What the public journal says of an incident: its class, place and day, and how many people; never a description or a person. */
export const journalledIncident = (siteCode: string, row: Incident, checked: CheckedIncident) => ({
  id: row.id,
  site: siteCode,
  pit: checked.pitCode,
  occurredOn: row.occurredOn,
  kind: row.kind,
  severity: row.severity,
  status: row.status,
  peopleAffected: checked.people.reduce((sum, p) => sum + p.count, 0),
  correctiveActions: checked.correctiveActionIds,
});
