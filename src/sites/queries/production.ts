import { and, asc, count, eq, gte, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { organisations } from '../../accounts/public.ts';
import type { Queryable } from '../../db/connect.ts';
import { files } from '../../files/public.ts';
import { productionError } from '../messages/production.ts';
import { minerals, productionDeclarations, sites } from '../schema.ts';

const d = productionDeclarations;
const later = alias(productionDeclarations, 'later');

/** A site as the production pages and routes need it: to address it and to ask the policies. */
export async function siteByCode(db: Queryable, code: string) {
  const [site] = await db
    .select({ id: sites.id, code: sites.code, name: sites.name, cooperativeOrganisationId: sites.cooperativeOrganisationId })
    .from(sites)
    .where(eq(sites.code, code));
  return site;
}

/** The minerals the programme covers, by code; only those named when `codes` is given. */
export async function listMinerals(db: Queryable, codes?: string[]) {
  return db
    .select()
    .from(minerals)
    .where(codes ? inArray(minerals.code, codes) : undefined)
    .orderBy(asc(minerals.code));
}

export async function mineralCodes(db: Queryable): Promise<Set<string>> {
  return new Set((await db.select({ code: minerals.code }).from(minerals)).map((m) => m.code));
}

export type ProductionFilter = { siteId: number; mineral?: string; from?: string; to?: string };

/** Refuses a period that ends before it starts (422 `period_invalid`). */
export function refuseInvertedPeriod(from: string | undefined, to: string | undefined) {
  if (from && to && to < from) throw productionError('period_invalid', 422, { from, to });
}

function filterOf(filter: ProductionFilter): SQL | undefined {
  refuseInvertedPeriod(filter.from, filter.to);
  return and(
    eq(d.siteId, filter.siteId),
    filter.mineral ? eq(d.mineral, filter.mineral) : undefined,
    filter.from ? gte(d.producedOn, filter.from) : undefined,
    filter.to ? lte(d.producedOn, filter.to) : undefined,
  );
}

/** No later row corrects it: the row counts in totals. */
const isEffective = sql`not exists (select 1 from ${productionDeclarations} as later where later.corrects_id = ${d.id})`;
/** A correction that sets wet and dry ore to zero voids what it corrects and declares nothing itself. */
const isNotVoid = or(sql`${d.correctsId} is null`, sql`${d.wetOreKg} > 0`, sql`${d.dryOreKg} > 0`);

/**
 * The declarations that count: rows no later row corrects, with their production date in the
 * period (bounds included). A voiding correction is effective too, with zero quantities.
 */
export async function effectiveDeclarations(db: Queryable, filter: ProductionFilter) {
  return db
    .select()
    .from(d)
    .where(and(filterOf(filter), isEffective))
    .orderBy(asc(d.producedOn), asc(d.id));
}

/**
 * Every row of the period, corrected ones included, with what corrects each one, the organisation
 * that declared it and its evidence file: the history as it was written.
 */
export async function listDeclarations(db: Queryable, filter: ProductionFilter) {
  return declarationRows(db, filterOf(filter));
}

/** Where a page of declarations starts: after this production day and row id (the list's order). */
export type DeclarationCursor = { producedOn: string; id: number };

/**
 * One page of `listDeclarations`, in the same order: at most `limit` rows after `after`, and the
 * cursor of the next page (null on the last). A site's history grows every month, so the API never
 * answers it in one piece.
 */
export async function pageOfDeclarations(db: Queryable, filter: ProductionFilter, page: { limit: number; after?: DeclarationCursor }) {
  const after = page.after ? sql`(${d.producedOn}, ${d.id}) > (${page.after.producedOn}::date, ${page.after.id})` : undefined;
  const rows = await declarationRows(db, and(filterOf(filter), after), page.limit + 1);
  const last = rows[page.limit - 1];
  return { rows: rows.slice(0, page.limit), next: rows.length > page.limit && last ? { producedOn: last.producedOn, id: last.id } : null };
}

async function declarationRows(db: Queryable, where: SQL | undefined, limit?: number) {
  const rows = await db
    .select({
      declaration: d,
      correctedById: later.id,
      declaredBy: organisations.code,
      evidence: { id: files.id, filename: files.filename, sha256: files.sha256 },
    })
    .from(d)
    .leftJoin(later, eq(later.correctsId, d.id))
    .leftJoin(organisations, eq(organisations.id, d.declaredByOrganisationId))
    .leftJoin(files, eq(files.id, d.evidenceFileId))
    .where(where)
    .orderBy(asc(d.producedOn), asc(d.id))
    .limit(limit ?? Number.MAX_SAFE_INTEGER);
  return rows.map((r) => ({
    ...r.declaration,
    correctedById: r.correctedById,
    declaredBy: r.declaredBy,
    evidence: r.evidence ? { fileId: r.evidence.id, filename: r.evidence.filename, sha256: r.evidence.sha256.toString('hex') } : null,
  }));
}

export type DeclarationEntry = Awaited<ReturnType<typeof listDeclarations>>[number];

/** One declaration of a site, as `listDeclarations` gives it. */
export async function findDeclaration(db: Queryable, props: { siteId: number; id: number }): Promise<DeclarationEntry | undefined> {
  const [row] = await declarationRows(db, and(eq(d.siteId, props.siteId), eq(d.id, props.id)));
  return row;
}

const totals = {
  containedKg: sql<number>`coalesce(sum(${d.containedKg}), 0)`.mapWith(Number),
  dryOreKg: sql<number>`coalesce(sum(${d.dryOreKg}), 0)`.mapWith(Number),
  declarations: count(),
};

export type MonthlyTotal = { month: string; mineral: string; containedKg: number; dryOreKg: number; declarations: number };

/**
 * Totals per month (`YYYY-MM`) and mineral of the effective declarations, for a calendar year or
 * a period. Months without production are absent.
 */
export async function monthlyProduction(db: Queryable, props: { siteId: number; year: number } | { siteId: number; from: string; to: string }): Promise<MonthlyTotal[]> {
  const period = 'year' in props ? { from: `${props.year}-01-01`, to: `${props.year}-12-31` } : { from: props.from, to: props.to };
  const month = sql<string>`to_char(${d.producedOn}, 'YYYY-MM')`;
  return db
    .select({ month, mineral: d.mineral, ...totals })
    .from(d)
    .where(and(filterOf({ siteId: props.siteId, ...period }), isEffective, isNotVoid))
    .groupBy(month, d.mineral)
    .orderBy(month, d.mineral);
}

export type YearlyTotal = { year: number; mineral: string; containedKg: number; dryOreKg: number; declarations: number };

/** Totals per calendar year and mineral of the effective declarations, every year of the site. */
export async function yearlyProduction(db: Queryable, props: { siteId: number }): Promise<YearlyTotal[]> {
  const year = sql<number>`extract(year from ${d.producedOn})::int`.mapWith(Number);
  return db
    .select({ year, mineral: d.mineral, ...totals })
    .from(d)
    .where(and(eq(d.siteId, props.siteId), isEffective, isNotVoid))
    .groupBy(year, d.mineral)
    .orderBy(year, d.mineral);
}

/**
 * Contained metal declared for a site and mineral with production dates from `from` to `to`
 * (both included), corrections applied: what a verification may at most state as produced.
 */
export async function declaredContainedKg(db: Queryable, props: { siteId: number; mineral: string; from: string; to: string }): Promise<number> {
  const [row] = await db
    .select({ containedKg: totals.containedKg })
    .from(d)
    .where(and(filterOf(props), isEffective));
  return row?.containedKg ?? 0;
}
