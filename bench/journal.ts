/**
 * Journal benchmark: what the append-only, Merkle-committed journal costs.
 *
 * 1. Events appended per second through the real command path (`runCommand` + `appendEvent`), against
 *    single-row INSERT transactions per second on the same engine (scratch table `bench_rows`), in
 *    interleaved rounds so that machine noise hits both alike. PGlite on disk in a fresh temp data
 *    dir always; PostgreSQL too when DATABASE_URL is set (a fresh database `orebook_bench_<pid>`,
 *    migrated, dropped at the end).
 * 2. Recomputing the tree over 100,000 events (hashLeaf + MerkleTree + root, as `orebook verify`
 *    does) against plain SHA-256 over the same bytes, and the size of an inclusion proof.
 *
 * A measurement, not a test: figures below a goal are reported as BELOW, never fail the run.
 *
 *   npm run bench:journal
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:journal
 *
 * Knobs: BENCH_N (transactions per path and round), BENCH_ROUNDS, BENCH_TREE_SIZE, and
 * OREBOOK_BENCH_DIR (parent of the temp PGlite data dir; default the OS temp dir).
 */
import { createHash, hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Actor } from '../src/core/auth/roles.ts';
import { canonicalBytes } from '../src/core/canonical-json.ts';
import { commitPersonalData } from '../src/core/commitment.ts';
import { hashLeaf, MerkleTree, rootHash, verifyInclusion } from '../src/core/merkle.ts';
import type { Database } from '../src/db/connect.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { appendEvent, eventVersion, runCommand, type EventInput, type JournalEvent } from '../src/journal/commands.ts';
import { checkInterrupted, int, loadAverage, median, onEveryEngine, pct, positiveInt, printMachine, table, verdict, wasInterrupted, type Engine } from './common.ts';

const N = positiveInt('BENCH_N', 600);
const ROUNDS = positiveInt('BENCH_ROUNDS', 5);
const WARMUP = Math.min(200, N);
const TREE_SIZE = positiveInt('BENCH_TREE_SIZE', 100_000);
const TREE_REPEATS = 5;
const JOURNAL_GOAL = 0.5;
const TREE_GOAL = 0.5;

const ORG = 'coop-kalimba';
const actor: Actor = { kind: 'system', orgId: 1, orgCode: ORG, role: 'admin' };
// ---------------------------------------------------------------------------------------------
// Realistic events

const salt = Buffer.alloc(32, 7); // fixed, so that runs are comparable

/** Input of a typical small command: a worker registered at a site, with a salted commitment to their personal data. */
function eventInput(i: number): EventInput {
  return {
    type: 'people.worker_registered',
    subject: `worker:W-${String(i).padStart(6, '0')}`,
    payload: { site: `site:kal-${String(i % 40).padStart(2, '0')}`, commitment: commitPersonalData(salt, { name: `Worker ${i}`, birthYear: 1960 + (i % 45) }) },
  };
}

/** The canonical JSON bytes of event `i` as the journal would hold it (about 255 bytes). */
function eventBytes(i: number, start: number): Buffer {
  const input = eventInput(i);
  const event: JournalEvent = {
    v: eventVersion,
    seq: i,
    time: new Date(start + i * 1_379).toISOString(),
    org: ORG,
    ...input,
  };
  return canonicalBytes(event);
}

// ---------------------------------------------------------------------------------------------
// Appends against raw inserts

type PathName = 'journal' | 'raw';
type EngineResult = { engine: Engine; rates: Record<PathName, number[]> };

async function prepare(db: Database): Promise<void> {
  await db.execute(sql`create table if not exists bench_rows (id serial primary key, payload jsonb not null)`);
}

/** One command: one event through the real command path. */
async function journalOnce(db: Database, i: number): Promise<void> {
  await runCommand(db, actor, (ctx) => appendEvent(ctx, eventInput(i)));
}

/** One transaction with one INSERT of a payload of the same size as the event's. */
async function rawOnce(db: Database, i: number): Promise<void> {
  const payload = JSON.stringify({ v: eventVersion, seq: i, time: new Date().toISOString(), org: ORG, ...eventInput(i) });
  await db.transaction(async (tx) => {
    await tx.execute(sql`insert into bench_rows (payload) values (${payload}::jsonb)`);
  });
}

const runners: Record<PathName, (db: Database, i: number) => Promise<void>> = { journal: journalOnce, raw: rawOnce };

/** Runs `count` transactions of one path; returns transactions per second. */
async function timed(db: Database, which: PathName, count: number, offset: number): Promise<number> {
  const run = runners[which];
  const started = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    checkInterrupted();
    await run(db, offset + i);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return count / seconds;
}

