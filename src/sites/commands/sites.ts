import { addMonths, isIsoDate, isoDateOf } from '../../core/calendar.ts';
import { and, eq, inArray } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { databaseErrorCode } from '../../db/transaction.ts';
import { authorize } from '../../core/auth/policies.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { siteError } from '../messages/sites.ts';
import { defaultOperatorGroups, operatorGroups, pits, qualificationLevels, siteQualifications, sites } from '../schema.ts';
import { siteForAction, type SiteRef } from '../site-access.ts';

export type Site = typeof sites.$inferSelect;
export type Pit = typeof pits.$inferSelect;
export type OperatorGroup = typeof operatorGroups.$inferSelect;
export type SiteQualification = typeof siteQualifications.$inferSelect;
export type QualificationLevel = (typeof qualificationLevels)[number];

export const siteCodePattern = /^[A-Z]{3,6}$/;
export const pitCodePattern = /^[A-Z0-9][A-Z0-9-]{0,19}$/;
export const operatorGroupCodePattern = /^[a-z][a-z_]{1,39}$/;

/** The groups every new site starts with, as the programme names them in English and French. */
export const defaultOperatorGroupLabels: Record<(typeof defaultOperatorGroups)[number], { en: string; fr: string }> = {
  diggers: { en: 'Diggers', fr: 'Creuseurs' },
  pit_owners: { en: 'Pit owners', fr: 'Propriétaires de puits' },
  washers: { en: 'Washers', fr: 'Laveuses et laveurs' },
  transporters: { en: 'Transporters', fr: 'Transporteurs' },
  sellers: { en: 'Sellers', fr: 'Vendeurs' },
  depot_workers: { en: 'Depot workers', fr: 'Travailleurs des dépôts' },
  sanitation_agents: { en: 'Sanitation agents', fr: 'Agents d’assainissement' },
  safety_captains: { en: 'Safety captains', fr: 'Capitaines de sécurité' },
};

/** Refuses a date that is not a real date, or (for facts already observed) one after today. */
export function assertPastDate(date: string, now: Date): void {
  if (!isIsoDate(date)) throw siteError('date_invalid', 422, { date });
  if (date > isoDateOf(now)) throw siteError('date_in_future', 422, { date });
}

/** Decimal degrees, as given to the API, in the integer millionths the database keeps. */
export function degreesToE6(degrees: number): number {
  return Math.round(degrees * 1_000_000);
}

const uniqueViolation = (error: unknown) => databaseErrorCode(error) === '23505';

/**
 * Creates a site operated by a cooperative organisation, with the eight default operator groups.
 * The code is permanent: credit serials and addresses use it.
 */
export async function createSite(
  ctx: CommandContext,
  props: {
    /** 3 to 6 capital letters, e.g. `KAM`. */
    code: string;
    name: string;
    province: string;
    town: string;
    latitudeE6: number;
    longitudeE6: number;
    concessionHolder: string;
    /** The code of the operating cooperative's organisation; it must be of kind `cooperative`. */
    cooperative: string;
  },
): Promise<Site> {
  authorize(ctx.actor, 'site.manage');
  if (!siteCodePattern.test(props.code)) throw siteError('code_error', 422);
  const [cooperative] = await ctx.tx.select().from(organisations).where(eq(organisations.code, props.cooperative));
  if (!cooperative) throw siteError('cooperative_not_found', 422, { cooperative: props.cooperative });
  if (cooperative.kind !== 'cooperative') throw siteError('organisation_not_cooperative', 422, { cooperative: props.cooperative, kind: cooperative.kind });
  const [taken] = await ctx.tx.select({ id: sites.id }).from(sites).where(eq(sites.code, props.code));
  if (taken) throw siteError('site_code_taken', 409, { code: props.code });
  let site: Site;
  try {
    [site] = (await ctx.tx
      .insert(sites)
      .values({
        code: props.code,
        name: props.name,
        province: props.province,
        town: props.town,
        latitudeE6: props.latitudeE6,
        longitudeE6: props.longitudeE6,
        concessionHolder: props.concessionHolder,
        cooperativeOrganisationId: cooperative.id,
      })
      .returning()) as [Site];
  } catch (error) {
    if (uniqueViolation(error)) throw siteError('site_code_taken', 409, { code: props.code });
    throw error;
  }
  await ctx.tx
    .insert(operatorGroups)
    .values(defaultOperatorGroups.map((code) => ({ siteId: site.id, code, labelEn: defaultOperatorGroupLabels[code].en, labelFr: defaultOperatorGroupLabels[code].fr })));
  await appendEvent(ctx, {
    type: 'sites.site_created',
    subject: `site:${site.code}`,
    payload: {
      code: site.code,
      name: site.name,
      province: site.province,
      town: site.town,
      latitudeE6: site.latitudeE6,
      longitudeE6: site.longitudeE6,
      concessionHolder: site.concessionHolder,
      cooperative: cooperative.code,
      operatorGroups: [...defaultOperatorGroups],
    },
  });
  return site;
}

/** Months until the next review of a qualification level (DRC national qualification); none for red and blue. */
export const reviewMonths: Record<QualificationLevel, number | null> = { green: 12, yellow: 6, red: null, blue: null };

