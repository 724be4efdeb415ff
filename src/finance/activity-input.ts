import { eq } from 'drizzle-orm';
import { findOrganisation } from '../accounts/public.ts';
import { isIsoDate } from '../core/calendar.ts';
import type { CommandContext } from '../journal/public.ts';
import { findSiteByCode } from '../sites/public.ts';
import { financeError } from './messages/errors.ts';
import { activityStatusCodes, financeActivitySites, financeParticipatingOrgs, financeProgrammeAreas, organisationRoleCodes } from './schema.ts';

/** An organisation taking part in an activity: an organisation of Orebook by its code, or one named here. */
export type ParticipantProps = {
  /** IATI OrganisationRole: 1 funding, 2 accountable, 3 extending, 4 implementing. */
  role: number;
  organisation?: string;
  name?: string;
  /** Its IATI organisation identifier, when it has one (e.g. XM-DAC-41114). */
  iatiRef?: string;
};

export type ActivityProps = {
  /** Capital letters, digits and hyphens; published as `{reporting-org-ref}-{code}`. */
  code: string;
  area: string;
  titleEn: string;
  titleFr: string;
  descriptionEn: string;
  descriptionFr: string;
  plannedStart: string;
  plannedEnd?: string | null;
  actualStart?: string | null;
  actualEnd?: string | null;
  /** IATI ActivityStatus code, 1 to 6. */
  status: number;
  /** Codes of the sites where it happens. */
  sites: readonly string[];
  participants: readonly ParticipantProps[];
};

const iatiRefFormat = /^[A-Za-z0-9][A-Za-z0-9._-]{1,99}$/;

function checkDate(date: string | null | undefined): string | null {
  if (date === undefined || date === null) return null;
  if (!isIsoDate(date)) throw financeError('date_invalid', 422, { date: String(date) });
  return date;
}

/** What XML 1.0 cannot carry (its Char production): C0 controls but tab and line breaks, lone surrogates, U+FFFE and U+FFFF. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
export const notXmlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkText(text: string, max: number): string {
  const trimmed = text.trim();
  if (!trimmed || trimmed.length > max) throw financeError('text_required', 422);
  if (notXmlCharacter.test(trimmed)) throw financeError('text_characters', 422);
  return trimmed;
}

/**
 * Checks an activity against its rules (texts in both languages, dates in order, IATI status and
 * roles, known area, sites and organisations) and answers the row to write and the sites and
 * participants to attach. Reads only: nothing is written before every check has passed.
 */
export async function checkActivity(ctx: CommandContext, props: ActivityProps) {
  const texts = { titleEn: checkText(props.titleEn, 200), titleFr: checkText(props.titleFr, 200), descriptionEn: checkText(props.descriptionEn, 4000), descriptionFr: checkText(props.descriptionFr, 4000) };
  const plannedStart = checkDate(props.plannedStart)!;
  const dates = { plannedStart, plannedEnd: checkDate(props.plannedEnd), actualStart: checkDate(props.actualStart), actualEnd: checkDate(props.actualEnd) };
  if (dates.plannedEnd !== null && dates.plannedEnd < dates.plannedStart) throw financeError('planned_dates_order', 422);
  if (dates.actualEnd !== null && dates.actualStart === null) throw financeError('actual_end_without_start', 422);
  if (dates.actualEnd !== null && dates.actualStart !== null && dates.actualEnd < dates.actualStart) throw financeError('actual_dates_order', 422);
  if (!(activityStatusCodes as readonly number[]).includes(props.status)) throw financeError('status_invalid', 422, { status: String(props.status) });

  const [area] = await ctx.tx.select({ id: financeProgrammeAreas.id }).from(financeProgrammeAreas).where(eq(financeProgrammeAreas.code, props.area));
  if (!area) throw financeError('area_not_found', 422, { code: props.area });

  const siteIds = new Set<number>();
  for (const code of props.sites) {
    const site = await findSiteByCode(ctx.tx, code);
    if (!site) throw financeError('site_not_found', 422, { site: code });
    siteIds.add(site.id);
  }

  if (props.participants.length === 0 || props.participants.length > 20) throw financeError('participants_required', 422);
  const participants = [];
  for (const participant of props.participants) {
    if (!(organisationRoleCodes as readonly number[]).includes(participant.role)) throw financeError('role_invalid', 422, { role: String(participant.role) });
    if (participant.iatiRef !== undefined && !iatiRefFormat.test(participant.iatiRef)) throw financeError('iati_ref_invalid', 422, { ref: participant.iatiRef });
    const name = participant.name?.trim();
    if ((participant.organisation === undefined) === (name === undefined) || name === '' || (name && (name.length > 200 || notXmlCharacter.test(name)))) throw financeError('participant_party', 422);
    let organisationId: number | null = null;
    if (participant.organisation !== undefined) {
      const organisation = await findOrganisation(ctx.tx, { code: participant.organisation });
      if (!organisation) throw financeError('organisation_not_found', 422, { organisation: participant.organisation });
      organisationId = organisation.id;
    }
    participants.push({ roleCode: participant.role, organisationId, name: name ?? null, iatiRef: participant.iatiRef ?? null });
  }
  return { row: { areaId: area.id, ...texts, ...dates, statusCode: props.status }, siteIds: [...siteIds], participants };
}

/** Sets an activity's sites and participating organisations to these, replacing what it had. */
export async function replaceActivityLinks(ctx: CommandContext, activityId: number, links: Pick<Awaited<ReturnType<typeof checkActivity>>, 'siteIds' | 'participants'>): Promise<void> {
  await ctx.tx.delete(financeActivitySites).where(eq(financeActivitySites.activityId, activityId));
  await ctx.tx.delete(financeParticipatingOrgs).where(eq(financeParticipatingOrgs.activityId, activityId));
  if (links.siteIds.length) await ctx.tx.insert(financeActivitySites).values(links.siteIds.map((siteId) => ({ activityId, siteId })));
  await ctx.tx.insert(financeParticipatingOrgs).values(links.participants.map((participant) => ({ activityId, ...participant })));
}

/** What the journal says of an activity: codes and public texts, no personal data (participants are organisations). */
export function activityEventPayload(code: string, props: ActivityProps) {
  return {
    code,
    area: props.area,
    titleEn: props.titleEn.trim(),
    titleFr: props.titleFr.trim(),
    status: props.status,
    plannedStart: props.plannedStart,
    plannedEnd: props.plannedEnd ?? null,
    actualStart: props.actualStart ?? null,
    actualEnd: props.actualEnd ?? null,
    sites: [...props.sites],
    participants: props.participants.map((participant) => ({ role: participant.role, organisation: participant.organisation ?? null, name: participant.name?.trim() ?? null, iatiRef: participant.iatiRef ?? null })),
  };
}
