import { authorize } from '../../core/auth/policies.ts';
import { organisationOf } from '../../core/auth/roles.ts';
import { isIsoDate, isoDateOf } from '../../core/calendar.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { costCurrencies, isCurrency, parseCost } from '../costs.ts';
import { safetyError } from '../messages/errors.ts';
import { interventionKinds, safetyInterventions, type InterventionKind } from '../schema.ts';
import { lockSafetySite, siteResource } from '../site-access.ts';

export type Intervention = typeof safetyInterventions.$inferSelect;

export const maxQuantity = 10_000_000;
export const maxPeopleReached = 1_000_000;
export const maxInterventionDescription = 1_000;

export type InterventionFacts = {
  kind: string;
  /** `YYYY-MM-DD`: when the covers were installed, the equipment handed out, the training given. */
  deliveredOn: string;
  quantity: number;
  currency: string;
  peopleReached: number;
  description?: string;
} & (
  | { /** In minor units of the currency (cents). */ costMinor: number }
  | { /** As a person typed it in the currency's major unit ("1 250,50"), read with `parseCost` once the actor may record. */ typedCost: string }
);

/** Records what the programme did at a site, and what it cost. */
export async function recordIntervention(ctx: CommandContext, props: InterventionFacts & { siteId: number }): Promise<Intervention> {
  const site = await lockSafetySite(ctx, props.siteId);
  authorize(ctx.actor, 'safety.record', siteResource(site));
  const costMinor = 'typedCost' in props ? parseCost(props.typedCost, props.currency) : props.costMinor;
  if (!(interventionKinds as readonly string[]).includes(props.kind)) throw safetyError('intervention_kind_unknown', 422, { kind: props.kind, known: interventionKinds.join(', ') }, [{ field: 'kind' }]);
  if (!isIsoDate(props.deliveredOn) || props.deliveredOn < '2000-01-01') throw safetyError('date_invalid', 422, { date: props.deliveredOn }, [{ field: 'deliveredOn' }]);
  if (props.deliveredOn > isoDateOf(new Date(ctx.now.getTime() + 86_400_000))) throw safetyError('date_in_future', 422, { date: props.deliveredOn }, [{ field: 'deliveredOn' }]);
  if (!Number.isSafeInteger(props.quantity) || props.quantity < 0 || props.quantity > maxQuantity) throw safetyError('quantity_invalid', 422, { value: String(props.quantity) }, [{ field: 'quantity' }]);
  if (!isCurrency(props.currency)) throw safetyError('currency_unknown', 422, { known: Object.keys(costCurrencies).join(', ') }, [{ field: 'currency' }]);
  if (!Number.isSafeInteger(costMinor) || costMinor < 0) throw safetyError('cost_invalid', 422, { value: String(costMinor), currency: props.currency, digits: costCurrencies[props.currency] }, [{ field: 'cost' }]);
  if (!Number.isSafeInteger(props.peopleReached) || props.peopleReached < 0 || props.peopleReached > maxPeopleReached) {
    throw safetyError('people_reached_invalid', 422, { value: String(props.peopleReached) }, [{ field: 'peopleReached' }]);
  }
  const description = (props.description ?? '').trim();
  if (description.length > maxInterventionDescription) throw safetyError('text_too_long', 422, { max: maxInterventionDescription }, [{ field: 'description' }]);
  const [row] = await ctx.tx
    .insert(safetyInterventions)
    .values({
      siteId: site.id,
      kind: props.kind as InterventionKind,
      deliveredOn: props.deliveredOn,
      quantity: props.quantity,
      costMinor,
      currency: props.currency,
      peopleReached: props.peopleReached,
      description,
      recordedByOrganisationId: organisationOf(ctx.actor),
    })
    .returning();
  await appendEvent(ctx, {
    type: 'safety.intervention_recorded',
    subject: `safety_intervention:${row!.id}`,
    payload: { id: row!.id, site: site.code, kind: row!.kind, deliveredOn: row!.deliveredOn, quantity: row!.quantity, costMinor: row!.costMinor, currency: row!.currency, peopleReached: row!.peopleReached },
  });
  return row!;
}
