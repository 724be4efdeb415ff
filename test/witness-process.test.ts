import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireWitnessPolicy } from '../src/core/cosignature.ts';
import { openNote, parseCheckpoint } from '../src/core/signed-note.ts';
import { signCheckpoint } from '../src/journal/commands.ts';
import { parseWitnessList, type WitnessProblem } from '../src/journal/witnesses.ts';
import { createTestContext, type TestContext } from './harness.ts';

/**
 * `orebook witness` as an NGO or an auditor would run it: a real process from the shipped CLI, its
 * key made by `orebook witness keygen`, its state in a directory, cosigning the checkpoints the
 * registry submits over HTTP, and still holding the log's size after a restart.
 */
let t: TestContext;
let dir: string;
let witness: ChildProcess | undefined;
let witnessKey: string;
const problems: WitnessProblem[] = [];

// The witness needs no database: it is run without the suite's.
const { DATABASE_URL: _database, ...env } = process.env;
const orebook = (...args: string[]) => spawnSync(process.execPath, ['bin/orebook.js', ...args], { encoding: 'utf8', timeout: 60_000, env });

/** A port nobody listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** Starts `orebook witness` on a free port and resolves its URL once it says it listens. */
async function startWitness(logKey: string): Promise<string> {
  const port = String(await freePort());
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/orebook.js', 'witness', '--key', path.join(dir, 'witness.key'), '--data', path.join(dir, 'state'), '--log', logKey, '--port', port, '--host', '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    witness = child;
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const url = /listening at (http:\/\/[^ ]+)\/add-checkpoint/.exec(out)?.[1];
      if (url) resolve(url);
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`orebook witness exited ${code}: ${out}`)));
  });
}

async function stopWitness() {
  if (!witness || witness.exitCode !== null) return;
  const exited = new Promise((done) => witness!.once('exit', done));
  witness.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  t = await createTestContext();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-witness-process-'));
  const made = orebook('witness', 'keygen', path.join(dir, 'witness.key'), '--name', 'witness.ngo.test/orebook');
  expect(made.status, made.stderr).toBe(0);
  witnessKey = made.stdout.trim();
}, 120_000);

afterAll(async () => {
  await stopWitness();
  fs.rmSync(dir, { recursive: true, force: true });
  await t?.close();
});

async function useWitness(url: string) {
  t.keyring.witnesses = { witnesses: parseWitnessList(`${witnessKey} ${url}`), quorum: 1, onProblem: (problem) => problems.push(problem), fetch: globalThis.fetch };
}

const servedCheckpoint = async () => (await t.app.request('/api/v1/journal/checkpoint')).text();
const sizeOf = (note: string) => parseCheckpoint(openNote(note, t.keyring.verifiers).text).size;
const cosignedByTheWitness = (note: string) => requireWitnessPolicy(note, { cosigners: parseWitnessList(`${witnessKey} http://unused/`).map((w) => w.cosigner), quorum: 1 });
let first = '';
let second = '';

describe('orebook witness, run as a process', () => {
  it('makes its key with keygen, and refuses to overwrite it', () => {
    expect(witnessKey).toMatch(/^witness\.ngo\.test\/orebook\+[0-9a-f]{8}\+/);
    const again = orebook('witness', 'keygen', path.join(dir, 'witness.key'), '--name', 'witness.ngo.test/orebook');
    expect(again.status).not.toBe(0);
  });

  it('cosigns each checkpoint the registry submits, remembers the size across a restart, and cosigns the extension', async () => {
    const logKey = t.keyring.verifiers[0]!;
    const vkey = ((await (await t.app.request('/.well-known/orebook-key')).json()) as { keys: { verifierKey: string }[] }).keys[0]!.verifierKey;
    expect(logKey.name).toBe(vkey.split('+')[0]);
    await useWitness(await startWitness(vkey));
    for (let i = 0; i < 3; i++) await t.buildOrganisation();
    await signCheckpoint(t.db, t.keyring, 'on_demand');
    first = await servedCheckpoint();
    expect(cosignedByTheWitness(first)).toHaveLength(1);
    expect(problems).toEqual([]);

    await stopWitness();
    const state = fs.readdirSync(path.join(dir, 'state'));
    expect(state.length).toBeGreaterThan(0);
    await useWitness(await startWitness(vkey));
    for (let i = 0; i < 2; i++) await t.buildOrganisation();
    await signCheckpoint(t.db, t.keyring, 'on_demand');
    second = await servedCheckpoint();
    expect(sizeOf(second)).toBeGreaterThan(sizeOf(first));
    expect(cosignedByTheWitness(second)).toHaveLength(1);
    expect(problems).toEqual([]);
  }, 240_000);

  it('refuses, after its restart, the older checkpoint it cosigned before (a rollback), whatever size the submitter claims it holds', async () => {
    const add = (body: string) => fetch(`${t.keyring.witnesses!.witnesses[0]!.url}/add-checkpoint`, { method: 'POST', body });
    // The witness holds the second checkpoint: claiming it as the old size for the first is a smaller tree.
    expect((await add(`old ${sizeOf(second)}\n\n${first}`)).status).toBe(400);
    // Claiming the first's own size is not what the witness holds.
    const conflict = await add(`old ${sizeOf(first)}\n\n${first}`);
    expect(conflict.status).toBe(409);
    expect(await conflict.text()).toContain(String(sizeOf(second)));
  });
});
