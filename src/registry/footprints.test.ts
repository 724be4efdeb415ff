import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import type { Actor } from '../core/auth/roles.ts';
import { rowsOf } from '../db/connect.ts';
import { type JournalEvent, journalSize, listEntries, runCommand } from '../journal/public.ts';
import { calculateFootprint, requiredKilograms, type CalculateFootprintProps } from './commands/footprints/calculate-footprint.ts';
import { recordProductLine, type RecordProductLineProps } from './commands/footprints/record-product-line.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { coverageOf, getCalculation, listCalculations, listProductLines } from './queries/footprints.ts';
import { getIssuanceAccount } from './queries/accounts.ts';
import { expectCommandRefusal } from '../../test/expect.ts';

let t: TestContext;
let buyer: { id: number; code: string; name: string };
let other: { id: number; code: string; name: string };
let buyerActor: Actor;
let otherActor: Actor;
let phone: { id: number };
let tablet: { id: number };
let cable: { id: number };

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
  buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone', name: 'Fairphone B.V.' });
  other = await t.buildOrganisation({ kind: 'buyer', code: 'cellmaker', name: 'Cellmaker GmbH' });
  buyerActor = actorOf(buyer, 'buyer');
  otherActor = actorOf(other, 'buyer');
});
afterAll(() => t?.close());

const record = (actor: Actor, props: RecordProductLineProps) => runCommand(t.db, actor, (ctx) => recordProductLine(ctx, props));
const calculate = (actor: Actor, props: CalculateFootprintProps) => runCommand(t.db, actor, (ctx) => calculateFootprint(ctx, props));
const period = { periodStart: '2025-01-01', periodEnd: '2025-12-31' };

async function footprintState() {
  const [row] = rowsOf<Record<string, number>>(
    await t.db.execute(sql`select
      (select count(*) from footprint_product_lines)::int as product_lines,
      (select count(*) from footprint_calculations)::int as calculations,
      (select count(*) from footprint_lines)::int as lines`),
  );
  return { ...row!, journal: await journalSize(t.db) };
}

/** Expects the command to be refused with this code and status, in English and French, having changed nothing. */
const expectRefused = (run: () => Promise<unknown>, code: string, status: number) => expectCommandRefusal(run, code, status, { unchanged: footprintState });

async function lastEvent(): Promise<JournalEvent> {
  const [entry] = await listEntries(t.db, (await journalSize(t.db)) - 1, 1);
  return JSON.parse(entry!.bytes.toString('utf8')) as JournalEvent;
}

describe('The required kilograms', () => {
  it('multiply units by milligrams per unit and round up to the kilogram, exactly', () => {
    expect(requiredKilograms([{ unitsSold: 120_000, milligramsPerUnit: 8_500 }])).toBe(1_020n);
    expect(requiredKilograms([{ unitsSold: 1, milligramsPerUnit: 1 }])).toBe(1n);
    expect(requiredKilograms([{ unitsSold: 1_000_000, milligramsPerUnit: 1 }])).toBe(1n);
    expect(requiredKilograms([{ unitsSold: 1_000_001, milligramsPerUnit: 1 }])).toBe(2n);
    expect(requiredKilograms([{ unitsSold: 0, milligramsPerUnit: 8_500 }])).toBe(0n);
    // Beyond 2^53 as a product, still exact.
    expect(requiredKilograms([{ unitsSold: Number.MAX_SAFE_INTEGER, milligramsPerUnit: 1_000_000 }])).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });

  it('give coverage in percent rounded down, over 100 when over-covered, and none when nothing is required', () => {
    expect(coverageOf(1_020, 0)).toEqual({ requiredKg: 1_020, retiredKg: 0, restKg: 1_020, overKg: 0, percent: 0 });
    expect(coverageOf(3, 2)).toEqual({ requiredKg: 3, retiredKg: 2, restKg: 1, overKg: 0, percent: 66.6 });
    expect(coverageOf(10_000, 9_999).percent).toBe(99.9);
    expect(coverageOf(2_000, 2_250)).toEqual({ requiredKg: 2_000, retiredKg: 2_250, restKg: 0, overKg: 250, percent: 112.5 });
    expect(coverageOf(0, 0).percent).toBeNull();
  });
});

