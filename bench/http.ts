/**
 * HTTP benchmark of the public reads: every anonymous GET of the OpenAPI document and the public
 * pages, each under 20 concurrent clients on loopback, beside `/healthz` measured in the same run:
 * a 1.5 s run of `/healthz` before each route and after the last, each route compared with the mean
 * of the two runs beside it, so that a shared machine's drift over the run moves both alike.
 *
 * The server is a real process (`node bin/orebook.js serve`) on the demo data set, loaded by
 * `orebook demo` into a temp PGlite data dir (and, when DATABASE_URL is set, into a fresh
 * PostgreSQL database dropped at the end). With BENCH_SCALE=k, (k − 1) more copies of the demo's
 * production declarations and of its safety incidents at KAM are recorded through the modules'
 * commands before the server starts: the records behind the site, registry and safety figures grow
 * k-fold (the savings and children records stay as the demo has them).
 *
 * Goal: every public read at least half of /healthz's rate, with a p99 under one second. A
 * measurement, not a test: a figure below its goal is reported as BELOW and never fails the run.
 *
 *   npm run bench:http
 *   BENCH_SCALE=10 npm run bench:http
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:http
 *
 * Each row also gives the bytes of one answer as sent and the MiB/s they make: an answer served
 * from memory whose size, not the server's work, bounds its rate (a page of 100 journal entries is
 * ~800 KiB, ~300 KiB gzipped, when the entries are worker registers) shows it there.
 *
 * Clients say `Accept-Encoding: gzip, deflate, br`, as browsers and crawlers do (the public cache
 * keeps a gzipped copy of each answer); BENCH_ENCODING=identity measures the uncompressed answers.
 *
 * Knobs: BENCH_SCALE (1), BENCH_SECONDS per route (3), BENCH_CONNECTIONS (20), BENCH_ENCODING, BENCH_ONLY (a
 * substring: measure only the routes that contain it), BENCH_ENGINE (both, pglite or postgresql),
 * OREBOOK_BENCH_DIR.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { Actor } from '../src/core/auth/roles.ts';
import { connectDatabase, rowsOf, type DatabaseHandle } from '../src/db/connect.ts';
import { runCommand } from '../src/journal/public.ts';
import { recordIncident } from '../src/safety/public.ts';
import { declareProduction } from '../src/sites/public.ts';
import { freePort, int, loadAverage, median, positiveInt, printMachine, table, wasInterrupted } from './common.ts';
import { loadUrl, type LoadResult } from './load.ts';

const SCALE = positiveInt('BENCH_SCALE', 1);
const SECONDS = positiveInt('BENCH_SECONDS', 3);
const CONNECTIONS = positiveInt('BENCH_CONNECTIONS', 20);
const ENCODING = process.env.BENCH_ENCODING ?? 'gzip, deflate, br';
const ONLY = process.env.BENCH_ONLY ?? '';
/** `postgresql` skips the PGlite run (with DATABASE_URL set), `pglite` the PostgreSQL one; both by default. */
const ENGINE = process.env.BENCH_ENGINE ?? 'both';
/** How long each /healthz run between two routes lasts. */
const HEALTHZ_MS = 1500;
if (!['both', 'pglite', 'postgresql'].includes(ENGINE)) throw new Error(`BENCH_ENGINE is both, pglite or postgresql, not ${ENGINE}`);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const admin: Actor = { kind: 'system', orgId: null, orgCode: null, role: 'admin' };

/** The public pages, with the demo's site. */
const pages = ['/', '/registry', '/registry/batches', '/registry/retirements', '/registry/prices', '/sites', '/sites/KAM', '/funds', '/funds/KAM', '/safety', '/children', '/journal', '/standard', '/verifications/1', '/certificates/1', '/api/docs', '/iati/activities.xml'];

function orebook(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/orebook.js', ...args], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`orebook ${args.join(' ')} exited ${code}: ${stderr.slice(-500)}`))));
  });
}

