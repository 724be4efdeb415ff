import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cosignerVerifierKey, parseCosignerKey, requireWitnessPolicy } from '../core/cosignature.ts';
import { hashLeaf, MerkleTree } from '../core/merkle.ts';
import { formatCheckpoint, rawPublicKey, signNote, type NoteSigner } from '../core/signed-note.ts';
import { directoryCheckpointStore, memoryCheckpointStore } from './checkpoint-store.ts';
import { createWitness } from './witness.ts';
import { generateWitnessKey, loadWitnessKey } from './witness-key.ts';

const origin = 'registry.example.org/journal';
const newSigner = (name: string): NoteSigner => ({ name, ...generateKeyPairSync('ed25519') });
const log = newSigner(origin);
const witnessSigner = { ...newSigner('ngo.example.org/witness') };
const time = 1_790_000_000;

/** A log's history: entries, the tree over them, and checkpoints signed by `signer`. */
function history(entries: string[], signer: NoteSigner = log) {
  const tree = new MerkleTree(entries.map((entry) => hashLeaf(Buffer.from(entry))));
  return {
    tree,
    checkpoint: (size: number) => signNote(formatCheckpoint({ origin: signer.name, size, rootHash: tree.root(size) }), [signer]),
    request(from: number, size: number, proof = tree.consistencyProof(from, size)) {
      return `old ${from}\n${proof.map((hash) => `${hash.toString('base64')}\n`).join('')}\n${this.checkpoint(size)}`;
    },
  };
}

const entries = Array.from({ length: 40 }, (_, i) => `event ${i}`);
const honest = history(entries);

function witnessApp(store = memoryCheckpointStore()) {
  const refusals: { status: number; reason: string }[] = [];
  const app = createWitness({ signer: witnessSigner, logs: [{ name: origin, publicKey: log.publicKey }], store, now: () => time, onRefusal: (refusal) => refusals.push(refusal) });
  const add = (body: string) => app.request('/add-checkpoint', { method: 'POST', body });
  return { app, add, refusals, store };
}

