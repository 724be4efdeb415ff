import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { canonicalBytes } from '../core/canonical-json.ts';
import { hashLeaf, verifyConsistency, verifyInclusion } from '../core/merkle.ts';
import { openNote, parseCheckpoint, verifierFromKey } from '../core/signed-note.ts';
import { databaseErrorCode } from '../db/transaction.ts';
import { randomBytes } from 'node:crypto';
import { formatCheckpoint, signNote } from '../core/signed-note.ts';
import type { Transaction } from '../db/connect.ts';
import { appendEvent, runCommand, signCheckpoint } from './commands.ts';
import { checkpointWitness, loadKeyring, publicKeyring, rotateKey, type Keyring } from './keys.ts';
import { journalSize, listCheckpoints } from './queries.ts';
import { entriesPageBytes, fitPage } from './routes.ts';
import { journalCheckpoints } from './schema.ts';
import { verifyJournal, type JournalReport } from './verify.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

const b64 = (s: string) => Buffer.from(s, 'base64');

async function organisationsUntil(size: number) {
  while ((await journalSize(t.db)) < size) await t.buildOrganisation();
}

describe('Journal', () => {
  describe('appending', () => {
    it('stores each event as its canonical JSON with a version, sequence, time, organisation, type, subject and payload', async () => {
      const before = await journalSize(t.db);
      await runCommand(t.db, { kind: 'system', orgId: 1, orgCode: 'fca', role: 'admin' }, (ctx) =>
        appendEvent(ctx, { type: 'test.shape_checked', subject: 'test:journal-shape', payload: { name: 'Shape Ltd' } }),
      );
      const response = await t.app.request(`/api/v1/journal/entries?start=${before}&limit=1`);
      const body = (await response.json()) as { entries: { index: number; bytes: string }[] };
      const text = b64(body.entries[0]!.bytes).toString('utf8');
      const event = JSON.parse(text);
      expect(Object.keys(event)).toEqual(['org', 'payload', 'seq', 'subject', 'time', 'type', 'v']);
      expect(event).toMatchObject({ v: 1, seq: before, org: 'fca', type: 'test.shape_checked', subject: 'test:journal-shape' });
      expect(canonicalBytes(event).toString('utf8')).toBe(text);
    });

    it('refuses a command that appends no event, and keeps nothing of it', async () => {
      const before = await journalSize(t.db);
      await expect(
        runCommand(t.db, system, async (ctx) => {
          await ctx.tx.execute(sql`insert into settings (key, value) values ('half-done', 'true')`);
        }),
      ).rejects.toThrow(/exactly one journal event/);
      const rows = await t.db.execute(sql`select count(*)::int as n from settings where key = 'half-done'`);
      expect((rows as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
      expect(await journalSize(t.db)).toBe(before);
    });

    it('refuses a command that appends two events', async () => {
      await expect(
        runCommand(t.db, system, async (ctx) => {
          await appendEvent(ctx, { type: 'test.one', subject: 'test:1', payload: {} });
          await appendEvent(ctx, { type: 'test.two', subject: 'test:2', payload: {} });
        }),
      ).rejects.toThrow(/exactly one journal event/);
    });

    it('gives 50 concurrent commands 50 consecutive sequence numbers and one consistent tree', async () => {
      const before = await journalSize(t.db);
      const first = await signCheckpoint(t.db, t.keyring, 'on_demand');
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          runCommand(t.db, system, (ctx) => appendEvent(ctx, { type: 'test.concurrent', subject: `test:${i}`, payload: { i } })),
        ),
      );
      const seqs = results.map((event) => event.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => before + i));
      expect(await journalSize(t.db)).toBe(before + 50);
      const second = await signCheckpoint(t.db, t.keyring, 'on_demand');
      expect(second.treeSize).toBe(before + 50);
      const proof = await (await t.app.request(`/api/v1/journal/proof/consistency?from=${first.treeSize}&to=${second.treeSize}`)).json();
      expect(verifyConsistency(first.treeSize, second.treeSize, proof.proof.map(b64), first.rootHash, second.rootHash)).toBe(true);
      const report = await verifyJournal(t.db, t.keyring);
      expect(report.problems).toEqual([]);
    });
  });

  describe('append-only storage', () => {
    it('refuses UPDATE and DELETE of journal rows in the database itself', async () => {
      await t.buildOrganisation();
      const update = t.db.execute(sql`update journal_entries set type = 'forged' where seq = 0`);
      await expect(update).rejects.toSatisfy((error: unknown) => databaseErrorCode(error) === 'P0001');
      const remove = t.db.execute(sql`delete from journal_entries where seq = 0`);
      await expect(remove).rejects.toSatisfy((error: unknown) => databaseErrorCode(error) === 'P0001');
      await expect(t.db.execute(sql`truncate journal_entries`)).rejects.toSatisfy((error: unknown) => databaseErrorCode(error) === 'P0001');
    });
  });

  describe('checkpoints', () => {
    it('publishes a C2SP signed note that opens with the published verifier key', async () => {
      await t.buildOrganisation();
      await signCheckpoint(t.db, t.keyring, 'on_demand');
      const note = await (await t.app.request('/api/v1/journal/checkpoint')).text();
      const key = (await (await t.app.request('/.well-known/orebook-key')).json()) as { origin: string; keys: { verifierKey: string }[] };
      const opened = openNote(note, key.keys.map((k) => verifierFromKey(k.verifierKey)));
      const checkpoint = parseCheckpoint(opened.text);
      expect(checkpoint.origin).toBe(key.origin);
      expect(checkpoint.size).toBe(await journalSize(t.db));
    });
  });

  describe('proofs', () => {
    it('proves inclusion of every entry in every tree up to 70, and rejects a wrong index or a changed byte', async () => {
      await organisationsUntil(70);
      const entries = (await (await t.app.request('/api/v1/journal/entries?start=0&limit=70')).json()) as { entries: { index: number; bytes: string }[] };
      for (let size = 1; size <= 70; size++) {
        for (let index = 0; index < size; index++) {
          const proof = (await (await t.app.request(`/api/v1/journal/proof/inclusion?index=${index}&size=${size}`)).json()) as { proof: string[]; rootHash: string };
          const path = proof.proof.map(b64);
          const root = b64(proof.rootHash);
          const bytes = b64(entries.entries[index]!.bytes);
          expect(verifyInclusion(hashLeaf(bytes), index, size, path, root)).toBe(true);
          if (size > 1) expect(verifyInclusion(hashLeaf(bytes), (index + 1) % size, size, path, root)).toBe(false);
          const changed = Buffer.from(bytes);
          changed.writeUInt8(changed.readUInt8(changed.length - 2) ^ 1, changed.length - 2);
          expect(verifyInclusion(hashLeaf(changed), index, size, path, root)).toBe(false);
        }
      }
    });

    it('proves consistency between every pair of sizes up to 70', async () => {
      await organisationsUntil(70);
      const roots: Buffer[] = [];
      for (let size = 1; size <= 70; size++) {
        const proof = (await (await t.app.request(`/api/v1/journal/proof/inclusion?index=0&size=${size}`)).json()) as { rootHash: string };
        roots[size] = b64(proof.rootHash);
      }
      for (let from = 1; from <= 70; from++) {
        for (let to = from; to <= 70; to++) {
          const body = (await (await t.app.request(`/api/v1/journal/proof/consistency?from=${from}&to=${to}`)).json()) as { proof: string[] };
          const proof = body.proof.map(b64);
          expect(verifyConsistency(from, to, proof, roots[from]!, roots[to]!)).toBe(true);
          if (proof.length > 0) {
            const broken = proof.map((hash) => Buffer.from(hash));
            broken[0]![0]! ^= 1;
            expect(verifyConsistency(from, to, broken, roots[from]!, roots[to]!)).toBe(false);
          }
        }
      }
    });

    it('answers 400 journal_range_invalid for an index beyond the tree or a size beyond the journal', async () => {
      const size = await journalSize(t.db);
      for (const query of [`index=${size}&size=${size}`, `index=0&size=${size + 1}`]) {
        const response = await t.app.request(`/api/v1/journal/proof/inclusion?${query}`);
        expect(response.status).toBe(400);
        expect((await response.json()).error.code).toBe('journal_range_invalid');
      }
      const response = await t.app.request(`/api/v1/journal/proof/consistency?from=5&to=3`);
      expect((await response.json()).error).toMatchObject({ code: 'journal_range_invalid', details: { size, reason: 'from 5 is larger than to 3' } });
      const fromEmpty = (await (await t.app.request(`/api/v1/journal/proof/consistency?from=0&to=3`)).json()) as { proof: string[] };
      expect(fromEmpty.proof).toEqual([]);
    });

    it('ends a page of entries before it passes 32 KiB of entry bytes, always with the first entry, and the next page goes on from there', async () => {
      const large = 'x'.repeat(Math.floor(entriesPageBytes * 0.4));
      const first = await journalSize(t.db);
      for (let i = 0; i < 4; i++) {
        await runCommand(t.db, system, (ctx) => appendEvent(ctx, { type: 'test.large_written', subject: `test:large-${i}`, payload: { text: large } }));
      }
      const page = async (start: number, limit: number) =>
        ((await (await t.app.request(`/api/v1/journal/entries?start=${start}&limit=${limit}`)).json()) as { entries: { index: number; bytes: string }[] }).entries;
      // Each entry is a little over 40 % of a page: two fit in one, a third would not.
      expect((await page(first, 4)).map((entry) => entry.index)).toEqual([first, first + 1]);
      expect((await page(first + 2, 4)).map((entry) => entry.index)).toEqual([first + 2, first + 3]);
      expect((await page(first + 3, 1)).map((entry) => entry.index)).toEqual([first + 3]);
      expect(fitPage([{ bytes: Buffer.alloc(entriesPageBytes * 2) }, { bytes: Buffer.alloc(1) }])).toHaveLength(1);
    });

    it('serves entries as NDJSON on request', async () => {
      const response = await t.app.request('/api/v1/journal/entries?start=0&limit=3', { headers: { accept: 'application/x-ndjson' } });
      expect(response.headers.get('content-type')).toContain('application/x-ndjson');
      const lines = (await response.text()).trim().split('\n').map((line) => JSON.parse(line));
      expect(lines.map((line) => line.index)).toEqual([0, 1, 2]);
    });
  });
});

