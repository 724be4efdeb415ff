import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosignerVerifierKey, requireWitnessPolicy, type CosignerSigner } from '../src/core/cosignature.ts';
import { openNote, parseCheckpoint } from '../src/core/signed-note.ts';
import { asc, eq, sql } from 'drizzle-orm';
import { signCheckpoint } from '../src/journal/commands.ts';
import { databaseErrorCode } from '../src/db/transaction.ts';
import { journalCosignatures } from '../src/journal/schema.ts';
import { verifyJournal } from '../src/journal/verify.ts';
import { parseWitnessList, witnessPolicyOf, type WitnessPool, type WitnessProblem } from '../src/journal/witnesses.ts';
import { memoryCheckpointStore } from '../src/witness/checkpoint-store.ts';
import { createWitness } from '../src/witness/witness.ts';
import { createTestContext, testOrigin, type TestContext } from './harness.ts';

let t: TestContext;
const problems: WitnessProblem[] = [];
const down = new Set<string>();
const witnesses = new Map<string, { signer: CosignerSigner; store: ReturnType<typeof memoryCheckpointStore>; app: ReturnType<typeof createWitness> }>();
let pool: WitnessPool;

function startWitness(host: string) {
  const signer: CosignerSigner = { name: `${host}/witness`, ...generateKeyPairSync('ed25519') };
  const store = memoryCheckpointStore();
  const app = createWitness({ signer, logs: t.keyring.verifiers, store });
  witnesses.set(host, { signer, store, app });
  return `${cosignerVerifierKey(signer)} http://${host}/`;
}

const checkpointNote = async () => (await t.app.request('/api/v1/journal/checkpoint')).text();

beforeAll(async () => {
  t = await createTestContext();
  const list = ['ngo.test', 'auditor.test'].map(startWitness).join('\n');
  pool = {
    witnesses: parseWitnessList(list),
    quorum: 2,
    onProblem: (problem) => problems.push(problem),
    // The witnesses run in this process; a host in `down` does not answer.
    fetch: async (url, init) => {
      const { host, pathname } = new URL(String(url));
      if (down.has(host)) throw new TypeError('fetch failed: connection refused');
      return witnesses.get(host)!.app.request(pathname, init as RequestInit);
    },
  };
  t.keyring.witnesses = pool;
});

afterAll(() => t.close());