describe('orebook witness: POST /add-checkpoint (C2SP tlog-witness)', () => {
  it('cosigns the first checkpoint it sees, then each consistent extension, and the same tree again', async () => {
    const { add } = witnessApp();
    for (const [from, size] of [
      [0, 10],
      [10, 17],
      [17, 17],
      [17, 40],
    ] as const) {
      const response = await add(honest.request(from, size));
      expect(response.status, `${from} → ${size}`).toBe(200);
      const line = await response.text();
      const policy = { cosigners: [{ name: witnessSigner.name, publicKey: witnessSigner.publicKey }], quorum: 1 };
      expect(requireWitnessPolicy(`${honest.checkpoint(size)}${line}`, policy)).toMatchObject([{ name: witnessSigner.name, timestamp: time }]);
    }
  });

  it('gives a cosignature exactly as tlog-cosignature specifies: key ID, big-endian timestamp, Ed25519 over "cosignature/v1\\ntime <t>\\n" and the checkpoint text', async () => {
    const { add } = witnessApp();
    const line = await (await add(honest.request(0, 5))).text();
    const match = /^\u2014 (\S+) (\S+)\n$/.exec(line);
    expect(match?.[1]).toBe(witnessSigner.name);
    const bytes = Buffer.from(match![2]!, 'base64');
    expect(bytes.length).toBe(4 + 8 + 64);
    // Computed here from the spec, not with the code under test.
    const raw = rawPublicKey(witnessSigner.publicKey);
    const keyId = createHash('sha256').update(`${witnessSigner.name}\n`).update(Buffer.from([0x04])).update(raw).digest().subarray(0, 4);
    expect(bytes.subarray(0, 4).equals(keyId)).toBe(true);
    expect(bytes.readBigUInt64BE(4)).toBe(BigInt(time));
    const body = `${origin}\n5\n${honest.tree.root(5).toString('base64')}\n`;
    expect(verify(null, Buffer.from(`cosignature/v1\ntime ${time}\n${body}`), witnessSigner.publicKey, bytes.subarray(12))).toBe(true);
    // The verifier key names the key type 0x04, and reads back.
    const vkey = cosignerVerifierKey(witnessSigner);
    expect(vkey).toBe(`${witnessSigner.name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([0x04]), raw]).toString('base64')}`);
    expect(rawPublicKey(parseCosignerKey(vkey).publicKey).equals(raw)).toBe(true);
  });

  describe('split views', () => {
    it('refuses a tree in which an entry it covered was rewritten (422), and keeps its state', async () => {
      const { add, refusals, store } = witnessApp();
      expect((await add(honest.request(0, 20))).status).toBe(200);
      const rewritten = history(entries.map((entry, i) => (i === 7 ? 'event 7, rewritten' : entry)));
      const response = await add(rewritten.request(20, 30));
      expect(response.status).toBe(422);
      expect(refusals).toMatchObject([{ status: 422 }]);
      expect(store.latest(origin)).toBe(honest.checkpoint(20));
      // The honest extension still goes through.
      expect((await add(honest.request(20, 30))).status).toBe(200);
    });

    it('refuses a smaller tree: 400 when the old size is above it, 409 with its own size when the log pretends to start again', async () => {
      const { add } = witnessApp();
      expect((await add(honest.request(0, 20))).status).toBe(200);
      expect((await add(`old 20\n\n${honest.checkpoint(12)}`)).status).toBe(400);
      const restart = await add(honest.request(0, 12));
      expect(restart.status).toBe(409);
      expect(restart.headers.get('content-type')).toBe('text/x.tlog.size');
      expect(await restart.text()).toBe('20\n');
    });

    it('refuses a different root at the size it cosigned (409)', async () => {
      const { add } = witnessApp();
      expect((await add(honest.request(0, 20))).status).toBe(200);
      const forked = history(entries.map((entry, i) => (i === 19 ? 'another event 19' : entry)));
      expect((await add(`old 20\n\n${forked.checkpoint(20)}`)).status).toBe(409);
    });

    it('answers 409 with its size to a submitter that does not know it, so the log can retry from there', async () => {
      const { add } = witnessApp();
      expect((await add(honest.request(0, 20))).status).toBe(200);
      const stale = await add(honest.request(10, 30));
      expect([stale.status, await stale.text()]).toEqual([409, '20\n']);
      expect((await add(honest.request(20, 30))).status).toBe(200);
    });
  });

  it('refuses a checkpoint signed by a key it does not know for the log (403) and a log it does not follow (404)', async () => {
    const { add } = witnessApp();
    const impostor = history(entries, newSigner(origin));
    expect((await add(impostor.request(0, 10))).status).toBe(403);
    expect((await add(history(entries, newSigner('other.example/log')).request(0, 10))).status).toBe(404);
  });

  it('refuses malformed requests (400): no old line, a bad hash, a proof from size 0', async () => {
    const { add } = witnessApp();
    expect((await add(honest.checkpoint(3))).status).toBe(400);
    expect((await add(`old 0\nnot-a-hash\n\n${honest.checkpoint(3)}`)).status).toBe(400);
    expect((await add(`old 0\n${honest.tree.root(1).toString('base64')}\n\n${honest.checkpoint(3)}`)).status).toBe(400);
    expect((await add(`old 03\n\n${honest.checkpoint(3)}`)).status).toBe(400);
  });

  it('keeps its state in its directory across restarts, written whole', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-witness-'));
    try {
      expect((await witnessApp(directoryCheckpointStore(dir)).add(honest.request(0, 20))).status).toBe(200);
      const restarted = witnessApp(directoryCheckpointStore(dir));
      expect((await restarted.add(honest.request(0, 25))).status).toBe(409);
      expect((await restarted.add(honest.request(20, 25))).status).toBe(200);
      expect(fs.readdirSync(path.join(dir, 'logs'))).toEqual([`${encodeURIComponent(origin)}.checkpoint`]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes a key file once and loads it back', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-witness-key-'));
    try {
      const file = path.join(dir, 'witness.key');
      const made = generateWitnessKey(file, 'ngo.example.org/w1');
      expect(cosignerVerifierKey(loadWitnessKey(file))).toBe(cosignerVerifierKey(made));
      expect(() => generateWitnessKey(file, 'ngo.example.org/w1')).toThrow();
      expect(fs.statSync(file).mode & 0o077).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a verifier that requires a witness policy', () => {
  it('rejects a checkpoint with fewer cosignatures than the quorum, and one whose cosignature was made for another checkpoint', async () => {
    const second = newSigner('auditor.example.org/witness');
    const cosigners = [witnessSigner, second].map(({ name, publicKey }) => ({ name, publicKey }));
    const { add } = witnessApp();
    const note = honest.checkpoint(12);
    const line = await (await add(honest.request(0, 12))).text();
    expect(() => requireWitnessPolicy(note, { cosigners, quorum: 1 })).toThrow(/0 cosignatures .* 1 of 2/);
    expect(requireWitnessPolicy(`${note}${line}`, { cosigners, quorum: 1 })).toHaveLength(1);
    expect(() => requireWitnessPolicy(`${note}${line}`, { cosigners, quorum: 2 })).toThrow(/1 cosignature .* 2 of 2/);
    // The same line twice is still one witness.
    expect(() => requireWitnessPolicy(`${note}${line}${line}`, { cosigners, quorum: 2 })).toThrow(/1 cosignature/);
    // A cosignature moved onto another checkpoint does not verify.
    expect(() => requireWitnessPolicy(`${honest.checkpoint(13)}${line}`, { cosigners, quorum: 1 })).toThrow(/invalid cosignature/);
  });
});