describe('Tampering', () => {
  it('is detected by verify, which names the first bad sequence number', async () => {
    const ctx = await createTestContext();
    try {
      for (let i = 0; i < 12; i++) await ctx.buildOrganisation();
      await signCheckpoint(ctx.db, ctx.keyring, 'on_demand');
      expect((await verifyJournal(ctx.db, ctx.keyring)).problems).toEqual([]);

      // Someone with a raw connection disables the guard and rewrites an event's bytes.
      await ctx.db.execute(sql`alter table journal_entries disable trigger journal_entries_append_only`);
      await ctx.db.execute(sql`update journal_entries set bytes = convert_to(replace(convert_from(bytes, 'UTF8'), 'Organisation', 'Organisatiom'), 'UTF8') where seq = 7`);
      await ctx.db.execute(sql`alter table journal_entries enable trigger journal_entries_append_only`);
      const report = await verifyJournal(ctx.db, ctx.keyring);
      expect(report.firstBadSeq).toBe(7);
      expect(report.problems.join('\n')).toMatch(/entry 7/);

      // Rewriting the stored leaf hash as well still breaks the signed root.
      await ctx.db.execute(sql`alter table journal_entries disable trigger journal_entries_append_only`);
      await ctx.db.execute(sql`update journal_entries set leaf_hash = sha256(${Buffer.from([0])} || bytes) where seq = 7`);
      await ctx.db.execute(sql`alter table journal_entries enable trigger journal_entries_append_only`);
      const again = await verifyJournal(ctx.db, ctx.keyring);
      expect(again.problems.join('\n')).toMatch(/no longer give the signed root/);
    } finally {
      await ctx.close();
    }
  });

  it('detects a checkpoint whose signature was altered', async () => {
    const ctx = await createTestContext();
    try {
      await ctx.buildOrganisation();
      await signCheckpoint(ctx.db, ctx.keyring, 'on_demand');
      await ctx.db.execute(sql`alter table journal_checkpoints disable trigger journal_checkpoints_append_only`);
      await ctx.db.execute(sql`update journal_checkpoints set note = replace(note, E'\n1\n', E'\n2\n')`);
      await ctx.db.execute(sql`alter table journal_checkpoints enable trigger journal_checkpoints_append_only`);
      const report = await verifyJournal(ctx.db, ctx.keyring);
      expect(report.problems.join('\n')).toMatch(/signature does not verify/);
      expect((await listCheckpoints(ctx.db)).length).toBe(1);
    } finally {
      await ctx.close();
    }
  });
});

