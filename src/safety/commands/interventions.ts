import { isIsoDate } from '../../core/calendar.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { safetyError } from '../messages/errors.ts';
import { interventionKinds, safetyInterventions, type InterventionKind } from '../schema.ts';
import { lockSafetySite } from './site-lock.ts';

export type Intervention = typeof safetyInterventions.$inferSelect;

/** Currencies the programme pays in, with their ISO 4217 minor-unit digits. */
export const costCurrencies = { USD: 2, CDF: 2, EUR: 2 } as const;
export type CostCurrency = keyof typeof costCurrencies;
export const maxQuantity = 10_000_000;
export const maxPeopleReached = 1_000_000;
export const maxInterventionDescription = 1_000;

const isCurrency = (value: string): value is CostCurrency => value in costCurrencies;

/**
 * Reads a cost typed by a person in the currency's major unit ("1250", "1 250,50", "1250.5") as
 * integer minor units. Spaces group thousands; a point or a comma marks the decimals.
 */
export function parseCost(text: string, currency: string): number {
  if (!isCurrency(currency)) throw safetyError('currency_unknown', 422, { known: Object.keys(costCurrencies).join(', ') });
  const digits = costCurrencies[currency];
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ''));
  if (!match || (match[2]?.length ?? 0) > digits) throw safetyError('cost_invalid', 422, { value: text, currency, digits });
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0'));
}

export type InterventionFacts = {
  kind: string;
  /** `YYYY-MM-DD`: when the covers were installed, the equipment handed out, the training given. */
  deliveredOn: string;
  quantity: number;
  costMinor: number;
  currency: string;
  peopleReached: number;
  description?: string;
};

/** Records what the programme did at a site, and what it cost. */
export async function recordIntervention(ctx: CommandContext, props: InterventionFacts & { siteId: number }): Promise<Intervention> {
  const site = await lockSafetySite(ctx, props.siteId);
  if (!(interventionKinds as readonly string[]).includes(props.kind)) throw safetyError('intervention_kind_unknown', 422, { kind: props.kind, known: interventionKinds.join(', ') }, [{ field: 'kind' }]);
  if (!isIsoDate(props.deliveredOn) || props.deliveredOn < '2000-01-01') throw safetyError('date_invalid', 422, { date: props.deliveredOn }, [{ field: 'deliveredOn' }]);
  if (props.deliveredOn > new Date(ctx.now.getTime() + 86_400_000).toISOString().slice(0, 10)) throw safetyError('date_in_future', 422, { date: props.deliveredOn }, [{ field: 'deliveredOn' }]);
  if (!Number.isSafeInteger(props.quantity) || props.quantity < 0 || props.quantity > maxQuantity) throw safetyError('quantity_invalid', 422, { value: String(props.quantity) }, [{ field: 'quantity' }]);
  if (!isCurrency(props.currency)) throw safetyError('currency_unknown', 422, { known: Object.keys(costCurrencies).join(', ') }, [{ field: 'currency' }]);
  if (!Number.isSafeInteger(props.costMinor) || props.costMinor < 0) throw safetyError('cost_invalid', 422, { value: String(props.costMinor), currency: props.currency, digits: costCurrencies[props.currency] }, [{ field: 'cost' }]);
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
      costMinor: props.costMinor,
      currency: props.currency,
      peopleReached: props.peopleReached,
      description,
      recordedByOrganisationId: 'orgId' in ctx.actor ? ctx.actor.orgId : null,
    })
    .returning();
  await appendEvent(ctx, {
    type: 'safety.intervention_recorded',
    subject: `safety_intervention:${row!.id}`,
    payload: { id: row!.id, site: site.code, kind: row!.kind, deliveredOn: row!.deliveredOn, quantity: row!.quantity, costMinor: row!.costMinor, currency: row!.currency, peopleReached: row!.peopleReached },
  });
  return row!;
}