async function benchEngine(engine: Engine): Promise<EngineResult> {
  const db = engine.handle.db;
  await migrateDatabase(engine.handle);
  await prepare(db);
  // Warm up both paths (JIT, prepared plans, first pages) before anything is counted.
  await timed(db, 'journal', WARMUP, 0);
  await timed(db, 'raw', WARMUP, 0);
  const rates: Record<PathName, number[]> = { journal: [], raw: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which path goes first, so drift within a round does not favour one of them.
    const order: PathName[] = round % 2 === 0 ? ['journal', 'raw'] : ['raw', 'journal'];
    for (const which of order) {
      rates[which].push(await timed(db, which, N, WARMUP + round * N));
      process.stderr.write(`  ${engine.label}: round ${round + 1}/${ROUNDS} ${which} done\n`);
    }
  }
  return { engine, rates };
}

// ---------------------------------------------------------------------------------------------
// Tree recomputation

type TreeResult = {
  size: number;
  averageBytes: number;
  treeMs: number[];
  rootHashMs: number[];
  plainMs: number[];
  oneShotMs: number[];
  proof: { index: number; hashes: number; verifies: boolean }[];
};

function msSince(started: bigint): number {
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function benchTree(): TreeResult {
  const start = Date.UTC(2025, 0, 1);
  const entries = Array.from({ length: TREE_SIZE }, (_, i) => eventBytes(i, start));
  const averageBytes = entries.reduce((sum, bytes) => sum + bytes.length, 0) / entries.length;

  let sink = 0; // keeps every digest observable, so nothing is optimised away
  let tree = new MerkleTree();
  const result: TreeResult = { size: TREE_SIZE, averageBytes, treeMs: [], rootHashMs: [], plainMs: [], oneShotMs: [], proof: [] };
  const runs: Record<'tree' | 'rootHash' | 'plain' | 'oneShot', () => void> = {
    // What `orebook verify` does: hash each entry's bytes as a leaf, append it, take the root.
    tree: () => {
      const t = new MerkleTree();
      for (const bytes of entries) t.append(hashLeaf(bytes));
      sink ^= t.root()[0]!;
      tree = t;
    },
    // The same with the stack-based rootHash over the list of leaf hashes.
    rootHash: () => {
      const leaves = entries.map((bytes) => hashLeaf(bytes));
      sink ^= rootHash(leaves)[0]!;
    },
    // Plain SHA-256 per entry, no tree, with the usual streaming API.
    plain: () => {
      for (const bytes of entries) sink ^= createHash('sha256').update(bytes).digest()[0]!;
    },
    // The floor: one-shot SHA-256 per entry, the primitive the tree itself uses. The tree needs
    // two calls per entry (leaf and node), so against this floor its ratio cannot pass ~0.5.
    oneShot: () => {
      for (const bytes of entries) sink ^= hash('sha256', bytes, 'buffer')[0]!;
    },
  };
  runs.plain(); // warm-up
  runs.oneShot();
  runs.tree();
  runs.rootHash();
  for (let r = 0; r < TREE_REPEATS; r++) {
    const order = r % 2 === 0 ? (['tree', 'rootHash', 'plain', 'oneShot'] as const) : (['oneShot', 'plain', 'rootHash', 'tree'] as const);
    for (const which of order) {
      const started = process.hrtime.bigint();
      runs[which]();
      result[`${which}Ms`].push(msSince(started));
    }
  }
  if (sink === 256) console.log(''); // never true; uses sink

  const rootNow = tree.root();
  for (const index of [0, Math.floor(TREE_SIZE / 2), TREE_SIZE - 1]) {
    const proof = tree.inclusionProof(index, TREE_SIZE);
    result.proof.push({ index, hashes: proof.length, verifies: verifyInclusion(tree.leafHash(index), index, TREE_SIZE, proof, rootNow) });
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Output


/** Journal rate over raw rate of each round: the two ran back to back, so they shared the same machine noise. */
function pairedRatios(rates: Record<PathName, number[]>): number[] {
  return rates.journal.map((journal, r) => journal / rates.raw[r]!);
}

async function main(): Promise<void> {
  printMachine('Orebook journal benchmark');
  console.log(`  rounds  : ${ROUNDS} × ${N} transactions per path (after ${WARMUP} warm-up each), interleaved`);

  const { results, failures } = await onEveryEngine(benchEngine);
  if (wasInterrupted()) {
    process.exitCode = 130;
    return;
  }
  console.log(`  tree    : ${TREE_SIZE.toLocaleString('en-US')} events generated in memory, ${TREE_REPEATS} interleaved repeats`);
  const tree = benchTree();

  console.log(`  load    : ${loadAverage()} (1/5/15 min) at the end`);

  // Appends
  const roundHeads = Array.from({ length: ROUNDS }, (_, r) => `round ${r + 1}`);
  const appendRows: string[][] = [['engine', 'path', ...roundHeads, 'median', 'ms/tx']];
  for (const { engine, rates } of results) {
    for (const [which, label] of [
      ['journal', 'journal append (runCommand+appendEvent)'],
      ['raw', 'raw insert (1 row per transaction)'],
    ] as const) {
      const m = median(rates[which]);
      appendRows.push([engine.label, `${label}, tx/s`, ...rates[which].map(int), int(m), (1000 / m).toFixed(2)]);
    }
    const perRound = pairedRatios(rates);
    appendRows.push([engine.label, 'ratio journal/raw (same round)', ...perRound.map(pct), pct(median(perRound)), '']);
  }
  console.log('\nAppends through the command path against raw single-row insert transactions');
  console.log(table(appendRows, (c) => c >= 2));
  console.log('(median column: the median round; the ratio is the median of the per-round ratios)');

  // Tree
  const treeMs = median(tree.treeMs);
  const plainMs = median(tree.plainMs);
  const log2 = Math.ceil(Math.log2(tree.size));
  const hashes = tree.proof.map((p) => p.hashes);
  const treeRows: string[][] = [
    ['work', ...tree.treeMs.map((_, r) => `run ${r + 1}`), 'median ms', 'µs/entry'],
    ['hashLeaf + MerkleTree.append + root (as verify)', ...tree.treeMs.map((ms) => ms.toFixed(1)), treeMs.toFixed(1), ((treeMs * 1000) / tree.size).toFixed(2)],
    ['hashLeaf + rootHash() over the leaf list', ...tree.rootHashMs.map((ms) => ms.toFixed(1)), median(tree.rootHashMs).toFixed(1), ((median(tree.rootHashMs) * 1000) / tree.size).toFixed(2)],
    ['plain SHA-256 per entry (createHash)', ...tree.plainMs.map((ms) => ms.toFixed(1)), plainMs.toFixed(1), ((plainMs * 1000) / tree.size).toFixed(2)],
    ['one-shot SHA-256 per entry (crypto.hash)', ...tree.oneShotMs.map((ms) => ms.toFixed(1)), median(tree.oneShotMs).toFixed(1), ((median(tree.oneShotMs) * 1000) / tree.size).toFixed(2)],
  ];
  console.log(`\nTree recomputation over ${tree.size.toLocaleString('en-US')} events (canonical JSON, ${tree.averageBytes.toFixed(0)} bytes on average)`);
  console.log(table(treeRows, (c) => c >= 1));
  console.log(`ratio plain/tree: ${(plainMs / treeMs).toFixed(2)}; against the one-shot floor: ${(median(tree.oneShotMs) / treeMs).toFixed(2)} (at most ~0.5: the tree makes two hash calls per entry)`);
  console.log(
    `inclusion proof at size ${tree.size.toLocaleString('en-US')}: ${tree.proof
      .map((p) => `leaf ${p.index} → ${p.hashes} hashes, ${p.hashes * 32} bytes${p.verifies ? '' : ' (DOES NOT VERIFY)'}`)
      .join('; ')} (ceil(log2 n) = ${log2})`,
  );

  // Goals
  console.log('\nGoals');
  for (const { engine, rates } of results) {
    const ratio = median(pairedRatios(rates));
    console.log(`  ${engine.label}: journal append rate ≥ ${pct(JOURNAL_GOAL)} of raw insert rate: ${pct(ratio)}  ${verdict(ratio, JOURNAL_GOAL)}`);
  }
  const treeRatio = plainMs / treeMs;
  console.log(`  tree recomputation: plain/tree ≥ ${TREE_GOAL.toFixed(2)}: ${treeRatio.toFixed(2)}  ${verdict(treeRatio, TREE_GOAL)}`);
  const maxHashes = Math.max(...hashes);
  console.log(`  inclusion proof ≤ ceil(log2 n) = ${log2} hashes: ${maxHashes}  ${verdict(log2, maxHashes)}`);
  for (const failure of failures) console.log(`  NOT MEASURED ${failure}`);

  const knobs = ['BENCH_N', 'BENCH_ROUNDS', 'BENCH_TREE_SIZE', 'OREBOOK_BENCH_DIR']
    .filter((name) => process.env[name])
    .map((name) => `${name}=${process.env[name]} `)
    .join('');
  console.log('\nReproduce with');
  console.log(`  ${knobs}npm run bench:journal`);
  console.log(`  ${knobs}DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:journal`);
  // A measurement: figures below a goal never fail the run; a run that could not measure does.
  if (failures.length > 0) process.exitCode = 1;
}

await main();