/** (SCALE − 1) more copies of the demo's production declarations and safety incidents at KAM, through the commands. */
async function scaleUp(handle: DatabaseHandle): Promise<string> {
  if (SCALE === 1) return 'the demo as it is';
  const db = handle.db;
  const [site] = rowsOf<{ id: number }>(await db.execute(sql`select id from sites where code = 'KAM'`));
  const declarations = rowsOf<{ mineral: string; produced_on: string; wet_ore_kg: number; dry_ore_kg: number; grade_basis_points: number; buyer: string }>(
    await db.execute(sql`select mineral, produced_on::text, wet_ore_kg, dry_ore_kg, grade_basis_points, buyer from production_declarations where site_id = ${site!.id} order by id`),
  );
  const incidents = rowsOf<{ id: number; occurred_on: string; kind: string; severity: string; description: string }>(
    await db.execute(sql`select id, occurred_on::text, kind, severity, description from safety_incidents where site_id = ${site!.id} and corrects_id is null order by id`),
  );
  const peopleOf = async (incidentId: number) =>
    rowsOf<{ sex: string; age_group: string; operator_group: string | null; count: number }>(
      await db.execute(sql`select p.sex, p.age_group, g.code as operator_group, p.count from safety_incident_people p left join operator_groups g on g.id = p.operator_group_id where p.incident_id = ${incidentId} order by p.id`),
    ).map((row) => ({ sex: row.sex, ageGroup: row.age_group, operatorGroup: row.operator_group, count: Number(row.count) }));
  for (let copy = 2; copy <= SCALE; copy++) {
    process.stderr.write(`  scaling: copy ${copy}/${SCALE}\n`);
    for (const [i, row] of declarations.entries()) {
      await runCommand(db, admin, (ctx) =>
        declareProduction(ctx, {
          siteId: site!.id,
          mineral: row.mineral,
          producedOn: row.produced_on,
          lotReference: `BENCH-${copy}-${i}`,
          wetOreKg: Number(row.wet_ore_kg),
          dryOreKg: Number(row.dry_ore_kg),
          gradeBasisPoints: Number(row.grade_basis_points),
          buyer: row.buyer,
        }),
      );
    }
    for (const row of incidents) {
      const people = await peopleOf(row.id);
      await runCommand(db, admin, (ctx) => recordIncident(ctx, { siteId: site!.id, occurredOn: row.occurred_on, kind: row.kind, severity: row.severity, description: row.description, people }));
    }
  }
  return `the demo plus ${SCALE - 1} more copies of its ${declarations.length} production declarations and ${incidents.length} safety incidents`;
}

type Server = { base: string; child: ChildProcess; stop(): Promise<void> };

async function startServer(env: NodeJS.ProcessEnv): Promise<Server> {
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/orebook.js', 'serve', '--port', String(port)], { cwd: root, env: { ...env, OREBOOK_LOG_LEVEL: 'warn' }, stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) return { base, child, stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error('the server did not answer /healthz within 120 s');
}

type OpenApi = { paths: Record<string, Record<string, { security?: unknown[]; parameters?: { name: string; in: string; required?: boolean }[] }>> };

