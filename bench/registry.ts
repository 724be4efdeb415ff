/**
 * Registry benchmark: what keeping every unit's serial costs.
 *
 * 1. Transfers and retirements per second through the real command path (`runCommand` with
 *    `transferCredits` / `retireCredits`: lock accounts, choose blocks first in first out, carve
 *    them, one journal event), against single-row INSERT transactions per second on the same
 *    engine, in interleaved rounds so that machine noise hits all paths alike.
 * 2. One retirement from a batch of 10^9 units against one from a batch of 10^3 units, interleaved:
 *    the work must follow the number of blocks touched, never the number of units (goal: the
 *    large batch within 1.5× of the small one).
 *
 * PGlite on disk in a fresh temp data dir always; PostgreSQL too when DATABASE_URL is set (a fresh
 * database, migrated, dropped at the end). A measurement, not a test: a figure below its goal is
 * reported as BELOW and never fails the run.
 *
 *   npm run bench:registry
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:registry
 *
 * Knobs: BENCH_N (operations per path and round), BENCH_ROUNDS, OREBOOK_BENCH_DIR.
 */
import { sql } from 'drizzle-orm';
import { createOrganisation } from '../src/accounts/commands.ts';
import type { Actor, OrganisationKind } from '../src/core/auth/roles.ts';
import type { Database } from '../src/db/connect.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { runCommand } from '../src/journal/commands.ts';
import { issueBatch } from '../src/registry/commands/issue-batch.ts';
import { retireCredits } from '../src/registry/commands/retire-credits.ts';
import { transferCredits } from '../src/registry/commands/transfer-credits.ts';
import { getIssuanceAccount } from '../src/registry/queries/accounts.ts';
import { insertSignedStatement, openApprovedAccount } from '../test/factories/registry.ts';
import { checkInterrupted, int, loadAverage, median, onEveryEngine, pct, positiveInt, printMachine, table, wasInterrupted, type Engine } from './common.ts';

const N = positiveInt('BENCH_N', 200);
const ROUNDS = positiveInt('BENCH_ROUNDS', 5);
const WARMUP = Math.min(50, N);
const LARGE = 1_000_000_000;
const SMALL = 1_000;
const SIZE_GOAL = 1.5;

const admin: Actor = { kind: 'system', orgId: null, orgCode: null, role: 'admin' };
const claim = { beneficiary: 'Bench Buyer SA', claimPeriodStart: '2025-01-01', claimPeriodEnd: '2025-12-31', covers: 'total use' };

type Fixture = { from: number; to: number; retireFrom: number; large: number; small: number };

/** A secretariat, a buyer with three approved accounts, and three batches issued from one signed statement. */
async function setUp(db: Database): Promise<Fixture> {
  let counter = 0;
  const buildOrganisation = async (props: { kind?: OrganisationKind } = {}) => {
    const code = `bench-${++counter}`;
    return runCommand(db, admin, (ctx) => createOrganisation(ctx, { code, name: `Bench ${code}`, kind: props.kind ?? 'secretariat', country: 'CD' }));
  };
  await buildOrganisation({ kind: 'secretariat' });
  const buyer = await buildOrganisation({ kind: 'buyer' });
  const moves = (N + WARMUP) * ROUNDS * 2;
  const { statement } = await insertSignedStatement({ db, buildOrganisation }, { responsibleKg: LARGE + SMALL + moves * 4 });
  const issuance = (await runCommand(db, admin, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg: moves * 4 })), (await getIssuanceAccount(db))!.id);
  const account = async (name: string) => (await openApprovedAccount(db, buyer, name)).id;
  const [from, to, retireFrom, large, small] = [await account('From'), await account('To'), await account('Retire'), await account('Large'), await account('Small')];
  await runCommand(db, admin, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: from, quantityKg: moves * 2 }));
  await runCommand(db, admin, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: retireFrom, quantityKg: moves * 2 }));
  for (const [quantityKg, accountId] of [
    [LARGE, large],
    [SMALL, small],
  ] as const) {
    const batch = await runCommand(db, admin, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg }));
    await runCommand(db, admin, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: accountId, blocks: [{ batchId: batch.id, firstUnit: 1, lastUnit: quantityKg }] }));
  }
  await db.execute(sql`create table if not exists bench_rows (id serial primary key, payload jsonb not null)`);
  return { from, to, retireFrom, large, small };
}

type PathName = 'transfer' | 'retire' | 'raw';