/**
 * Records a national qualification decision. The next review falls 12 months later for green, 6 for
 * yellow, and is not set for red or blue. The current qualification is the latest by decision date.
 */
export async function recordQualification(
  ctx: CommandContext,
  props: SiteRef & { level: QualificationLevel; qualifiedOn: string; decidedBy: string },
): Promise<SiteQualification> {
  const site = await siteForAction(ctx, 'site.manage', props);
  assertPastDate(props.qualifiedOn, ctx.now);
  const months = reviewMonths[props.level];
  const nextReviewOn = months === null ? null : addMonths(props.qualifiedOn, months);
  const [qualification] = await ctx.tx
    .insert(siteQualifications)
    .values({ siteId: site.id, level: props.level, qualifiedOn: props.qualifiedOn, nextReviewOn, decidedBy: props.decidedBy })
    .returning();
  await appendEvent(ctx, {
    type: 'sites.qualification_recorded',
    subject: `site:${site.code}`,
    payload: { site: site.code, level: props.level, qualifiedOn: props.qualifiedOn, nextReviewOn, decidedBy: props.decidedBy },
  });
  return qualification!;
}

/** Adds pits to a site's census. A code already used at the site, or given twice, refuses the whole list. */
export async function addPits(ctx: CommandContext, props: SiteRef & { pits: { code: string; covered: boolean }[] }): Promise<Pit[]> {
  const site = await siteForAction(ctx, 'site.manage', props);
  if (props.pits.length === 0) throw siteError('pit_list_empty', 422);
  const codes = props.pits.map((pit) => pit.code);
  const invalid = codes.filter((code) => !pitCodePattern.test(code));
  if (invalid.length > 0) throw siteError('pit_code_invalid', 422, { codes: invalid.join(', ') }, { codes: invalid });
  const repeated = codes.filter((code, i) => codes.indexOf(code) !== i);
  const existing = await ctx.tx
    .select({ code: pits.code })
    .from(pits)
    .where(and(eq(pits.siteId, site.id), inArray(pits.code, codes)));
  const conflicts = [...new Set([...repeated, ...existing.map((pit) => pit.code)])].sort();
  if (conflicts.length > 0) throw siteError('pit_already_exists', 409, { codes: conflicts.join(', ') }, { codes: conflicts });
  let added: Pit[];
  try {
    added = await ctx.tx
      .insert(pits)
      .values(props.pits.map((pit) => ({ siteId: site.id, code: pit.code, covered: pit.covered })))
      .returning();
  } catch (error) {
    if (uniqueViolation(error)) throw siteError('pit_already_exists', 409, { codes: codes.join(', ') }, { codes });
    throw error;
  }
  await appendEvent(ctx, {
    type: 'sites.pits_added',
    subject: `site:${site.code}`,
    payload: { site: site.code, pits: props.pits.map((pit) => ({ code: pit.code, covered: pit.covered })) },
  });
  return added;
}

/** Marks a pit covered or uncovered, active or inactive (what is not given stays as it is). */
export async function updatePit(ctx: CommandContext, props: SiteRef & { pitCode: string; covered?: boolean; active?: boolean }): Promise<Pit> {
  const site = await siteForAction(ctx, 'site.manage', props);
  const [pit] = await ctx.tx
    .update(pits)
    .set({ ...(props.covered === undefined ? {} : { covered: props.covered }), ...(props.active === undefined ? {} : { active: props.active }), updatedAt: ctx.now })
    .where(and(eq(pits.siteId, site.id), eq(pits.code, props.pitCode)))
    .returning();
  if (!pit) throw siteError('pit_not_found', 404, { pit: props.pitCode });
  await appendEvent(ctx, {
    type: 'sites.pit_updated',
    subject: `site:${site.code}`,
    payload: { site: site.code, pit: pit.code, covered: pit.covered, active: pit.active },
  });
  return pit;
}

/** Adds an operator group to a site, beyond the eight defaults (for example mechanics). */
export async function addOperatorGroup(ctx: CommandContext, props: SiteRef & { code: string; labelEn: string; labelFr: string }): Promise<OperatorGroup> {
  const site = await siteForAction(ctx, 'site.manage', props);
  if (!operatorGroupCodePattern.test(props.code)) throw siteError('group_code_error', 422);
  const [taken] = await ctx.tx
    .select({ id: operatorGroups.id })
    .from(operatorGroups)
    .where(and(eq(operatorGroups.siteId, site.id), eq(operatorGroups.code, props.code)));
  if (taken) throw siteError('operator_group_exists', 409, { group: props.code });
  let group: OperatorGroup;
  try {
    [group] = (await ctx.tx.insert(operatorGroups).values({ siteId: site.id, code: props.code, labelEn: props.labelEn, labelFr: props.labelFr }).returning()) as [OperatorGroup];
  } catch (error) {
    if (uniqueViolation(error)) throw siteError('operator_group_exists', 409, { group: props.code });
    throw error;
  }
  await appendEvent(ctx, {
    type: 'sites.operator_group_added',
    subject: `site:${site.code}`,
    payload: { site: site.code, group: group.code, labelEn: group.labelEn, labelFr: group.labelFr },
  });
  return group;
}