/** Every anonymous GET of the OpenAPI document, filled with the demo's values. */
async function apiReads(base: string): Promise<string[]> {
  const document = (await (await fetch(`${base}/api/openapi.json`)).json()) as OpenApi;
  const size = ((await (await fetch(`${base}/healthz`)).json()) as { journal: { size: number } }).journal.size;
  const batches = (await (await fetch(`${base}/api/v1/registry/batches`)).json()) as { batches: { serialPrefix: string }[] };
  const indicators = (await (await fetch(`${base}/api/v1/indicators`)).json()) as { indicators: { id: string }[] };
  const values: Record<string, string> = {
    code: 'KAM',
    site: 'KAM',
    version: '1.0',
    id: '1',
    serial: `${batches.batches[0]?.serialPrefix}-1`,
    form: 'production_declaration',
    year: '2025',
    size: String(size),
    index: '0',
    from: '1',
    to: String(size),
  };
  const urls: string[] = [];
  for (const [template, operations] of Object.entries(document.paths)) {
    const get = operations.get;
    if (!get || (get.security && get.security.length > 0)) continue;
    let url = `/api/v1${template}`.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? '1'));
    if (template === '/indicators/{id}') url = `/api/v1/indicators/${encodeURIComponent(indicators.indicators[0]?.id ?? '')}?from=2025-01-01&to=2026-01-01`;
    else {
      const wanted = template.startsWith('/journal/proof/') ? () => true : (p: { name: string; required?: boolean }) => p.required || p.name === 'year';
      const query = (get.parameters ?? []).filter((p) => p.in === 'query' && wanted(p));
      if (query.length > 0) url += `?${query.map((p) => `${p.name}=${encodeURIComponent(values[p.name] ?? '1')}`).join('&')}`;
    }
    urls.push(url);
  }
  return urls;
}

/** A route's load, and the rate of /healthz around it (the mean of the runs just before and just after). */
type Row = { route: string; result: LoadResult | null; note: string; healthzNear: number };

async function benchEngine(label: string, env: NodeJS.ProcessEnv): Promise<{ label: string; data: string; healthz: LoadResult[]; rows: Row[] }> {
  console.log(`\n${label}: loading the demo data set (orebook demo)…`);
  await orebook(['demo'], env);
  const handle = env.DATABASE_URL ? await connectDatabase({ kind: 'postgres', url: env.DATABASE_URL }) : await connectDatabase({ kind: 'pglite', dataDir: env.OREBOOK_DATA_DIR! });
  let data: string;
  try {
    data = await scaleUp(handle);
    const [head] = rowsOf<{ size: number }>(await handle.db.execute(sql`select size from journal_head`));
    data += ` (journal: ${int(Number(head?.size))} events)`;
  } finally {
    await handle.close();
  }
  console.log(`  data    : ${data}`);
  const server = await startServer(env);
  try {
    const routes = [...pages, ...(await apiReads(server.base))].filter((route) => route.includes(ONLY));
    const load = (route: string) => loadUrl(`${server.base}${route}`, { connections: CONNECTIONS, durationMs: SECONDS * 1000, headers: { 'accept-encoding': ENCODING } });
    // /healthz is measured right before each route and once after the last: each route is compared
    // with the mean of the /healthz runs on either side of it, so that the machine's drift over the
    // run (other work on a shared host) moves both figures of a ratio alike.
    const probeHealthz = () => loadUrl(`${server.base}/healthz`, { connections: CONNECTIONS, durationMs: HEALTHZ_MS, headers: { 'accept-encoding': ENCODING } });
    const healthz: LoadResult[] = [];
    const rows: Row[] = [];
    for (const [i, route] of routes.entries()) {
      if (wasInterrupted()) break;
      const probe = await fetch(`${server.base}${route}`);
      await probe.arrayBuffer();
      if (probe.status !== 200) {
        rows.push({ route, result: null, note: `answers ${probe.status} to the public: not a public read`, healthzNear: NaN });
        continue;
      }
      healthz.push(await probeHealthz());
      rows.push({ route, result: await load(route), note: '', healthzNear: healthz.length - 1 });
      process.stderr.write(`  ${label}: ${i + 1}/${routes.length} ${route}\n`);
    }
    healthz.push(await probeHealthz());
    for (const row of rows) if (row.result) row.healthzNear = (healthz[row.healthzNear]!.perSecond + healthz[row.healthzNear + 1]!.perSecond) / 2;
    return { label, data, healthz, rows };
  } finally {
    await server.stop();
  }
}