function runnersFor(db: Database, f: Fixture): Record<PathName, (i: number) => Promise<unknown>> {
  return {
    // 1 kg a time: each splits one block of the sender, so the work per operation stays the same.
    transfer: () => runCommand(db, admin, (ctx) => transferCredits(ctx, { fromAccountId: f.from, toAccountId: f.to, quantityKg: 1 })),
    retire: () => runCommand(db, admin, (ctx) => retireCredits(ctx, { accountId: f.retireFrom, quantityKg: 1, ...claim })),
    raw: (i) =>
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into bench_rows (payload) values (${JSON.stringify({ i, type: 'registry.credits_retired', ...claim })}::jsonb)`);
      }),
  };
}

async function timed(run: (i: number) => Promise<unknown>, count: number, offset: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    checkInterrupted();
    await run(offset + i);
  }
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Milliseconds per retirement of 1 kg from an account that holds a whole batch of the given size. */
async function retirementMs(db: Database, accountId: number, count: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    checkInterrupted();
    await runCommand(db, admin, (ctx) => retireCredits(ctx, { accountId, quantityKg: 1, ...claim }));
  }
  return Number(process.hrtime.bigint() - started) / 1e6 / count;
}

type Result = { engine: Engine; rates: Record<PathName, number[]>; largeMs: number[]; smallMs: number[] };

async function benchEngine(engine: Engine): Promise<Result> {
  const db = engine.handle.db;
  await migrateDatabase(engine.handle);
  const fixture = await setUp(db);
  const runners = runnersFor(db, fixture);
  const paths: PathName[] = ['transfer', 'retire', 'raw'];
  for (const which of paths) await timed(runners[which], WARMUP, 0);
  await retirementMs(db, fixture.large, 5);
  await retirementMs(db, fixture.small, 5);
  const result: Result = { engine, rates: { transfer: [], retire: [], raw: [] }, largeMs: [], smallMs: [] };
  // The small batch has 1,000 units: at most (1,000 − 5 warm-up) retirements of 1 kg in all.
  const sizeCount = Math.max(1, Math.min(N, Math.floor((SMALL - 5) / ROUNDS)));
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? paths : [...paths].reverse();
    for (const which of order) result.rates[which].push(await timed(runners[which], N, WARMUP + round * N));
    const [first, second] = round % 2 === 0 ? (['large', 'small'] as const) : (['small', 'large'] as const);
    for (const size of [first, second]) (size === 'large' ? result.largeMs : result.smallMs).push(await retirementMs(db, fixture[size], sizeCount));
    process.stderr.write(`  ${engine.label}: round ${round + 1}/${ROUNDS} done\n`);
  }
  return result;
}

async function main(): Promise<void> {
  printMachine('Orebook registry benchmark');
  console.log(`  rounds  : ${ROUNDS} × ${N} operations per path (after ${WARMUP} warm-up each), interleaved`);

  const { results, failures } = await onEveryEngine(benchEngine);
  if (wasInterrupted()) {
    process.exitCode = 130;
    return;
  }
  console.log(`  load    : ${loadAverage()} (1/5/15 min) at the end`);

  const heads = Array.from({ length: ROUNDS }, (_, r) => `round ${r + 1}`);
  const rows: string[][] = [['engine', 'path', ...heads, 'median', 'ms/op']];
  for (const { engine, rates } of results) {
    for (const [which, label] of [
      ['transfer', 'transfer 1 kg (runCommand+transferCredits), ops/s'],
      ['retire', 'retire 1 kg (runCommand+retireCredits), ops/s'],
      ['raw', 'raw insert (1 row per transaction), tx/s'],
    ] as const) {
      const m = median(rates[which]);
      rows.push([engine.label, label, ...rates[which].map(int), int(m), (1000 / m).toFixed(2)]);
    }
    for (const which of ['transfer', 'retire'] as const) {
      const perRound = rates[which].map((rate, r) => rate / rates.raw[r]!);
      rows.push([engine.label, `ratio ${which}/raw (same round)`, ...perRound.map(pct), pct(median(perRound)), '']);
    }
  }
  console.log('\nTransfers and retirements through the command path against raw single-row insert transactions');
  console.log(table(rows, (c) => c >= 2));

  const sizeRows: string[][] = [['engine', 'batch', ...heads, 'median ms']];
  for (const { engine, largeMs, smallMs } of results) {
    sizeRows.push([engine.label, `10^9 units`, ...largeMs.map((ms) => ms.toFixed(2)), median(largeMs).toFixed(2)]);
    sizeRows.push([engine.label, `10^3 units`, ...smallMs.map((ms) => ms.toFixed(2)), median(smallMs).toFixed(2)]);
  }
  console.log('\nOne retirement of 1 kg, from an account holding a whole batch of 10^9 units against one of 10^3');
  console.log(table(sizeRows, (c) => c >= 2));

  console.log('\nGoals');
  for (const { engine, largeMs, smallMs } of results) {
    const perRound = largeMs.map((ms, r) => ms / smallMs[r]!);
    const ratio = median(perRound);
    console.log(`  ${engine.label}: retirement from 10^9 within ${SIZE_GOAL}× of 10^3: ${ratio.toFixed(2)}×  ${ratio <= SIZE_GOAL ? 'PASS' : 'BELOW'}`);
  }
  for (const failure of failures) console.log(`  NOT MEASURED ${failure}`);

  const knobs = ['BENCH_N', 'BENCH_ROUNDS', 'OREBOOK_BENCH_DIR']
    .filter((name) => process.env[name])
    .map((name) => `${name}=${process.env[name]} `)
    .join('');
  console.log('\nReproduce with');
  console.log(`  ${knobs}npm run bench:registry`);
  console.log(`  ${knobs}DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:registry`);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
