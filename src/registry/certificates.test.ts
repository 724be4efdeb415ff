import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, sql } from 'drizzle-orm';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement, openApprovedAccount } from '../../test/factories/registry.ts';
import { createTestContext, system, testOrigin, type TestContext } from '../../test/harness.ts';
import { problemsAfter } from '../../test/invariants.ts';
import type { Actor } from '../core/auth/roles.ts';
import { AppError } from '../core/errors.ts';
import type { Transaction } from '../db/connect.ts';
import { hashLeaf, verifyInclusion } from '../core/merkle.ts';
import { ed25519PublicKey, openNote, parseCheckpoint, rawPublicKey } from '../core/signed-note.ts';
import { type Keyring, listCheckpoints, loadKeyring, memoryKeyring, rotateKey, runCommand, signCheckpoint } from '../journal/public.ts';
import { checkCertificateSignature, encodeCertificate, parseCertificateDocument, sha256Hex, type CertificateDocument } from './certificate/document.ts';
import { certificateInvariants } from './certificate/invariants.ts';
import { qrOptions } from './certificate/pdf.ts';
import { finishRetirement } from './commands/finish-retirement.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { issueCertificate } from './commands/issue-certificate.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { getIssuanceAccount } from './queries/accounts.ts';
import { findCertificate, retirementJournalEntry } from './queries/certificates.ts';
import { creditCertificates } from './schema.ts';

let t: TestContext;
let buyer: { id: number; code: string };
let buyerActor: Actor;
let accountId: number;
let site: { id: number; code: string };

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat', code: 'fca' });
  buyer = await t.buildOrganisation({ kind: 'buyer', code: 'fairphone' });
  buyerActor = actorOf(buyer, 'buyer');
  const signed = await insertSignedStatement(t, { responsibleKg: 40_000, periodStart: '2025-01-01', periodEnd: '2025-06-30' });
  site = signed.site;
  const { id: statementId } = signed.statement;
  // Two batches, so that a retirement can span serials of both.
  await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId, quantityKg: 1_000 }));
  await runCommand(t.db, system, (ctx) => issueBatch(ctx, { statementId, quantityKg: 30_000 }));
  accountId = (await openApprovedAccount(t.db, buyer)).id;
  const issuance = (await getIssuanceAccount(t.db))!.id;
  await runCommand(t.db, system, (ctx) => transferCredits(ctx, { fromAccountId: issuance, toAccountId: accountId, quantityKg: 25_000 }));
});
afterAll(() => t?.close());

const claim = { beneficiary: 'Fairphone B.V.', claimPeriodStart: '2025-01-01', claimPeriodEnd: '2025-12-31', covers: 'Fairphone 5, 120,000 units', footprintReference: 'FP-FAIRPHONE-2025', publicStatement: 'Our 2025 cobalt use is covered.' };

/** A committed retirement, not finished: what a crash between the commit and `finishRetirement` leaves. */
const retire = (quantityKg: number) => runCommand(t.db, buyerActor, (ctx) => retireCredits(ctx, { accountId, quantityKg, ...claim }));

/** A retirement as the app makes one: committed, then finished. */
async function retireAndFinish(quantityKg: number) {
  const retirement = await retire(quantityKg);
  const certificate = await finishRetirement(t.deps, retirement.id);
  return { retirement, certificate };
}