describe('Verify', () => {
  // One journal of 12 entries with checkpoints at 6 and 12; each test tampers with it inside a
  // transaction that is rolled back, so every test starts from the same sound journal.
  let ctx: TestContext;
  let dir: string;
  beforeAll(async () => {
    ctx = await createTestContext();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-verify-'));
    for (let i = 0; i < 6; i++) await ctx.buildOrganisation();
    await signCheckpoint(ctx.db, ctx.keyring, 'on_demand');
    for (let i = 0; i < 6; i++) await ctx.buildOrganisation();
    await signCheckpoint(ctx.db, ctx.keyring, 'on_demand');
  });
  afterAll(async () => {
    await ctx.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  class RolledBack extends Error {}

  /** The report of verify on the journal after `tamper`, which is then undone. */
  async function verifyAfter(tamper: (tx: Transaction) => Promise<unknown>, keyring: Keyring = ctx.keyring): Promise<JournalReport> {
    let report: JournalReport | undefined;
    try {
      await ctx.db.transaction(async (tx) => {
        await tx.execute(sql`alter table journal_entries disable trigger user`);
        await tx.execute(sql`alter table journal_checkpoints disable trigger user`);
        await tamper(tx);
        report = await verifyJournal(tx, keyring);
        throw new RolledBack();
      });
    } catch (error) {
      if (!(error instanceof RolledBack)) throw error;
    }
    return report!;
  }

  const signed = (size: number, rootHash: Buffer, origin = ctx.keyring.origin) => signNote(formatCheckpoint({ origin, size, rootHash }), ctx.keyring.signersAt());
  const problemsAfter = async (tamper: (tx: Transaction) => Promise<unknown>, keyring?: Keyring) => (await verifyAfter(tamper, keyring)).problems.join('\n');

  it('passes the untouched journal', async () => {
    expect((await verifyAfter(async () => undefined)).problems).toEqual([]);
  });

  it('reports an entry removed from the middle, naming it', async () => {
    const report = await verifyAfter((tx) => tx.execute(sql`delete from journal_entries where seq = 4`));
    expect(report.problems.join('\n')).toMatch(/entry 4 is missing \(found 5 next\)/);
    expect(report.firstBadSeq).toBe(4);
  });

  it('reports a journal head that counts entries that are not there', async () => {
    expect(await problemsAfter((tx) => tx.execute(sql`delete from journal_entries where seq = 11`))).toMatch(/the journal head says 12 entries but 11 were found/);
  });

  it('reports a journal head behind its last checkpoint', async () => {
    const problems = await problemsAfter((tx) => tx.execute(sql`update journal_head set size = 9`));
    expect(problems).toMatch(/the journal head says 9 entries but 12 were found/);
    expect(problems).toMatch(/the journal head \(9 entries\) is behind its last checkpoint \(12 entries\)/);
  });

  it('reports entries removed from the end, below what a checkpoint signed', async () => {
    const problems = await problemsAfter(async (tx) => {
      await tx.execute(sql`delete from journal_entries where seq >= 10`);
      await tx.execute(sql`update journal_head set size = 10`);
    });
    expect(problems).toMatch(/checkpoint #\d+ \(size 12\): signs 12 entries but the journal has 10: entries were removed/);
  });

  it('reports bytes that are not JSON, not canonical, or that give another number', async () => {
    expect(await problemsAfter((tx) => tx.execute(sql`update journal_entries set bytes = convert_to('not json', 'UTF8') where seq = 3`))).toMatch(/entry 3: its bytes are not JSON/);
    expect(await problemsAfter((tx) => tx.execute(sql`update journal_entries set bytes = convert_to(replace(convert_from(bytes, 'UTF8'), '","', '", "'), 'UTF8') where seq = 3`))).toMatch(
      /entry 3: its bytes are not RFC 8785 canonical JSON/,
    );
    expect(await problemsAfter((tx) => tx.execute(sql`update journal_entries set bytes = convert_to(replace(convert_from(bytes, 'UTF8'), '"seq":3,', '"seq":30,'), 'UTF8') where seq = 3`))).toMatch(
      /entry 3: the event says it is number 30/,
    );
  });

  it('reports copied-out columns or a time that differ from the event', async () => {
    expect(await problemsAfter((tx) => tx.execute(sql`update journal_entries set type = 'accounts.forged' where seq = 5`))).toMatch(/entry 5: type, subject or organisation columns differ/);
    expect(await problemsAfter((tx) => tx.execute(sql`update journal_entries set recorded_at = recorded_at + interval '1 second' where seq = 5`))).toMatch(/entry 5: recorded time differs/);
  });

  it('reports a checkpoint signed for another origin', async () => {
    const root = (await verifyAfter(async () => undefined)).rootHash;
    const problems = await problemsAfter((tx) => tx.insert(journalCheckpoints).values({ treeSize: 12, rootHash: root, note: signed(12, root, 'elsewhere.test/journal'), reason: 'on_demand' }));
    expect(problems).toMatch(/origin elsewhere\.test\/journal is not test\.orebook\/journal/);
  });

  it('reports a stored root that differs from the signed note', async () => {
    expect(await problemsAfter((tx) => tx.execute(sql`update journal_checkpoints set root_hash = sha256(root_hash) where tree_size = 6`))).toMatch(
      /checkpoint #\d+ \(size 6\): stored size or root differ from the signed note/,
    );
  });

  it('reports a checkpoint smaller than the one before it', async () => {
    // Stored as if it were the newest, while its signed note says 6.
    expect(await problemsAfter((tx) => tx.execute(sql`update journal_checkpoints set tree_size = 13 where tree_size = 6`))).toMatch(/smaller than the checkpoint before it \(12\)/);
  });

  it('reports a fork: a signed checkpoint that the earlier one does not extend', async () => {
    const otherHistory = randomBytes(32);
    const problems = await problemsAfter((tx) => tx.insert(journalCheckpoints).values({ treeSize: 9, rootHash: otherHistory, note: signed(9, otherHistory), reason: 'on_demand' }));
    expect(problems).toMatch(/\(size 9\): not consistent with the checkpoint of size 6: the log forked/);
  });

  it('reports an emptied journal, or another history, that the last checkpoint kept in the keys directory contradicts', async () => {
    const witness = checkpointWitness(dir);
    const keyring = { ...ctx.keyring, witness };
    const [latest] = (await listCheckpoints(ctx.db)).slice(-1);
    witness.record(latest!.note);
    expect((await verifyAfter(async () => undefined, keyring)).problems).toEqual([]);
    // A database emptied by a failed restore: no entries, no checkpoints, a head of 0.
    const emptied = await problemsAfter(async (tx) => {
      await tx.execute(sql`delete from journal_checkpoints`);
      await tx.execute(sql`delete from journal_entries`);
      await tx.execute(sql`update journal_head set size = 0`);
    }, keyring);
    expect(emptied).toMatch(/this installation signed a checkpoint of 12 entries but the journal has 0: entries were removed/);
    witness.record(signed(6, randomBytes(32)));
    expect((await verifyAfter(async () => undefined, keyring)).problems.join('\n')).toMatch(/no longer give the root of the last checkpoint this installation signed: the log forked/);
  });
});

describe('Keys', () => {
  it('stops signing with a rotated-out key once its overlap ends, and verifies with public keys only', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-keys-'));
    try {
      expect(() => loadKeyring({ dataDir: dir, origin: 'k.test/journal' })).toThrow(/no journal keys/);
      const first = loadKeyring({ dataDir: dir, origin: 'k.test/journal', create: true });
      const rotated = rotateKey({ dataDir: dir, origin: 'k.test/journal', overlapDays: 30 });
      expect(rotated.signersAt().length).toBe(2);
      expect(rotated.signersAt(new Date(Date.now() + 31 * 86_400_000)).length).toBe(1);
      expect(rotated.published.map((key) => key.verifierKey)).toContain(first.published[0]!.verifierKey);
      const auditor = publicKeyring('k.test/journal', rotated.published.map((key) => key.verifierKey));
      expect(auditor.verifiers.length).toBe(2);
      expect(() => auditor.signersAt()).toThrow(/public keys only/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
