import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import type { Queryable } from '../../db/connect.ts';
import { creditAccounts, creditRetirements, footprintCalculations, footprintLines, footprintProductLines } from '../schema.ts';

/** How far retirements cover a footprint, in kilograms, and in percent of what it requires. */
export type Coverage = {
  requiredKg: number;
  retiredKg: number;
  /** What is still to retire (0 once covered). */
  restKg: number;
  /** What was retired beyond the footprint (0 until covered): shown, never hidden by a capped percentage. */
  overKg: number;
  /** Retired ÷ required in percent, rounded down to a tenth (so 99.96 % never reads as 100 %); above 100 when over-covered; null when nothing is required. */
  percent: number | null;
};

export function coverageOf(requiredKg: number, retiredKg: number): Coverage {
  const percent = requiredKg === 0 ? null : Number((BigInt(retiredKg) * 1000n) / BigInt(requiredKg)) / 10;
  return { requiredKg, retiredKg, restKg: Math.max(0, requiredKg - retiredKg), overKg: Math.max(0, retiredKg - requiredKg), percent };
}

/**
 * The retirements that cover a calculation: those that name its reference as their footprint
 * reference, from an account of the calculation's own organisation (another organisation naming
 * the same reference covers nothing of it).
 */
const coveringRetirement = and(
  eq(creditRetirements.footprintReference, footprintCalculations.reference),
  eq(creditAccounts.organisationId, footprintCalculations.organisationId),
);

// Written out in full: drizzle leaves columns unqualified in a one-table select, which a correlated subquery cannot have.
const retiredKgOfCalculation = sql<number>`coalesce((
  select sum(r.quantity_kg) from credit_retirements r
  inner join credit_accounts a on a.id = r.account_id
  where r.footprint_reference = "footprint_calculations"."reference" and a.organisation_id = "footprint_calculations"."organisation_id"), 0)`.mapWith(Number);

export async function listProductLines(db: Queryable, organisationId: number) {
  return db.select().from(footprintProductLines).where(eq(footprintProductLines.organisationId, organisationId)).orderBy(asc(footprintProductLines.name), asc(footprintProductLines.id));
}

/** An organisation's calculations, newest first, each with its coverage. */
export async function listCalculations(db: Queryable, organisationId: number) {
  const rows = await db
    .select({
      id: footprintCalculations.id,
      reference: footprintCalculations.reference,
      mineral: footprintCalculations.mineral,
      periodStart: footprintCalculations.periodStart,
      periodEnd: footprintCalculations.periodEnd,
      requiredKg: footprintCalculations.requiredKg,
      retiredKg: retiredKgOfCalculation,
      createdAt: footprintCalculations.createdAt,
    })
    .from(footprintCalculations)
    .where(eq(footprintCalculations.organisationId, organisationId))
    .orderBy(desc(footprintCalculations.id));
  return rows.map(({ retiredKg, ...row }) => ({ ...row, coverage: coverageOf(row.requiredKg, retiredKg) }));
}

export type CalculationSummary = Awaited<ReturnType<typeof listCalculations>>[number];

/**
 * A calculation by its reference, with its organisation, its lines (product line names and the
 * content each had then), the retirements that cover it, and its coverage.
 */
export async function getCalculation(db: Queryable, reference: string) {
  const [calculation] = await db
    .select({
      id: footprintCalculations.id,
      reference: footprintCalculations.reference,
      organisation: { id: organisations.id, code: organisations.code, name: organisations.name },
      mineral: footprintCalculations.mineral,
      periodStart: footprintCalculations.periodStart,
      periodEnd: footprintCalculations.periodEnd,
      requiredKg: footprintCalculations.requiredKg,
      createdAt: footprintCalculations.createdAt,
    })
    .from(footprintCalculations)
    .innerJoin(organisations, eq(organisations.id, footprintCalculations.organisationId))
    .where(eq(footprintCalculations.reference, reference));
  if (!calculation) return undefined;
  const [lines, retirements] = await Promise.all([
    db
      .select({
        productLineId: footprintLines.productLineId,
        name: footprintProductLines.name,
        unitsSold: footprintLines.unitsSold,
        milligramsPerUnit: footprintLines.milligramsPerUnit,
      })
      .from(footprintLines)
      .innerJoin(footprintProductLines, eq(footprintProductLines.id, footprintLines.productLineId))
      .where(eq(footprintLines.calculationId, calculation.id))
      .orderBy(asc(footprintProductLines.name), asc(footprintLines.id)),
    db
      .select({
        id: creditRetirements.id,
        quantityKg: creditRetirements.quantityKg,
        beneficiary: creditRetirements.beneficiary,
        claimPeriodStart: creditRetirements.claimPeriodStart,
        claimPeriodEnd: creditRetirements.claimPeriodEnd,
        covers: creditRetirements.covers,
        createdAt: creditRetirements.createdAt,
      })
      .from(creditRetirements)
      .innerJoin(creditAccounts, eq(creditAccounts.id, creditRetirements.accountId))
      .innerJoin(footprintCalculations, eq(footprintCalculations.id, calculation.id))
      .where(coveringRetirement)
      .orderBy(asc(creditRetirements.id)),
  ]);
  const retiredKg = retirements.reduce((sum, r) => sum + r.quantityKg, 0);
  return { ...calculation, lines, retirements, coverage: coverageOf(calculation.requiredKg, retiredKg) };
}

export type CalculationDetail = NonNullable<Awaited<ReturnType<typeof getCalculation>>>;