async function onPglite() {
  const parent = process.env.OREBOOK_BENCH_DIR || os.tmpdir();
  const dataDir = fs.mkdtempSync(path.join(parent, 'orebook-bench-http-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, OREBOOK_DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    return await benchEngine('PGlite', env);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function onPostgres(adminUrl: string) {
  const name = `orebook_bench_http_${process.pid}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  const dataDir = fs.mkdtempSync(path.join(process.env.OREBOOK_BENCH_DIR || os.tmpdir(), 'orebook-bench-http-'));
  try {
    await client.query(`drop database if exists ${name} with (force)`);
    await client.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await benchEngine('PostgreSQL', { ...process.env, OREBOOK_DATA_DIR: dataDir, DATABASE_URL: url.toString() });
  } finally {
    await client.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await client.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (value: number) => (Number.isNaN(value) ? '-' : value < 10 ? value.toFixed(1) : int(value));

async function main(): Promise<void> {
  printMachine('Orebook HTTP benchmark: public reads against /healthz');
  console.log(`  load    : ${CONNECTIONS} concurrent clients, keep-alive, ${SECONDS} s per route, loopback, Accept-Encoding: ${ENCODING}; scale ${SCALE}`);
  const results = ENGINE === 'postgresql' && process.env.DATABASE_URL ? [] : [await onPglite()];
  if (ENGINE === 'pglite') console.log('  (BENCH_ENGINE=pglite: PostgreSQL skipped)');
  else if (process.env.DATABASE_URL) results.push(await onPostgres(process.env.DATABASE_URL));
  else console.log('  (DATABASE_URL not set: PostgreSQL skipped)');
  console.log(`  load    : ${loadAverage()} (1/5/15 min) at the end`);

  let failed = 0;
  for (const { label, data, healthz, rows } of results) {
    const healthzRate = median(healthz.map((h) => h.perSecond));
    console.log(`\n${label}, ${data}`);
    const rates = healthz.map((h) => h.perSecond);
    console.log(`/healthz: ${healthz.length} runs of ${HEALTHZ_MS / 1000} s, one before each route and one after the last: median ${int(healthzRate)} req/s, from ${int(Math.min(...rates))} to ${int(Math.max(...rates))}; each route is compared with the two runs beside it`);
    const lines: string[][] = [['route', 'req/s', 'p50 ms', 'p99 ms', 'healthz near', '× healthz', 'non-200', 'KiB/answer', 'MiB/s', 'verdict']];
    for (const { route, result, note, healthzNear } of rows) {
      if (!result) {
        lines.push([route, '', '', '', '', '', '', '', '', note]);
        continue;
      }
      const ratio = result.perSecond / healthzNear;
      const bad = result.requests - (result.statuses[200] ?? 0);
      const pass = ratio >= 0.5 && result.p99Ms < 1000 && bad === 0;
      if (!pass) failed++;
      const perAnswer = result.bytes / Math.max(1, result.requests);
      lines.push([route, int(result.perSecond), ms(result.p50Ms), ms(result.p99Ms), int(healthzNear), ratio.toFixed(2), String(bad), (perAnswer / 1024).toFixed(1), ((perAnswer * result.perSecond) / 1_048_576).toFixed(0), pass ? 'PASS' : 'BELOW']);
    }
    console.log(table(lines, (c) => c >= 1 && c <= 8));
  }
  console.log(`\nGoal: every public read ≥ 0.5 × /healthz's rate and p99 < 1000 ms: ${failed === 0 ? 'PASS' : `${failed} BELOW`}`);
  const knobs = ['BENCH_SCALE', 'BENCH_SECONDS', 'BENCH_CONNECTIONS', 'BENCH_ENCODING', 'BENCH_ONLY', 'BENCH_ENGINE', 'OREBOOK_BENCH_DIR']
    .filter((name) => process.env[name])
    .map((name) => `${name}=${process.env[name]} `)
    .join('');
  console.log('\nReproduce with');
  console.log(`  ${knobs}npm run bench:http`);
  console.log(`  ${knobs}DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:http`);
}

await main();
