import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, testOrigin, type TestContext } from '../test/harness.ts';
import { journalSize, type Keyring, latestCheckpoint, memoryKeyring, openSealedKeys, publicKeyring, sealKeys, signCheckpoint, verifyJournal } from './journal/public.ts';
import { BackupError, backupDatabase, checkBackup, restoreDatabase } from './backup.ts';
import { rowsOf } from './db/connect.ts';

let t: TestContext;
let dir: string;
let good: string;
beforeAll(async () => {
  t = await createTestContext();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-backup-'));
  for (let i = 0; i < 5; i++) await t.buildUser({ role: 'admin' });
  await signCheckpoint(t.db, t.keyring, 'on_demand');
  // The head moves past the last checkpoint, as it does between two daily checkpoints.
  await t.buildOrganisation();
  good = path.join(dir, 'good.ndjson.gz');
  await backupDatabase(t.handle, good, { keyring: t.keyring });
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function contentCounts() {
  const [row] = rowsOf<Record<string, number>>(
    await t.db.execute(
      sql`select (select count(*)::int from users) as users, (select count(*)::int from organisations) as organisations, (select count(*)::int from journal_entries) as entries, (select size::int from journal_head) as head, (select count(*)::int from journal_checkpoints) as checkpoints`,
    ),
  );
  return row!;
}

/** The backup's lines, parsed, without its end line. */
function linesOf(file: string): Record<string, unknown>[] {
  const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  return lines.filter((line) => !('end' in line));
}

/** Writes lines as a backup, with a correct end line unless told otherwise: what a careful forger would do. */
function writeBackup(name: string, lines: unknown[], options: { end?: boolean } = {}): string {
  const text = lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  const end = options.end === false ? '' : `${JSON.stringify({ end: { lines: lines.length, sha256: createHash('sha256').update(text).digest('hex') } })}\n`;
  const file = path.join(dir, name);
  fs.writeFileSync(file, gzipSync(text + end));
  return file;
}

async function restore(file: string, installation: Keyring = t.keyring, passphrase?: string) {
  const checked = await checkBackup(file, { installation, passphrase });
  return restoreDatabase(t.handle, file, checked);
}

describe('Backup', () => {
  it("carries the head's root hash in its header, over a checkpoint signed at backup time", async () => {
    const header = linesOf(good)[0] as { journal: { size: number; rootHash: string | null }; checkpoint: string };
    const report = await verifyJournal(t.db, t.keyring);
    expect(header.journal.size).toBe(await journalSize(t.db));
    expect(header.journal.rootHash).toBe(report.rootHash.toString('base64'));
    expect((await latestCheckpoint(t.db))!.treeSize).toBe(header.journal.size);
    expect(header.checkpoint).toContain(`\n${header.journal.size}\n${header.journal.rootHash}\n`);
  });

  it('carries the public keys, and the private keys only sealed with a passphrase', async () => {
    const header = linesOf(good)[0] as { keys: { origin: string; verifierKeys: string[]; sealedPrivateKeys: unknown } };
    expect(header.keys).toEqual({ origin: testOrigin, verifierKeys: t.keyring.published.map((key) => key.verifierKey), sealedPrivateKeys: null });
    const keys = [{ privateKey: 'cHJpdmF0ZQ==', createdAt: null, signsUntil: null }];
    const sealed = sealKeys(keys, 'a long passphrase');
    expect(JSON.stringify(sealed)).not.toContain('cHJpdmF0ZQ');
    expect(openSealedKeys(sealed, 'a long passphrase')).toEqual(keys);
    expect(() => openSealedKeys(sealed, 'another passphrase')).toThrow(/passphrase does not open/);
  });
});

describe('Restore', () => {
  it('puts back the journal and the data as they were at backup time', async () => {
    const atBackup = await contentCounts();
    await t.buildUser({ role: 'field' });
    expect(await contentCounts()).not.toEqual(atBackup);
    await restore(good);
    expect(await contentCounts()).toEqual(atBackup);
    expect((await verifyJournal(t.db, t.keyring)).problems).toEqual([]);
    // New ids continue after the restored ones.
    await t.buildUser({ role: 'field' });
  });

  it('refuses a truncated, damaged, edited or foreign file, and changes nothing', async () => {
    const bytes = fs.readFileSync(good);
    const damaged = Buffer.from(bytes);
    damaged[Math.floor(damaged.length / 2)]! ^= 0x55;
    const lines = linesOf(good);
    const edited = lines.map((line) =>
      line.table === 'organisations' ? { ...line, rows: (line.rows as { name: string }[]).map((row) => ({ ...row, name: `${row.name} (edited)` })) } : line,
    );
    const editedText = `${edited.map((line) => JSON.stringify(line)).join('\n')}\n${gunzipSync(bytes).toString('utf8').trim().split('\n').at(-1)}\n`;
    const cases: [string, string, RegExp][] = [
      ['truncated.gz', path.join(dir, 'truncated.gz'), /truncated/],
      ['damaged.gz', path.join(dir, 'damaged.gz'), /damaged|truncated/],
      ['edited.gz', path.join(dir, 'edited.gz'), /checksum does not match/],
      ['no-end.gz', writeBackup('no-end.gz', lines.slice(0, -1), { end: false }), /end line is missing/],
      ['foreign.gz', writeBackup('foreign.gz', [{ hello: 'world' }]), /not an Orebook backup/],
      ['future.gz', writeBackup('future.gz', [{ ...lines[0], version: 9 }, ...lines.slice(1)]), /format version 9/],
      ['plain.csv', path.join(dir, 'plain.csv'), /not an Orebook backup/],
      ['missing.gz', path.join(dir, 'missing.gz'), /cannot read/],
    ];
    fs.writeFileSync(path.join(dir, 'truncated.gz'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    fs.writeFileSync(path.join(dir, 'damaged.gz'), damaged);
    fs.writeFileSync(path.join(dir, 'edited.gz'), gzipSync(editedText));
    fs.writeFileSync(path.join(dir, 'plain.csv'), 'name,email\nA,a@example.test\n');
    const before = await contentCounts();
    for (const [name, file, message] of cases) {
      const outcome = await restore(file).then(
        () => null,
        (error: unknown) => error,
      );
      expect(outcome, name).toBeInstanceOf(BackupError);
      expect((outcome as Error).message, name).toMatch(message);
      expect(await contentCounts(), name).toEqual(before);
    }
  });

  it('refuses a journal that does not give its own head or checkpoints, and changes nothing', async () => {
    const lines = linesOf(good);
    const withoutLastEntry = lines.map((line) => (line.table === 'journal_entries' ? { ...line, rows: (line.rows as { seq: number }[]).filter((row) => row.seq !== 3) } : line));
    const otherRoot = [{ ...(lines[0] as object), journal: { ...(lines[0]!.journal as object), rootHash: Buffer.alloc(32).toString('base64') } }, ...lines.slice(1)];
    const before = await contentCounts();
    await expect(restore(writeBackup('gap.gz', withoutLastEntry))).rejects.toThrow(/header says \d+ journal entries/);
    await expect(restore(writeBackup('root.gz', otherRoot))).rejects.toThrow(/do not give the root hash/);
    expect(await contentCounts()).toEqual(before);
  });

  it('rolls back a restore that fails half way, leaving the database as it was', async () => {
    // Passes every check of the file, then breaks a NOT NULL column while rows are inserted.
    const lines = linesOf(good).map((line) => (line.table === 'users' ? { ...line, rows: (line.rows as object[]).map((row) => ({ ...row, email: null })) } : line));
    const file = writeBackup('null-email.gz', lines);
    const before = await contentCounts();
    const checked = await checkBackup(file, { installation: t.keyring });
    await expect(restoreDatabase(t.handle, file, checked)).rejects.toThrow();
    expect(await contentCounts()).toEqual(before);
    expect((await verifyJournal(t.db, t.keyring)).problems).toEqual([]);
  });

  it("refuses to finish when neither the backup nor the installation holds its checkpoints' keys", async () => {
    const lines = linesOf(good);
    const { keys: _keys, ...header } = lines[0] as Record<string, unknown>;
    const withoutKeys = writeBackup('without-keys.gz', [header, ...lines.slice(1)]);
    const stranger = memoryKeyring(testOrigin);
    const before = await contentCounts();
    await expect(restore(withoutKeys, stranger)).rejects.toThrow(/signed by .* which neither the backup nor this installation holds/);
    await expect(restore(good, memoryKeyring('elsewhere.test/journal'))).rejects.toThrow(/OREBOOK_ORIGIN=test\.orebook\/journal/);
    expect(await contentCounts()).toEqual(before);
    // The backup's own public keys are enough, and so are the keys given to an installation that holds none.
    await restore(good, stranger);
    await restore(withoutKeys, publicKeyring(testOrigin, t.keyring.published.map((key) => key.verifierKey)));
  });

  it('opens sealed private keys only with the right passphrase', async () => {
    const keys = [{ privateKey: 'cHJpdmF0ZQ==', createdAt: '2026-01-01T00:00:00.000Z', signsUntil: null }];
    const lines = linesOf(good);
    const header = { ...(lines[0] as Record<string, unknown>), keys: { origin: testOrigin, verifierKeys: [], sealedPrivateKeys: sealKeys(keys, 'the right one') } };
    const file = writeBackup('sealed.gz', [header, ...lines.slice(1)]);
    await expect(checkBackup(file, { installation: t.keyring, passphrase: 'the wrong one' })).rejects.toThrow(/passphrase does not open/);
    expect((await checkBackup(file, { installation: t.keyring, passphrase: 'the right one' })).privateKeys).toEqual(keys);
    expect((await checkBackup(file, { installation: t.keyring })).privateKeys).toEqual([]);
  });
});