const documentOf = (bytes: Buffer) => parseCertificateDocument(bytes)!;
const certificateCount = async () => (await t.db.select({ n: count() }).from(creditCertificates))[0]!.n;
const checkpointCount = async () => (await listCheckpoints(t.db)).length;
const getJson = async (url: string) => {
  const response = await t.app.request(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

type ApiCertificate = {
  retirementId: number;
  document: CertificateDocument;
  documentBytes: string;
  documentSha256: string;
  signature: string;
  keyName: string;
  keyHash: string;
  publicKey: string;
  verifierKey: string;
  signatureValid: boolean;
  signatureProblem: string | null;
  checkpoint: { treeSize: number; signedAt: string } | null;
  links: { page: string; json: string; pdf: string; tlogProof: string };
};

/** The parts of a C2SP tlog-proof, read the way the spec writes them (independently of the code that writes them). */
function parseTlogProof(text: string) {
  const [head, ...rest] = text.split('\n\n');
  const lines = head!.split('\n');
  expect(lines[0]).toBe('c2sp.org/tlog-proof@v1');
  const extra = lines[1]!.startsWith('extra ') ? Buffer.from(lines.splice(1, 1)[0]!.slice('extra '.length), 'base64') : null;
  const index = /^index (0|[1-9][0-9]*)$/.exec(lines[1]!);
  expect(index).not.toBeNull();
  return { extra, index: Number(index![1]), hashes: lines.slice(2).map((line) => Buffer.from(line, 'base64')), checkpoint: rest.join('\n\n') };
}

function verifyTlogProof(text: string, keyring: Keyring) {
  const proof = parseTlogProof(text);
  const checkpoint = parseCheckpoint(openNote(proof.checkpoint, keyring.verifiers).text);
  return { ...proof, size: checkpoint.size, origin: checkpoint.origin, included: verifyInclusion(hashLeaf(proof.extra!), proof.index, checkpoint.size, proof.hashes, checkpoint.rootHash) };
}

describe('Retirement certificates', () => {
  describe('issuing', () => {
    it('finishing a retirement signs a checkpoint over it and issues a certificate that states the retirement, its serials and its journal entry', async () => {
      const checkpointsBefore = await checkpointCount();
      const { retirement, certificate } = await retireAndFinish(1_500);
      expect(await checkpointCount()).toBe(checkpointsBefore + 1);
      const entry = (await retirementJournalEntry(t.db, retirement.id))!;
      const document = documentOf(certificate.document);
      expect(document).toEqual({
        type: 'orebook.retirement-certificate',
        version: 1,
        retirementId: retirement.id,
        url: `https://test.orebook/certificates/${retirement.id}`,
        retiredAt: retirement.createdAt.toISOString(),
        quantity: { kg: 1_500, tonnes: '1.500' },
        serials: [
          expect.objectContaining({ serials: `RMC-CO-CD-${site.code}-2025-0001-1-1000`, batch: `RMC-CO-CD-${site.code}-2025-0001`, firstUnit: 1, lastUnit: 1000, quantityKg: 1000, mineral: 'cobalt', vintage: 2025 }),
          {
            serials: `RMC-CO-CD-${site.code}-2025-0002-1-500`,
            batch: `RMC-CO-CD-${site.code}-2025-0002`,
            firstUnit: 1,
            lastUnit: 500,
            quantityKg: 500,
            mineral: 'cobalt',
            site: { code: site.code, name: expect.any(String) },
            country: 'CD',
            vintage: 2025,
            period: { start: '2025-01-01', end: '2025-06-30' },
          },
        ],
        beneficiary: 'Fairphone B.V.',
        claimPeriod: { start: '2025-01-01', end: '2025-12-31' },
        covers: 'Fairphone 5, 120,000 units',
        footprintReference: 'FP-FAIRPHONE-2025',
        publicStatement: 'Our 2025 cobalt use is covered.',
        journal: { origin: testOrigin, index: entry.index, entrySha256: sha256Hex(entry.bytes) },
        issuedAt: certificate.signedAt.toISOString(),
        key: { name: testOrigin, keyHash: t.keyring.published[0]!.keyHash, publicKey: t.keyring.published[0]!.publicKey },
      });
      expect(JSON.parse(entry.bytes.toString('utf8'))).toMatchObject({ type: 'registry.credits_retired', subject: `credit-retirement:${retirement.id}` });
      // Stored as its canonical bytes, with the key that signed them; no personal data of the account's KYC.
      expect(encodeCertificate(document).equals(certificate.document)).toBe(true);
      expect(certificate).toMatchObject({ retirementId: retirement.id, keyName: testOrigin });
      expect(certificate.publicKey.toString('base64')).toBe(t.keyring.published[0]!.publicKey);
      const text = certificate.document.toString('utf8');
      for (const personal of ['contact@fairphone.example', 'RCS ', 'fairphone SA']) expect(text).not.toContain(personal);
    });

    it('signs the exact bytes with Ed25519; one changed byte of the document or of the signature fails', async () => {
      const { certificate } = await retireAndFinish(700);
      expect(checkCertificateSignature(certificate, t.keyring.verifiers)).toEqual({ valid: true, problem: null });
      const publicKey = ed25519PublicKey(certificate.publicKey);
      expect(verify(null, certificate.document, publicKey, certificate.signature)).toBe(true);
      for (let i = 0; i < certificate.document.length; i++) {
        const changed = Buffer.from(certificate.document);
        changed[i]! ^= 0x01;
        expect(verify(null, changed, publicKey, certificate.signature), `document byte ${i}`).toBe(false);
        expect(checkCertificateSignature({ ...certificate, document: changed }, t.keyring.verifiers).valid, `document byte ${i}`).toBe(false);
      }
      for (let i = 0; i < certificate.signature.length; i++) {
        const changed = Buffer.from(certificate.signature);
        changed[i]! ^= 0x80;
        expect(checkCertificateSignature({ ...certificate, signature: changed }, t.keyring.verifiers), `signature byte ${i}`).toEqual({ valid: false, problem: 'signature_mismatch' });
      }
    });

    it('refuses a certificate checked against keys that are not the registry’s, or that names another key than its own', async () => {
      const { certificate } = await retireAndFinish(100);
      expect(checkCertificateSignature(certificate, memoryKeyring(testOrigin).verifiers)).toEqual({ valid: false, problem: 'unknown_key' });
      const other = rawPublicKey(memoryKeyring(testOrigin).verifiers[0]!.publicKey);
      expect(checkCertificateSignature({ ...certificate, publicKey: other }, t.keyring.verifiers)).toEqual({ valid: false, problem: 'key_mismatch' });
      const pretty = Buffer.from(JSON.stringify(documentOf(certificate.document), null, 2));
      expect(checkCertificateSignature({ ...certificate, document: pretty }, t.keyring.verifiers)).toEqual({ valid: false, problem: 'not_canonical' });
    });

    it('is idempotent: issuing again, finishing again, or many issuing at once give the one certificate', async () => {
      const { retirement, certificate } = await retireAndFinish(200);
      const checkpoints = await checkpointCount();
      const again = await finishRetirement(t.deps, retirement.id);
      expect(again).toEqual(certificate);
      expect(await checkpointCount()).toBe(checkpoints);

      const unfinished = await retire(300);
      const concurrent = await Promise.all(Array.from({ length: 6 }, () => issueCertificate(t.db, t.keyring, unfinished.id)));
      expect(new Set(concurrent.map((c) => c.document.toString('base64'))).size).toBe(1);
      const rows = await t.db.select().from(creditCertificates).where(sql`${creditCertificates.retirementId} = ${unfinished.id}`);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.signature.equals(concurrent[0]!.signature)).toBe(true);
    });

    it('names its page at the registry’s public address when one is given', async () => {
      const retirement = await retire(50);
      const certificate = await finishRetirement({ ...t.deps, publicBaseUrl: 'https://registry.example.org/' }, retirement.id);
      expect(documentOf(certificate.document).url).toBe(`https://registry.example.org/certificates/${retirement.id}`);
    });

    it('refuses to issue the certificate of a retirement that does not exist', async () => {
      const before = await certificateCount();
      const error = await issueCertificate(t.db, t.keyring, 999_999).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'certificate_not_found', status: 404 });
      expect((error as AppError).text.fr).toContain('999999');
      expect(await certificateCount()).toBe(before);
    });
  });

  describe('GET /api/v1/certificates/{id}', () => {
    it('answers anyone with the document, its exact bytes, the signature, the key and whether it verifies', async () => {
      const { retirement, certificate } = await retireAndFinish(250);
      const { status, body } = await getJson(`/api/v1/certificates/${retirement.id}`);
      expect(status).toBe(200);
      const answer = body as ApiCertificate;
      const published = t.keyring.published[0]!;
      expect(answer).toMatchObject({
        retirementId: retirement.id,
        documentBytes: certificate.document.toString('base64'),
        documentSha256: sha256Hex(certificate.document),
        signature: certificate.signature.toString('base64'),
        algorithm: 'Ed25519',
        keyName: testOrigin,
        keyHash: published.keyHash,
        publicKey: published.publicKey,
        verifierKey: published.verifierKey,
        signatureValid: true,
        signatureProblem: null,
        links: {
          page: `/certificates/${retirement.id}`,
          json: `/api/v1/certificates/${retirement.id}`,
          pdf: `/certificates/${retirement.id}.pdf`,
          tlogProof: `/api/v1/certificates/${retirement.id}.tlog-proof`,
        },
      });
      expect(answer.document).toEqual(documentOf(certificate.document));
      expect(answer.checkpoint!.treeSize).toBeGreaterThan(answer.document.journal.index);
      // The bytes as served verify with the key as published, with nothing but node:crypto.
      expect(verify(null, Buffer.from(answer.documentBytes, 'base64'), ed25519PublicKey(Buffer.from(published.publicKey, 'base64')), Buffer.from(answer.signature, 'base64'))).toBe(true);
    });

    it('issues the certificate of a retirement that was never finished, and its checkpoint, on the first read', async () => {
      const retirement = await retire(400);
      expect(await findCertificate(t.db, retirement.id)).toBeUndefined();
      const { status, body } = await getJson(`/api/v1/certificates/${retirement.id}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ retirementId: retirement.id, signatureValid: true, checkpoint: expect.objectContaining({ treeSize: expect.any(Number) }) });
      expect(await findCertificate(t.db, retirement.id)).toBeDefined();
      const second = await getJson(`/api/v1/certificates/${retirement.id}`);
      expect(second.body.documentBytes).toBe(body.documentBytes);
    });

    it('answers 404 certificate_not_found, in the reader’s language, for a retirement that does not exist, and signs nothing', async () => {
      const checkpoints = await checkpointCount();
      const certificates = await certificateCount();
      for (const id of ['424242', '0', '99999999999']) {
        for (const suffix of ['', '.tlog-proof', '.pdf']) {
          const { status, body } = await getJson(`/api/v1/certificates/${id}${suffix}`);
          expect({ status, code: (body.error as { code: string }).code }, `${id}${suffix}`).toEqual({ status: 404, code: 'certificate_not_found' });
        }
      }
      const french = await t.app.request('/api/v1/certificates/424242?lang=fr');
      expect(((await french.json()) as { error: { message: string } }).error.message).toBe('Il n’existe pas de retrait 424242, donc pas de certificat pour lui.');
      expect((await getJson('/api/v1/certificates/abc')).status).toBe(400);
      expect((await t.app.request('/certificates/424242')).status).toBe(404);
      expect((await t.app.request('/certificates/424242.pdf')).status).toBe(404);
      expect(await checkpointCount()).toBe(checkpoints);
      expect(await certificateCount()).toBe(certificates);
    });

    it('reports a certificate whose key the registry no longer publishes as not valid', async () => {
      const { retirement } = await retireAndFinish(60);
      const keyring = t.deps.keyring;
      t.deps.keyring = memoryKeyring(testOrigin);
      try {
        expect((await getJson(`/api/v1/certificates/${retirement.id}`)).body).toMatchObject({ signatureValid: false, signatureProblem: 'unknown_key' });
        const page = await (await t.app.request(`/certificates/${retirement.id}`)).text();
        expect(page).toContain('tag-red');
        expect(page).toContain('Signature not valid');
      } finally {
        t.deps.keyring = keyring;
      }
    });
  });

  describe('GET /api/v1/certificates/{id}.tlog-proof', () => {
    it('gives the C2SP tlog-proof of the retirement event in the earliest checkpoint that covers it, which verifies with merkle.ts and the signed note', async () => {
      const { retirement, certificate } = await retireAndFinish(120);
      const document = documentOf(certificate.document);
      // Later entries and checkpoints do not change which checkpoint the proof is given against.
      const first = (await listCheckpoints(t.db)).find((checkpoint) => checkpoint.treeSize > document.journal.index)!;
      await t.buildOrganisation();
      await signCheckpoint(t.db, t.keyring, 'on_demand');

      const response = await t.app.request(`/api/v1/certificates/${retirement.id}.tlog-proof`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      const text = await response.text();
      expect(text.startsWith('c2sp.org/tlog-proof@v1\nextra ')).toBe(true);
      const proof = verifyTlogProof(text, t.keyring);
      expect(proof.included).toBe(true);
      expect(proof).toMatchObject({ index: document.journal.index, size: first.treeSize, origin: testOrigin, checkpoint: first.note });
      // The extra line is the journal entry itself: the bytes whose SHA-256 the certificate states.
      expect(sha256Hex(proof.extra!)).toBe(document.journal.entrySha256);

      const changed = proof.hashes.map((hash) => Buffer.from(hash));
      changed[0]![5]! ^= 0x01;
      expect(verifyInclusion(hashLeaf(proof.extra!), proof.index, proof.size, changed, parseCheckpoint(openNote(proof.checkpoint, t.keyring.verifiers).text).rootHash)).toBe(false);
    });

    it('answers 409 retirement_not_checkpointed while no signed checkpoint covers the retirement, and the proof once one does', async () => {
      const retirement = await retire(80);
      await issueCertificate(t.db, t.keyring, retirement.id);
      const { status, body } = await getJson(`/api/v1/certificates/${retirement.id}.tlog-proof`);
      expect(status).toBe(409);
      expect(body.error).toMatchObject({ code: 'retirement_not_checkpointed', details: { retirementId: retirement.id, index: expect.any(Number) } });
      expect((await getJson(`/api/v1/certificates/${retirement.id}`)).body.checkpoint).toBeNull();
      await signCheckpoint(t.db, t.keyring, 'on_demand');
      const proof = await t.app.request(`/api/v1/certificates/${retirement.id}.tlog-proof`);
      expect(proof.status).toBe(200);
      expect(verifyTlogProof(await proof.text(), t.keyring).included).toBe(true);
    });
  });

  describe('the PDF', () => {
    /** The page of a PDF as a grey-scale raster (PGM), `dpi` dots per inch. */
    function rasterOf(pdf: Buffer, dpi: number) {
      const pgm = execFileSync('pdftoppm', ['-gray', '-r', String(dpi), '-f', '1', '-l', '1', '-'], { input: pdf, maxBuffer: 64 * 1024 * 1024 });
      const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'))!;
      const [width, height] = [Number(header[1]), Number(header[2])];
      const pixels = pgm.subarray(header[0].length);
      return { width, height, dark: (x: number, y: number) => pixels[Math.round(y) * width + Math.round(x)]! < 128 };
    }

    /** Reads the QR symbol in the top right corner of the page and compares it, module by module, with the symbol of `url`. */
    function qrMatches(pdf: Buffer, url: string): boolean {
      const dpi = 300;
      const mm = dpi / 25.4;
      const page = rasterOf(pdf, dpi);
      // The template puts the QR code, 32 mm wide, in the corner of the 18 mm margins of an A4 page.
      const area = { left: Math.round((210 - 18 - 34) * mm), right: Math.round((210 - 16) * mm), top: Math.round(16 * mm), bottom: Math.round((18 + 33) * mm) };
      let [left, right, top, bottom] = [Infinity, -Infinity, Infinity, -Infinity];
      for (let y = area.top; y < area.bottom; y++) {
        for (let x = area.left; x < area.right; x++) {
          if (!page.dark(x, y)) continue;
          [left, right, top, bottom] = [Math.min(left, x), Math.max(right, x), Math.min(top, y), Math.max(bottom, y)];
        }
      }
      const symbol = QRCode.create(url, qrOptions).modules;
      const module = (right - left + 1) / symbol.size;
      if (Math.abs((bottom - top + 1) / symbol.size - module) > 0.5 || module < 3) return false;
      for (let row = 0; row < symbol.size; row++) {
        for (let column = 0; column < symbol.size; column++) {
          const dark = page.dark(left + (column + 0.5) * module, top + (row + 0.5) * module);
          if (dark !== Boolean(symbol.data[row * symbol.size + column])) return false;
        }
      }
      return true;
    }

    it('states the claim, the serials, the journal entry, the signature and the key, in English or French, with a QR code of the public page', async () => {
      const { retirement, certificate } = await retireAndFinish(2_500);
      const document = documentOf(certificate.document);
      for (const [locale, heading, quantity] of [
        ['en', 'Certificate of retirement of Responsible Minerals Credits', '2.500 t'],
        ['fr', 'Certificat de retrait de crédits de minerais responsables', '2,500 t'],
      ] as const) {
        const response = await t.app.request(`/certificates/${retirement.id}.pdf?lang=${locale}`);
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('application/pdf');
        const pdf = Buffer.from(await response.arrayBuffer());
        expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
        const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString().replace(/\s+/g, ' ');
        for (const fact of [heading, quantity, 'Fairphone B.V.', 'FP-FAIRPHONE-2025', 'Fairphone 5, 120,000 units', 'Our 2025 cobalt use is covered.', document.journal.entrySha256, document.key.publicKey, document.key.keyHash, certificate.signature.toString('base64'), document.url]) {
          expect(text, `${locale}: ${fact}`).toContain(fact);
        }
        for (const range of document.serials) expect(text).toContain(range.serials);
        expect(qrMatches(pdf, document.url), `${locale}: QR code of ${document.url}`).toBe(true);
        expect(qrMatches(pdf, `${document.url}0`)).toBe(false);
      }
      const api = await t.app.request(`/api/v1/certificates/${retirement.id}.pdf`);
      expect(api.status).toBe(200);
      expect(api.headers.get('content-type')).toBe('application/pdf');
    });
  });

  describe('the public page /certificates/{id}', () => {
    it('shows the facts, the serials with their look-ups, a valid signature, and how to check it offline, in English and French', async () => {
      const { retirement, certificate } = await retireAndFinish(900);
      const document = documentOf(certificate.document);
      const english = await t.app.request(`/certificates/${retirement.id}`);
      expect(english.status).toBe(200);
      const page = await english.text();
      for (const fact of [`Retirement certificate ${retirement.id}`, 'Signature valid', 'tag-green', 'Fairphone B.V.', '0.900 t', 'FP-FAIRPHONE-2025', 'Our 2025 cobalt use is covered.', document.key.publicKey, document.journal.entrySha256]) {
        expect(page, fact).toContain(fact);
      }
      for (const range of document.serials) expect(page).toContain(`href="/api/v1/registry/serials/${range.serials}"`);
      for (const link of ['/docs/certificates.md', `/api/v1/certificates/${retirement.id}"`, `/certificates/${retirement.id}.pdf?lang=en`, `/api/v1/certificates/${retirement.id}.tlog-proof`, '/.well-known/orebook-key']) {
        expect(page, link).toContain(link);
      }
      const french = await (await t.app.request(`/certificates/${retirement.id}?lang=fr`)).text();
      for (const fact of [`Certificat de retrait ${retirement.id}`, 'Signature valide', '0,900 t', 'Comment vérifier un certificat']) expect(french, fact).toContain(fact);
    });

    it('serves the serial look-ups it links to', async () => {
      const { certificate } = await retireAndFinish(30);
      const [range] = documentOf(certificate.document).serials;
      const { status, body } = await getJson(`/api/v1/registry/serials/${range!.serials}`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ block: { state: 'retired' }, retirement: { id: documentOf(certificate.document).retirementId } });
    });
  });

  describe('key rotation', () => {
    it('keeps old certificates valid with the registry’s published keys after a rotation, and signs new ones with the new key', async () => {
      const { retirement: old } = await retireAndFinish(40);
      const previous = t.keyring;
      const { privateKey } = generateKeyPairSync('ed25519');
      // Its own data dir: the keyring keeps the last checkpoint it signs there.
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-certificate-rotation-'));
      const rotated = loadKeyring({
        dataDir,
        origin: testOrigin,
        signingKey: privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64'),
        retiredKeys: previous.published[0]!.verifierKey,
      });
      t.deps.keyring = rotated;
      try {
        const oldAnswer = (await getJson(`/api/v1/certificates/${old.id}`)).body as ApiCertificate;
        expect(oldAnswer).toMatchObject({ signatureValid: true, publicKey: previous.published[0]!.publicKey });
        const { certificate } = await retireAndFinish(40);
        expect(certificate.publicKey.equals(rawPublicKey(privateKey))).toBe(true);
        expect(checkCertificateSignature(certificate, rotated.verifiers).valid).toBe(true);
        expect(checkCertificateSignature(certificate, previous.verifiers).valid).toBe(false);
        expect(await problemsAfter(t.db, certificateInvariants, async () => undefined)).toEqual({});
      } finally {
        t.deps.keyring = previous;
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('signs with the newest key while two overlap', async () => {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-certificate-keys-'));
      try {
        loadKeyring({ dataDir, origin: testOrigin, create: true });
        const overlapping = rotateKey({ dataDir, origin: testOrigin, overlapDays: 30 });
        expect(overlapping.signersAt()).toHaveLength(2);
        const retirement = await retire(10);
        // In a transaction rolled back: these keys are not the registry's of this test.
        await problemsAfter(t.db, [], async (tx) => {
          const certificate = await issueCertificate(tx, overlapping, retirement.id);
          expect(certificate.publicKey.toString('base64')).toBe(overlapping.published[1]!.publicKey);
        });
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  describe('the invariants for `orebook verify`', () => {
    /** Runs statements with the append-only guards switched off, as someone with direct database access could. */
    async function tamper(tx: Transaction, statement: ReturnType<typeof sql>) {
      await tx.execute(sql`alter table credit_certificates disable trigger credit_certificates_append_only`);
      await tx.execute(sql`alter table credit_retirements disable trigger credit_retirements_append_only`);
      await tx.execute(statement);
    }

    it('hold for every certificate made through the app', async () => {
      for (const invariant of certificateInvariants) expect(invariant.description.length).toBeGreaterThan(30);
      expect(await certificateCount()).toBeGreaterThan(5);
      expect(await problemsAfter(t.db, certificateInvariants, async () => undefined)).toEqual({});
    });

    it('report a certificate whose document was changed, and one that no longer matches its retirement', async () => {
      const { retirement } = await retireAndFinish(20);
      const changedDocument = await problemsAfter(t.db, certificateInvariants, (tx) =>
        tamper(tx, sql`update credit_certificates set document = convert_to(replace(convert_from(document, 'UTF8'), '"kg":20', '"kg":21'), 'UTF8') where retirement_id = ${retirement.id}`),
      );
      expect(changedDocument['registry.certificates_signed']).toEqual([`certificate ${retirement.id}: its signature does not verify (signature_mismatch)`]);
      expect(changedDocument['registry.certificates_match_retirements']).toEqual([`certificate ${retirement.id}: its document differs from retirement ${retirement.id} in quantity`]);

      const changedRetirement = await problemsAfter(t.db, certificateInvariants, (tx) => tamper(tx, sql`update credit_retirements set beneficiary = 'Someone Else Ltd' where id = ${retirement.id}`));
      expect(changedRetirement).toEqual({ 'registry.certificates_match_retirements': [`certificate ${retirement.id}: its document differs from retirement ${retirement.id} in beneficiary`] });
    });

    it('report a certificate signed with a key that signs no checkpoint of the journal', async () => {
      const retirement = await retire(10);
      const stranger = memoryKeyring(testOrigin);
      const problems = await problemsAfter(t.db, certificateInvariants, async (tx) => {
        await issueCertificate(tx, stranger, retirement.id);
      });
      expect(problems['registry.certificates_signed']).toEqual([expect.stringMatching(new RegExp(`^certificate ${retirement.id}: signed with .* which signed no checkpoint of the journal$`))]);
    });
  });
});