describe('Recording product lines', () => {
  it('a buyer records a product line with its content in milligrams; the event names organisation, line, mineral and content', async () => {
    const line = await record(buyerActor, { name: '  Fairphone 5 ', mineral: 'cobalt', milligramsPerUnit: 8_500 });
    phone = line;
    expect(line).toMatchObject({ organisationId: buyer.id, name: 'Fairphone 5', mineral: 'cobalt', milligramsPerUnit: 8_500 });
    expect(await lastEvent()).toMatchObject({
      type: 'registry.product_line_recorded',
      subject: `footprint-product-line:${line.id}`,
      org: 'fairphone',
      payload: { productLineId: line.id, organisation: 'fairphone', name: 'Fairphone 5', mineral: 'cobalt', milligramsPerUnit: 8_500 },
    });
    tablet = await record(buyerActor, { name: 'Fairphone Tab', mineral: 'cobalt', milligramsPerUnit: 25_125 });
    cable = await record(buyerActor, { name: 'USB cable', mineral: 'copper', milligramsPerUnit: 12_000 });
    expect((await listProductLines(t.db, buyer.id)).map((p) => p.name)).toEqual(['Fairphone 5', 'Fairphone Tab', 'USB cable']);
  });

  it('refuses a blank or long name, an unknown mineral, a content that is not a whole number of milligrams above zero', async () => {
    await expectRefused(() => record(buyerActor, { name: ' ', mineral: 'cobalt', milligramsPerUnit: 1 }), 'product_line_name_invalid', 422);
    await expectRefused(() => record(buyerActor, { name: 'x'.repeat(101), mineral: 'cobalt', milligramsPerUnit: 1 }), 'product_line_name_invalid', 422);
    await expectRefused(() => record(buyerActor, { name: 'Phone', mineral: 'lithium', milligramsPerUnit: 1 }), 'mineral_unknown', 422);
    for (const milligramsPerUnit of [0, -5, 8.5, Number.NaN, 1_000_000_001]) {
      await expectRefused(() => record(buyerActor, { name: 'Phone', mineral: 'cobalt', milligramsPerUnit }), 'content_per_unit_invalid', 422);
    }
  });

  it('refuses a second product line of the same name in one organisation, but another organisation may use the name', async () => {
    const error = await expectRefused(() => record(buyerActor, { name: 'Fairphone 5', mineral: 'cobalt', milligramsPerUnit: 9_000 }), 'product_line_name_taken', 409);
    expect(error.text.en).toBe('Fairphone B.V. already has a product line called “Fairphone 5”.');
    expect((await record(otherActor, { name: 'Fairphone 5', mineral: 'cobalt', milligramsPerUnit: 1 })).organisationId).toBe(other.id);
  });

  it('lets a buyer record only for its own organisation, an admin for any, and no other role', async () => {
    await expectRefused(() => record(otherActor, { organisationId: buyer.id, name: 'Sneaky', mineral: 'cobalt', milligramsPerUnit: 1 }), 'forbidden', 403);
    await expectRefused(() => record(actorOf(buyer, 'member'), { name: 'Member line', mineral: 'cobalt', milligramsPerUnit: 1 }), 'forbidden', 403);
    await expectRefused(() => record(system, { name: 'Nobody’s', mineral: 'cobalt', milligramsPerUnit: 1 }), 'footprint_organisation_required', 422);
    await expectRefused(() => record(system, { organisationId: 999_999, name: 'Ghost', mineral: 'cobalt', milligramsPerUnit: 1 }), 'organisation_not_found', 404);
    const recorded = await record(system, { organisationId: other.id, name: 'Battery pack', mineral: 'cobalt', milligramsPerUnit: 1_500_000 });
    expect(recorded.organisationId).toBe(other.id);
  });
});

