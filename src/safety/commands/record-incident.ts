import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { checkedOrRefused, journalledIncident, insertIncident, type Incident } from '../incident-entries.ts';
import type { IncidentFacts } from '../incident-rules.ts';
import { lockSafetySite, siteResource } from '../site-access.ts';

/** Records an incident at a site. */
export async function recordIncident(ctx: CommandContext, props: IncidentFacts & { siteId: number }): Promise<Incident> {
  const site = await lockSafetySite(ctx, props.siteId);
  authorize(ctx.actor, 'safety.record', siteResource(site));
  const checked = await checkedOrRefused(ctx, site, props);
  const row = await insertIncident(ctx, site.id, checked);
  await appendEvent(ctx, { type: 'safety.incident_recorded', subject: `safety_incident:${row.id}`, payload: journalledIncident(site.code, row, checked) });
  return row;
}
