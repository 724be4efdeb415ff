/**
 * Crash check: no acknowledged write is lost when the server is killed with SIGKILL under load.
 *
 * Loads the demo data set into a temp PGlite data dir (and, when DATABASE_URL is set, into a fresh
 * PostgreSQL database dropped at the end), makes an API token for a field officer, then KILLS times:
 * starts `node bin/orebook.js serve` as a real process, sends safety incidents from WRITERS
 * concurrent clients over HTTP, and `kill -9`s the server after a random moment of that load. At the
 * end every incident acknowledged with a 2xx must be in the database with the id it was given, and
 * `orebook verify` must pass. Exits 1 if either fails; the run takes about a minute or two.
 *
 *   npm run bench:crash
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:crash
 *
 * Knobs: CRASH_KILLS (5), CRASH_WRITERS (8), CRASH_SEED, OREBOOK_BENCH_DIR.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { connectDatabase, rowsOf } from '../src/db/connect.ts';
import { seededRandom } from '../src/demo.ts';
import { freePort, positiveInt, printMachine } from './common.ts';

const KILLS = positiveInt('CRASH_KILLS', 5);
const WRITERS = positiveInt('CRASH_WRITERS', 8);
const SEED = positiveInt('CRASH_SEED', Date.now() % 1_000_000);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const random = seededRandom(SEED);

function orebook(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['bin/orebook.js', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function mustRun(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const result = await orebook(args, env);
  if (result.code !== 0) throw new Error(`orebook ${args.join(' ')} exited ${result.code}: ${(result.stderr || result.stdout).slice(-800)}`);
  return result.stdout;
}

async function startServer(env: NodeJS.ProcessEnv): Promise<{ base: string; child: ChildProcess; startMs: number }> {
  const started = performance.now();
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/orebook.js', 'serve', '--port', String(port)], { cwd: root, env: { ...env, OREBOOK_LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} at start`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return { base, child, startMs: performance.now() - started };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the server did not answer /healthz within 60 s');
}

type Acknowledged = { id: number; description: string };

/** Writers post incidents until the server goes away; returns the ones it acknowledged. */
async function writeUntilKilled(base: string, token: string, round: number, killAfterMs: number, child: ChildProcess) {
  const acknowledged: Acknowledged[] = [];
  let failed = 0;
  let refused = 0;
  let stop = false;
  const writer = async (w: number) => {
    for (let n = 0; !stop; n++) {
      const description = `crash check r${round} w${w} n${n}`;
      try {
        const response = await fetch(`${base}/api/v1/safety/sites/KAM/incidents`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ occurredOn: '2025-02-10', kind: 'fall', severity: 'near_miss', description, people: [] }),
        });
        const body = (await response.json()) as { id?: number };
        if (response.status >= 200 && response.status < 300 && typeof body.id === 'number') acknowledged.push({ id: body.id, description });
        else refused++;
      } catch {
        failed++;
        stop = true;
      }
    }
  };
  const killer = new Promise<void>((resolve) =>
    setTimeout(() => {
      child.kill('SIGKILL');
      child.once('exit', () => resolve());
    }, killAfterMs),
  );
  await Promise.all([...Array.from({ length: WRITERS }, (_, w) => writer(w)), killer]);
  return { acknowledged, failed, refused };
}

async function crashEngine(label: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  console.log(`\n${label}`);
  await mustRun(['demo'], env);
  const tokenOut = await mustRun(['token', 'create', '--org', 'fca', '--role', 'field', '--name', 'crash check'], env);
  const token = tokenOut.trim().split('\n').at(-1)!.trim();
  const acknowledged: Acknowledged[] = [];
  for (let round = 1; round <= KILLS; round++) {
    const server = await startServer(env);
    const killAfterMs = 1_000 + Math.floor(random() * 2_000);
    const result = await writeUntilKilled(server.base, token, round, killAfterMs, server.child);
    acknowledged.push(...result.acknowledged);
    console.log(
      `  kill ${round}/${KILLS}: started in ${(server.startMs / 1000).toFixed(1)} s, ${WRITERS} writers, kill -9 after ${killAfterMs} ms: ${result.acknowledged.length} acknowledged, ${result.refused} refused, ${result.failed} cut off`,
    );
  }

  const handle = env.DATABASE_URL ? await connectDatabase({ kind: 'postgres', url: env.DATABASE_URL }) : await connectDatabase({ kind: 'pglite', dataDir: env.OREBOOK_DATA_DIR! });
  let lost: Acknowledged[];
  let stored: number;
  try {
    const rows = rowsOf<{ id: number; description: string }>(await handle.db.execute(sql`select id, description from safety_incidents where description like 'crash check %'`));
    const byId = new Map(rows.map((row) => [Number(row.id), row.description]));
    lost = acknowledged.filter((a) => byId.get(a.id) !== a.description);
    stored = rows.length;
  } finally {
    await handle.close();
  }
  const verify = await orebook(['verify'], env);
  console.log(`  after ${KILLS} kills: ${acknowledged.length} writes acknowledged, ${stored} stored (unacknowledged ones may have committed), ${lost.length} acknowledged and missing`);
  for (const missing of lost.slice(0, 10)) console.log(`    LOST incident ${missing.id} "${missing.description}"`);
  console.log(`  orebook verify: exit ${verify.code}${verify.code === 0 ? '' : `\n${(verify.stdout + verify.stderr).trim().split('\n').slice(-15).join('\n')}`}`);
  const pass = lost.length === 0 && acknowledged.length > 0 && verify.code === 0;
  console.log(`  ${label}: ${pass ? 'PASS' : 'FAIL'}`);
  return pass;
}

async function main(): Promise<void> {
  printMachine('Orebook crash check: kill -9 under concurrent writes');
  console.log(`  kills   : ${KILLS}, ${WRITERS} concurrent writers over HTTP (POST safety incidents with an API token), seed ${SEED}`);
  const parent = process.env.OREBOOK_BENCH_DIR || os.tmpdir();
  const results: boolean[] = [];
  const dataDir = fs.mkdtempSync(path.join(parent, 'orebook-crash-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, OREBOOK_DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    results.push(await crashEngine('PGlite (disk)', env));
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const name = `orebook_crash_${process.pid}`;
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    const keysDir = fs.mkdtempSync(path.join(parent, 'orebook-crash-'));
    try {
      await client.query(`drop database if exists ${name} with (force)`);
      await client.query(`create database ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      results.push(await crashEngine(`PostgreSQL (${url.host}/${name})`, { ...process.env, OREBOOK_DATA_DIR: keysDir, DATABASE_URL: url.toString() }));
    } finally {
      await client.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await client.end();
      fs.rmSync(keysDir, { recursive: true, force: true });
    }
  } else console.log('  (DATABASE_URL not set: PostgreSQL skipped)');

  const passed = results.every(Boolean);
  console.log(`\nCrash check: ${passed ? 'PASS' : 'FAIL'}`);
  console.log('\nReproduce with');
  console.log(`  CRASH_SEED=${SEED} CRASH_KILLS=${KILLS} CRASH_WRITERS=${WRITERS} npm run bench:crash`);
  console.log(`  CRASH_SEED=${SEED} CRASH_KILLS=${KILLS} CRASH_WRITERS=${WRITERS} DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:crash`);
  if (!passed) process.exitCode = 1;
}

await main();