describe('witness cosignatures of the journal’s checkpoints', () => {
  it('reads OREBOOK_WITNESSES and refuses a malformed one', () => {
    expect(pool.witnesses.map((witness) => [witness.cosigner.name, witness.url])).toEqual([
      ['ngo.test/witness', 'http://ngo.test'],
      ['auditor.test/witness', 'http://auditor.test'],
    ]);
    expect(() => parseWitnessList('ngo.test/witness+00000000+BAAA http://x')).toThrow();
    expect(() => parseWitnessList(`${pool.witnesses[0]!.verifierKey}`)).toThrow(/URL/);
  });

  it('submits each new checkpoint to every witness and serves it as one note with the log’s signature and their cosignatures', async () => {
    await t.buildOrganisation();
    await signCheckpoint(t.db, t.keyring, 'on_demand', t.deps.journalTree);
    await t.buildOrganisation();
    await t.buildOrganisation();
    const checkpoint = await signCheckpoint(t.db, t.keyring, 'on_demand', t.deps.journalTree);
    const note = await checkpointNote();
    expect(note.startsWith(checkpoint.note)).toBe(true);
    expect(note.split('\n').filter((line) => line.startsWith('\u2014 '))).toHaveLength(3);
    expect(openNote(note, t.keyring.verifiers).verifiedBy).toEqual([testOrigin]);
    expect(requireWitnessPolicy(note, witnessPolicyOf(pool)).map((c) => c.name).sort()).toEqual(['auditor.test/witness', 'ngo.test/witness']);
    // Each witness now holds this checkpoint: it followed the log through a consistency proof.
    for (const { store } of witnesses.values()) expect(store.latest(testOrigin)).toBe(checkpoint.note);
    expect(problems).toEqual([]);
    // The policy readers are asked to require is published beside the registry's keys.
    const published = (await (await t.app.request('/.well-known/orebook-key')).json()) as { witnessPolicy: { quorum: number; witnesses: { verifierKey: string }[] } };
    expect(published.witnessPolicy).toEqual({ quorum: 2, witnesses: pool.witnesses.map((w) => ({ name: w.cosigner.name, verifierKey: w.verifierKey })) });
  });

  it('never lets a witness that is down stop a checkpoint: the problem is reported and the next checkpoint asks it again', async () => {
    down.add('auditor.test');
    await t.buildOrganisation();
    const checkpoint = await signCheckpoint(t.db, t.keyring, 'on_demand', t.deps.journalTree);
    expect(parseCheckpoint(openNote(checkpoint.note, t.keyring.verifiers).text).size).toBe(checkpoint.treeSize);
    expect(problems).toMatchObject([{ witness: 'auditor.test/witness', checkpointSize: checkpoint.treeSize, problem: expect.stringMatching(/connection refused/) }]);
    const policy = witnessPolicyOf(pool);
    expect(() => requireWitnessPolicy(checkpoint.note, policy)).toThrow(/0 cosignatures/);
    const served = await checkpointNote();
    expect(() => requireWitnessPolicy(served, policy)).toThrow(/1 cosignature .* 2 of 2/);

    down.delete('auditor.test');
    await t.buildOrganisation();
    await signCheckpoint(t.db, t.keyring, 'on_demand', t.deps.journalTree);
    expect(requireWitnessPolicy(await checkpointNote(), policy)).toHaveLength(2);
  });

  it('retries from the size a witness says it holds when the registry does not know it (409)', async () => {
    const latest = await checkpointNote();
    const host = 'late.test';
    const entry = startWitness(host);
    // The new witness already saw the latest checkpoint, e.g. from another copy of the registry's state.
    const seed = await witnesses.get(host)!.app.request('/add-checkpoint', { method: 'POST', body: `old 0\n\n${latest}` });
    expect(seed.status).toBe(200);
    pool.witnesses.push(...parseWitnessList(entry));
    await t.buildOrganisation();
    await signCheckpoint(t.db, t.keyring, 'on_demand', t.deps.journalTree);
    expect(requireWitnessPolicy(await checkpointNote(), { ...witnessPolicyOf(pool), quorum: 3 })).toHaveLength(3);
  });

  it('keeps every cosignature append-only, and orebook verify checks each against its witness key and its checkpoint', async () => {
    expect((await verifyJournal(t.db, t.keyring)).problems).toEqual([]);
    const [kept] = await t.db.select().from(journalCosignatures).orderBy(asc(journalCosignatures.id)).limit(1);
    const bytes = Buffer.from(kept!.line.split(' ')[2]!, 'base64');
    bytes[20]! ^= 0x01;
    const tampered = `${kept!.line.split(' ').slice(0, 2).join(' ')} ${bytes.toString('base64')}`;
    // The database refuses to change or remove a kept cosignature, as it does a checkpoint.
    const refused = (error: unknown) => databaseErrorCode(error) === 'P0001';
    await expect(t.db.update(journalCosignatures).set({ line: tampered }).where(eq(journalCosignatures.id, kept!.id))).rejects.toSatisfy(refused);
    await expect(t.db.delete(journalCosignatures).where(eq(journalCosignatures.id, kept!.id))).rejects.toSatisfy(refused);
    await expect(t.db.execute(sql`truncate journal_cosignatures`)).rejects.toSatisfy(refused);
    // Someone with a raw connection disables the guard and rewrites one: verify names it.
    await t.db.execute(sql`alter table journal_cosignatures disable trigger journal_cosignatures_append_only`);
    await t.db.update(journalCosignatures).set({ line: tampered }).where(eq(journalCosignatures.id, kept!.id));
    await t.db.execute(sql`alter table journal_cosignatures enable trigger journal_cosignatures_append_only`);
    expect((await verifyJournal(t.db, t.keyring)).problems).toEqual([expect.stringMatching(new RegExp(`^cosignature #${kept!.id} of checkpoint #${kept!.checkpointId} does not verify \\(invalid cosignature`))]);
  });
});