describe('Calculating a footprint', () => {
  it('computes the kilograms to cover, numbers the reference per organisation, and keeps units sold out of the public journal', async () => {
    const calculation = await calculate(buyerActor, { mineral: 'cobalt', ...period, lines: [{ productLineId: phone.id, unitsSold: 120_000 }, { productLineId: tablet.id, unitsSold: 3 }] });
    // 120,000 × 8,500 mg + 3 × 25,125 mg = 1,020,075,375 mg → 1,020.075… kg → 1,021 kg.
    expect(calculation).toMatchObject({ reference: 'FP-FAIRPHONE-1', organisationId: buyer.id, mineral: 'cobalt', periodStart: '2025-01-01', periodEnd: '2025-12-31', requiredKg: 1_021 });
    expect(calculation.lines.map((l) => [l.productLineId, l.unitsSold, l.milligramsPerUnit])).toEqual([
      [phone.id, 120_000, 8_500],
      [tablet.id, 3, 25_125],
    ]);
    const event = await lastEvent();
    expect(event).toEqual({
      v: 1,
      seq: expect.any(Number),
      time: expect.any(String),
      org: 'fairphone',
      type: 'registry.footprint_calculated',
      subject: 'footprint:FP-FAIRPHONE-1',
      payload: { reference: 'FP-FAIRPHONE-1', organisation: 'fairphone', mineral: 'cobalt', period: { start: '2025-01-01', end: '2025-12-31' }, requiredKg: 1_021 },
    });
    expect(JSON.stringify(event)).not.toContain('120000');
    const second = await calculate(buyerActor, { mineral: 'copper', ...period, lines: [{ productLineId: cable.id, unitsSold: 0 }] });
    expect(second).toMatchObject({ reference: 'FP-FAIRPHONE-2', requiredKg: 0 });
    expect((await calculate(otherActor, { mineral: 'cobalt', ...period, lines: [{ productLineId: (await listProductLines(t.db, other.id))[0]!.id, unitsSold: 1 }] })).reference).toBe('FP-CELLMAKER-1');
  });

  it('reads a calculation back with its lines, named after their product lines', async () => {
    const calculation = await getCalculation(t.db, 'FP-FAIRPHONE-1');
    expect(calculation!.lines).toEqual([
      { productLineId: phone.id, name: 'Fairphone 5', unitsSold: 120_000, milligramsPerUnit: 8_500 },
      { productLineId: tablet.id, name: 'Fairphone Tab', unitsSold: 3, milligramsPerUnit: 25_125 },
    ]);
  });

  it('refuses bad input with a stable code, changing nothing', async () => {
    const line = (unitsSold: number, productLineId = phone.id) => ({ productLineId, unitsSold });
    await expectRefused(() => calculate(buyerActor, { mineral: 'cobalt', ...period, lines: [] }), 'footprint_lines_required', 422);
    await expectRefused(() => calculate(buyerActor, { mineral: 'cobalt', ...period, lines: [line(-1)] }), 'units_sold_invalid', 422);
    await expectRefused(() => calculate(buyerActor, { mineral: 'cobalt', ...period, lines: [line(1.5)] }), 'units_sold_invalid', 422);
    await expectRefused(() => calculate(buyerActor, { mineral: 'cobalt', ...period, lines: [line(1), line(2)] }), 'duplicate_product_line', 422);
    await expectRefused(() => calculate(buyerActor, { mineral: 'cobalt', ...period, lines: [line(1, 999_999)] }), 'product_line_not_found', 422);
    const foreign = (await listProductLines(t.db, other.id))[0]!.id;
    const error = await expectRefused(() => calculate(buyerActor, { mineral: 'cobalt', ...period, lines: [line(1, foreign)] }), 'product_line_not_found', 422);
    expect(error.details).toEqual({ productLineId: foreign });
    const mismatch = await expectRefused(() => calculate(buyerActor, { mineral: 'cobalt', ...period, lines: [line(1, cable.id)] }), 'product_line_mineral_mismatch', 422);
    expect(mismatch.text.fr).toContain('cobalt');
    await expectRefused(() => calculate(buyerActor, { mineral: 'unobtainium', ...period, lines: [line(1)] }), 'mineral_unknown', 422);
    for (const bad of [{ periodStart: '2025-12-31', periodEnd: '2025-01-01' }, { periodStart: '2025-02-30', periodEnd: '2025-12-31' }, { periodStart: '', periodEnd: '2025-12-31' }]) {
      await expectRefused(() => calculate(buyerActor, { mineral: 'cobalt', ...bad, lines: [line(1)] }), 'footprint_period_invalid', 422);
    }
    const grid = await record(buyerActor, { name: 'Grid battery', mineral: 'cobalt', milligramsPerUnit: 1_000_000_000 });
    await expectRefused(() => calculate(buyerActor, { mineral: 'cobalt', ...period, lines: [line(Number.MAX_SAFE_INTEGER, grid.id)] }), 'footprint_too_large', 422);
  });

  it('lets a buyer calculate only for its own organisation and an admin for any; a member may not', async () => {
    await expectRefused(() => calculate(otherActor, { organisationId: buyer.id, mineral: 'cobalt', ...period, lines: [{ productLineId: phone.id, unitsSold: 1 }] }), 'forbidden', 403);
    await expectRefused(() => calculate(actorOf(buyer, 'member'), { mineral: 'cobalt', ...period, lines: [{ productLineId: phone.id, unitsSold: 1 }] }), 'forbidden', 403);
    const byAdmin = await calculate(system, { organisationId: buyer.id, mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-12-31', lines: [{ productLineId: phone.id, unitsSold: 1_000 }] });
    expect(byAdmin).toMatchObject({ reference: 'FP-FAIRPHONE-3', requiredKg: 9 });
  });

  it('numbers concurrent calculations of one organisation without a gap or a clash', async () => {
    const productLineId = (await listProductLines(t.db, other.id))[0]!.id;
    const done = await Promise.all(Array.from({ length: 5 }, () => calculate(otherActor, { mineral: 'cobalt', ...period, lines: [{ productLineId, unitsSold: 1 }] })));
    expect(done.map((c) => c.reference).sort()).toEqual(['FP-CELLMAKER-2', 'FP-CELLMAKER-3', 'FP-CELLMAKER-4', 'FP-CELLMAKER-5', 'FP-CELLMAKER-6']);
  });
});

describe('Coverage of a footprint', () => {
  it('counts the retirements of the organisation that name the reference, and shows over-coverage', async () => {
    const signed = await insertSignedStatement(t, { responsibleKg: 5_000, periodStart: '2025-01-01', periodEnd: '2025-12-31' });
    await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: signed.statement.id, quantityKg: 5_000 }));
    const issuance = (await getIssuanceAccount(t.db))!.id;
    const buyerAccount = await openApprovedAccount(t.db, buyer);
    const otherAccount = await openApprovedAccount(t.db, other);
    await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: buyerAccount.id, quantityKg: 3_000 }));
    await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: otherAccount.id, quantityKg: 1_000 }));
    const claim = { beneficiary: 'Fairphone B.V.', claimPeriodStart: '2025-01-01', claimPeriodEnd: '2025-12-31', covers: 'Fairphone 5: 120,000 units' };
    const retire = (actor: Actor, accountId: number, quantityKg: number, footprintReference: string) => runCommand(t.db, actor, (ctx) => retireCredits(ctx, { accountId, quantityKg, ...claim, footprintReference }));

    expect((await getCalculation(t.db, 'FP-FAIRPHONE-1'))!.coverage).toEqual({ requiredKg: 1_021, retiredKg: 0, restKg: 1_021, overKg: 0, percent: 0 });
    const first = await retire(buyerActor, buyerAccount.id, 600, 'FP-FAIRPHONE-1');
    await retire(buyerActor, buyerAccount.id, 200, 'FP-FAIRPHONE-3');
    // Another organisation naming the reference covers nothing of it.
    await retire(otherActor, otherAccount.id, 100, 'FP-FAIRPHONE-1');
    let calculation = await getCalculation(t.db, 'FP-FAIRPHONE-1');
    expect(calculation!.coverage).toEqual({ requiredKg: 1_021, retiredKg: 600, restKg: 421, overKg: 0, percent: 58.7 });
    expect(calculation!.retirements).toEqual([expect.objectContaining({ id: first.id, quantityKg: 600, beneficiary: 'Fairphone B.V.', claimPeriodStart: '2025-01-01', claimPeriodEnd: '2025-12-31' })]);

    await retire(buyerActor, buyerAccount.id, 500, 'FP-FAIRPHONE-1');
    calculation = await getCalculation(t.db, 'FP-FAIRPHONE-1');
    expect(calculation!.coverage).toEqual({ requiredKg: 1_021, retiredKg: 1_100, restKg: 0, overKg: 79, percent: 107.7 });
    expect(calculation!.retirements.map((r) => r.quantityKg)).toEqual([600, 500]);

    const listed = await listCalculations(t.db, buyer.id);
    expect(listed.map((c) => [c.reference, c.coverage.retiredKg, c.coverage.percent])).toEqual([
      ['FP-FAIRPHONE-3', 200, 2222.2],
      ['FP-FAIRPHONE-2', 0, null],
      ['FP-FAIRPHONE-1', 1_100, 107.7],
    ]);
    expect(await getCalculation(t.db, 'FP-NOBODY-1')).toBeUndefined();
  });
});
