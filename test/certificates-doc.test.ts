import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalBytes } from '../src/core/canonical-json.ts';
import { cosignerVerifierKey } from '../src/core/cosignature.ts';
import { parseWitnessList } from '../src/journal/witnesses.ts';
import { memoryCheckpointStore } from '../src/witness/checkpoint-store.ts';
import { createWitness } from '../src/witness/witness.ts';
import { runCommand } from '../src/journal/commands.ts';
import { memoryKeyring } from '../src/journal/keys.ts';
import { finishRetirement } from '../src/registry/commands/finish-retirement.ts';
import { issueBatch } from '../src/registry/commands/issue-batch.ts';
import { retireCredits } from '../src/registry/commands/retire-credits.ts';
import { transferCredits } from '../src/registry/commands/transfer-credits.ts';
import { getIssuanceAccount } from '../src/registry/queries/accounts.ts';
import { actorOf, insertSignedStatement, openApprovedAccount } from './factories/registry.ts';
import { createTestContext, system, testOrigin, type TestContext } from './harness.ts';

type Certificate = { documentBytes: string; signature: string; [field: string]: unknown };
type VerifyCertificate = (options: { certificate: Certificate; proof: string; verifierKeys: string[]; witnessKeys?: string[]; quorum?: number }) => { retirementId: number; beneficiary: string };

const docFile = path.resolve(import.meta.dirname, '../docs/certificates.md');

/** The fenced js block right after the `<!-- verify-certificate -->` marker. */
function verifierSource(): string {
  const doc = fs.readFileSync(docFile, 'utf8');
  const match = /<!-- verify-certificate -->\n```js\n([\s\S]*?)\n```\n/.exec(doc);
  if (!match) throw new Error('docs/certificates.md has no ```js block after <!-- verify-certificate -->');
  return match[1]!;
}

let t: TestContext;
let tmpDir: string;
let scriptFile: string;
let verifyCertificate: VerifyCertificate;
let verifierKey: string;
/** Two retirements made through the app, each as a reader downloads it: the JSON answer and the tlog-proof. */
const downloaded: { certificate: Certificate; proof: string }[] = [];

async function download(retirementId: number) {
  const certificate = (await (await t.app.request(`/api/v1/certificates/${retirementId}`)).json()) as Certificate;
  const proof = await (await t.app.request(`/api/v1/certificates/${retirementId}.tlog-proof`)).text();
  return { certificate, proof };
}

/** A copy of a base64 field with one byte of its decoded bytes changed. */
const flipByte = (base64: string, index: number) => {
  const bytes = Buffer.from(base64, 'base64');
  bytes[index < 0 ? bytes.length + index : index]! ^= 0x01;
  return bytes.toString('base64');
};

/** Two witnesses in this process that cosign the registry's checkpoints, and their verifier keys. */
let witnessKeys: string[];

beforeAll(async () => {
  t = await createTestContext();
  const apps = new Map<string, ReturnType<typeof createWitness>>();
  witnessKeys = ['ngo.test', 'auditor.test'].map((host) => {
    const signer = { name: `${host}/witness`, ...generateKeyPairSync('ed25519') };
    apps.set(host, createWitness({ signer, logs: t.keyring.verifiers, store: memoryCheckpointStore() }));
    return cosignerVerifierKey(signer);
  });
  t.keyring.witnesses = {
    witnesses: parseWitnessList(witnessKeys.map((vkey, i) => `${vkey} http://${['ngo.test', 'auditor.test'][i]}`).join('\n')),
    quorum: 2,
    fetch: async (url, init) => apps.get(new URL(String(url)).host)!.request(new URL(String(url)).pathname, init as RequestInit),
  };
  await t.buildOrganisation({ kind: 'secretariat' });
  const buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone' });
  const { statement } = await insertSignedStatement(t, { responsibleKg: 10_000, periodStart: '2025-01-01', periodEnd: '2025-06-30' });
  await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg: 1_000 }));
  await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId: statement.id, quantityKg: 5_000 }));
  const accountId = (await openApprovedAccount(t.db, buyer)).id;
  await runCommand(t.db, system, async (ctx) => transferCredits(ctx, { fromAccountId: (await getIssuanceAccount(ctx.tx))!.id, toAccountId: accountId, quantityKg: 4_000 }));
  for (const quantityKg of [2_500, 700]) {
    const retirement = await runCommand(t.db, actorOf(buyer, 'buyer'), (ctx) =>
      retireCredits(ctx, { accountId, quantityKg, beneficiary: 'Fairphone B.V.', claimPeriodStart: '2025-01-01', claimPeriodEnd: '2025-12-31', covers: 'total use' }),
    );
    await finishRetirement(t.deps, retirement.id);
    downloaded.push(await download(retirement.id));
    // Later entries: the proof is against the checkpoint that first covered the retirement, not the latest.
    await t.buildOrganisation();
  }
  const keys = (await (await t.app.request('/.well-known/orebook-key')).json()) as { keys: { verifierKey: string }[] };
  verifierKey = keys.keys[0]!.verifierKey;

  tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-certificates-doc-'));
  scriptFile = path.join(tmpDir, 'verify-certificate.mjs');
  fs.writeFileSync(scriptFile, verifierSource());
  ({ verifyCertificate } = (await import(/* @vite-ignore */ pathToFileURL(scriptFile).href)) as { verifyCertificate: VerifyCertificate });
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterAll(async () => {
  vi.restoreAllMocks();
  if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  await t?.close();
});

describe('docs/certificates.md "Check a certificate yourself"', () => {
  it('is one js block of at most 70 lines', () => {
    const doc = fs.readFileSync(docFile, 'utf8');
    expect(doc.match(/^```js$/gm)).toHaveLength(1);
    expect(verifierSource().split('\n').length).toBeLessThanOrEqual(70);
  });

  it('verifies real certificates and their proofs with the registry’s verifier key and prints OK', () => {
    for (const { certificate, proof } of downloaded) {
      const document = verifyCertificate({ certificate, proof, verifierKeys: [verifierKey] });
      expect(document).toMatchObject({ retirementId: certificate.retirementId, beneficiary: 'Fairphone B.V.' });
      expect(console.log).toHaveBeenLastCalledWith(expect.stringMatching(new RegExp(`^OK certificate ${String(certificate.retirementId)}: `)));
    }
  });

  it('runs as a program on the files a reader saved, offline, with Node alone', () => {
    const { certificate, proof } = downloaded[0]!;
    fs.writeFileSync(path.join(tmpDir, 'certificate.json'), JSON.stringify(certificate));
    fs.writeFileSync(path.join(tmpDir, 'certificate.tlog-proof'), proof);
    const output = execFileSync(process.execPath, [scriptFile, 'certificate.json', 'certificate.tlog-proof', verifierKey], { cwd: tmpDir, encoding: 'utf8', env: {} });
    expect(output).toMatch(new RegExp(`^OK certificate ${String(certificate.retirementId)}: 2\\.500 t retired for Fairphone B\\.V\\., entry \\d+ of ${testOrigin} \\(tree of \\d+\\), signed by ${testOrigin}\\+[0-9a-f]{8}\\n$`));
    const other = memoryKeyring(testOrigin).published[0]!.verifierKey;
    expect(() => execFileSync(process.execPath, [scriptFile, 'certificate.json', 'certificate.tlog-proof', other], { cwd: tmpDir, stdio: 'pipe', env: {} })).toThrow(/not signed by a key you trust/);
  });

  it('refuses a certificate with one byte of its document changed, wherever it is', () => {
    const { certificate, proof } = downloaded[0]!;
    const length = Buffer.from(certificate.documentBytes, 'base64').length;
    for (const index of [0, 1, Math.floor(length / 3), Math.floor(length / 2), length - 2, length - 1]) {
      const changed = { ...certificate, documentBytes: flipByte(certificate.documentBytes, index) };
      expect(() => verifyCertificate({ certificate: changed, proof: proof, verifierKeys: [verifierKey] }), `byte ${index}`).toThrow('the certificate is not signed by a key you trust');
    }
  });

  it('refuses a certificate with one byte of its signature changed', () => {
    const { certificate, proof } = downloaded[0]!;
    for (const index of [0, 31, 32, 63]) {
      const changed = { ...certificate, signature: flipByte(certificate.signature, index) };
      expect(() => verifyCertificate({ certificate: changed, proof: proof, verifierKeys: [verifierKey] }), `byte ${index}`).toThrow('the certificate is not signed by a key you trust');
    }
  });

  it('refuses a proof with one byte of one of its hashes changed', () => {
    const { certificate, proof } = downloaded[0]!;
    const lines = proof.split('\n');
    // Line 0 is the header, 1 the entry, 2 the index; the hashes run to the blank line.
    const hashes = lines.slice(3, lines.indexOf(''));
    expect(hashes.length).toBeGreaterThan(0);
    for (const [offset, line] of hashes.entries()) {
      const i = 3 + offset;
      const changed = [...lines];
      changed[i] = flipByte(line, 7);
      expect(() => verifyCertificate({ certificate: certificate, proof: changed.join('\n'), verifierKeys: [verifierKey] }), `hash line ${i}`).toThrow(/is not in the signed tree of \d+ entries/);
    }
  });

  it('refuses a proof of another retirement, a changed journal entry, and a checkpoint not signed by the key', () => {
    const [first, second] = downloaded;
    expect(() => verifyCertificate({ certificate: first!.certificate, proof: second!.proof, verifierKeys: [verifierKey] })).toThrow('the proof is not of the entry the certificate names');
    const lines = first!.proof.split('\n');
    const changedEntry = [...lines];
    changedEntry[1] = `extra ${flipByte(lines[1]!.slice('extra '.length), -3)}`;
    expect(() => verifyCertificate({ certificate: first!.certificate, proof: changedEntry.join('\n'), verifierKeys: [verifierKey] })).toThrow('the proof is not of the entry the certificate names');
    const signature = lines.findIndex((line) => line.startsWith(`\u2014 ${testOrigin} `));
    const changedCheckpoint = [...lines];
    changedCheckpoint[signature] = `${lines[signature]!.slice(0, -6)}${lines[signature]!.slice(-6, -5) === 'A' ? 'B' : 'A'}${lines[signature]!.slice(-5)}`;
    expect(() => verifyCertificate({ certificate: first!.certificate, proof: changedCheckpoint.join('\n'), verifierKeys: [verifierKey] })).toThrow('the checkpoint is not signed by a key you trust');
  });

  it('refuses a certificate, even one signed by the registry’s key, that claims other than its journal entry', () => {
    const { certificate, proof } = downloaded[0]!;
    const document = JSON.parse(Buffer.from(certificate.documentBytes, 'base64').toString('utf8')) as { quantity: { kg: number; tonnes: string } };
    const bytes = canonicalBytes({ ...document, quantity: { kg: 25_000, tonnes: '25.000' } });
    const signature = sign(null, bytes, t.keyring.signersAt()[0]!.privateKey).toString('base64');
    const inflated = { ...certificate, documentBytes: bytes.toString('base64'), signature };
    expect(() => verifyCertificate({ certificate: inflated, proof: proof, verifierKeys: [verifierKey] })).toThrow('the journal entry says otherwise');
  });

  it('verifies a certificate signed before a key rotation with the old key among the keys given', () => {
    const { certificate, proof } = downloaded[0]!;
    const newKey = memoryKeyring(testOrigin).published[0]!.verifierKey;
    expect(() => verifyCertificate({ certificate: certificate, proof: proof, verifierKeys: [newKey] })).toThrow('not signed by a key you trust');
    expect(verifyCertificate({ certificate: certificate, proof: proof, verifierKeys: [newKey, verifierKey] }).retirementId).toBe(certificate.retirementId);
  });

  describe('with a witness policy', () => {
    it('verifies a certificate whose checkpoint is cosigned by the witnesses it requires, also as a program', () => {
      const { certificate, proof } = downloaded[0]!;
      expect(verifyCertificate({ certificate, proof, verifierKeys: [verifierKey], witnessKeys, quorum: 2 }).retirementId).toBe(certificate.retirementId);
      expect(console.log).toHaveBeenLastCalledWith(expect.stringMatching(/, cosigned by ngo\.test\/witness, auditor\.test\/witness$/));
      fs.writeFileSync(path.join(tmpDir, 'cosigned.json'), JSON.stringify(certificate));
      fs.writeFileSync(path.join(tmpDir, 'cosigned.tlog-proof'), proof);
      const output = execFileSync(process.execPath, [scriptFile, 'cosigned.json', 'cosigned.tlog-proof', verifierKey, ...witnessKeys, '--quorum=2'], { cwd: tmpDir, encoding: 'utf8', env: {} });
      expect(output).toMatch(/cosigned by ngo\.test\/witness, auditor\.test\/witness\n$/);
    });

    it('rejects a checkpoint without enough cosignatures: stripped, from witnesses it does not trust, or fewer than the quorum', () => {
      const { certificate, proof } = downloaded[0]!;
      const stripped = proof
        .split('\n')
        .filter((line) => !line.startsWith('\u2014 ') || line.startsWith(`\u2014 ${testOrigin} `))
        .join('\n');
      expect(() => verifyCertificate({ certificate, proof: stripped, verifierKeys: [verifierKey], witnessKeys, quorum: 1 })).toThrow('the checkpoint is cosigned by 0 of your witnesses, you require 1');
      const strangers = ['a.test/witness', 'b.test/witness'].map((name) => cosignerVerifierKey({ name, ...generateKeyPairSync('ed25519') }));
      expect(() => verifyCertificate({ certificate, proof, verifierKeys: [verifierKey], witnessKeys: strangers, quorum: 1 })).toThrow('cosigned by 0 of your witnesses');
      expect(() => verifyCertificate({ certificate, proof, verifierKeys: [verifierKey], witnessKeys: [witnessKeys[0]!, strangers[0]!], quorum: 2 })).toThrow('cosigned by 1 of your witnesses, you require 2');
      // A cosignature altered by one byte does not count.
      const lines = proof.split('\n');
      const last = lines.findLastIndex((line) => line.startsWith('\u2014 '));
      lines[last] = `${lines[last]!.slice(0, -6)}${lines[last]!.slice(-6, -5) === 'A' ? 'B' : 'A'}${lines[last]!.slice(-5)}`;
      expect(() => verifyCertificate({ certificate, proof: lines.join('\n'), verifierKeys: [verifierKey], witnessKeys, quorum: 2 })).toThrow('cosigned by 1 of your witnesses');
      expect(() =>
        execFileSync(process.execPath, [scriptFile, 'cosigned.json', 'cosigned.tlog-proof', verifierKey, witnessKeys[0]!, '--quorum=2'], { cwd: tmpDir, stdio: 'pipe', env: {} }),
      ).toThrow(/cosigned by 1 of your witnesses, you require 2/);
    });
  });
});
