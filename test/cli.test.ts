import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/db/connect.ts';
import { cliInstallation } from './cli-installation.ts';

/**
 * The CLI as an operator runs it: real processes on a real data directory (or a fresh database on
 * the PostgreSQL server when DATABASE_URL is set).
 */
const installation = cliInstallation('cli');
const { dataDir, orebook, openDirectly } = installation;
// Fresh installations with the same origin, as when a backup is restored on a new machine.
const freshPublic = cliInstallation('cli-fresh-public', { origin: 'cli.orebook.test/journal' });
const freshPrivate = cliInstallation('cli-fresh-private', { origin: 'cli.orebook.test/journal' });
beforeAll(() => Promise.all([installation.setUp(), freshPublic.setUp(), freshPrivate.setUp()]));
afterAll(() => Promise.all([installation.tearDown(), freshPublic.tearDown(), freshPrivate.tearDown()]));

const rootOf = (out: string) => /root (\S+),/.exec(out)?.[1];

/** What a restore must never lose: the users, the journal rows and the journal head. */
async function contentCounts(open: () => ReturnType<typeof openDirectly>) {
  const handle = await open();
  try {
    const [row] = rowsOf<{ users: number; entries: number; head: number; checkpoints: number }>(
      await handle.db.execute(
        sql`select (select count(*)::int from users) as users, (select count(*)::int from journal_entries) as entries, (select size::int from journal_head) as head, (select count(*)::int from journal_checkpoints) as checkpoints`,
      ),
    );
    return row;
  } finally {
    await handle.close();
  }
}

/** The key that signed a note: the 4-byte key hash that starts its signature. */
const signingKeyOf = (note: string) => Buffer.from(/^— \S+ (\S+)$/m.exec(note)![1]!, 'base64').subarray(0, 4).toString('hex');

// Real processes on the full demo data set: generous time, since CI machines are shared.
describe('orebook CLI', { timeout: 300_000 }, () => {
  it('starts a real installation: user add creates the first organisation and admin', () => {
    const result = orebook('user', 'add', '--email', 'first@secretariat.test', '--name', 'First Admin', '--role', 'admin', '--org', 'fca', '--org-name', 'Fair Cobalt Alliance');
    expect(result.status, result.out).toBe(0);
    expect(result.out).toContain('created organisation fca (secretariat)');
    expect(result.out).toMatch(/password: \S{12,}/);
  });

  it('creates, lists and revokes an API token', () => {
    const created = orebook('token', 'create', '--org', 'fca', '--role', 'admin', '--name', 'ERP export', '--expires-days', '30');
    expect(created.status, created.out).toBe(0);
    expect(created.out).toMatch(/obk_[A-Za-z0-9_-]{40,}/);
    const id = /token (\d+) for fca/.exec(created.out)?.[1];
    expect(orebook('token', 'revoke', id!).status).toBe(0);
    const listed = orebook('token', 'list');
    expect(listed.out).toMatch(new RegExp(`^\\s*${id} fca\\s+admin\\s+revoked`, 'm'));
    expect(listed.out).not.toMatch(/obk_[A-Za-z0-9_-]{40,}/);
  });

  it('refuses bad usage with exit code 2', () => {
    expect(orebook('token', 'revoke', 'abc').status).toBe(2);
    expect(orebook('user', 'add', '--email', 'x@y.test').status).toBe(2);
    expect(orebook('no-such-command').status).toBe(2);
  });

  it('will not replace real data with demo data unless forced', () => {
    const refused = orebook('demo');
    expect(refused.status).toBe(2);
    expect(refused.out).toContain('holds real data');
    const forced = orebook('demo', '--force');
    expect(forced.status, forced.out).toBe(0);
    expect(forced.out).toContain('admin@orebook.demo');
  });

  it('verifies the demo data, backs it up and restores an identical journal head', () => {
    const verified = orebook('verify');
    expect(verified.status, verified.out).toBe(0);
    expect(verified.out).toContain('verification passed');
    const root = rootOf(verified.out);
    expect(root).toBeTruthy();
    const file = path.join(dataDir, 'backup.ndjson.gz');
    expect(orebook('backup', file).status).toBe(0);
    expect(orebook('user', 'add', '--email', 'later@x.test', '--name', 'Later', '--role', 'field', '--org', 'fca').status).toBe(0);
    expect(rootOf(orebook('verify').out)).not.toBe(root);
    expect(orebook('restore', file).status).toBe(2);
    const restored = orebook('restore', file, '--force');
    expect(restored.status, restored.out).toBe(0);
    const after = orebook('verify');
    expect(after.status, after.out).toBe(0);
    expect(rootOf(after.out)).toBe(root);
  });

  it('refuses a truncated, damaged or foreign backup in one line with exit 2, and leaves the database as it was', async () => {
    const good = fs.readFileSync(path.join(dataDir, 'backup.ndjson.gz'));
    const damaged = Buffer.from(good);
    damaged[Math.floor(damaged.length / 2)]! ^= 0x55;
    const bad = {
      truncated: good.subarray(0, Math.floor(good.length * 0.6)),
      damaged,
      foreign: gzipSync('{"hello":"world"}\n'),
      plain: Buffer.from('name,email\nA,a@example.test\n'),
    };
    const before = await contentCounts(openDirectly);
    expect(before!.entries).toBeGreaterThan(0);
    for (const [kind, content] of Object.entries(bad)) {
      const file = path.join(dataDir, `${kind}.ndjson.gz`);
      fs.writeFileSync(file, content);
      const result = orebook('restore', file, '--force');
      expect(result.status, `${kind}: ${result.out}`).toBe(2);
      expect(result.out.trim().split('\n'), `${kind}: ${result.out}`).toHaveLength(1);
      expect(result.out).toMatch(/^orebook: /);
      expect(await contentCounts(openDirectly), kind).toEqual(before);
    }
    const verified = orebook('verify');
    expect(verified.status, verified.out).toBe(0);
  });

  it('carries the public keys in a backup, and the private keys only when asked, sealed with a passphrase', async () => {
    const file = path.join(dataDir, 'with-keys.ndjson.gz');
    const passphrase = { OREBOOK_BACKUP_PASSPHRASE: 'correct horse battery staple' };
    const original = orebook('checkpoint');
    expect(original.status, original.out).toBe(0);
    expect(installation.orebookWith(passphrase, 'backup', file, '--include-private-keys').status).toBe(0);
    const keyFile = JSON.parse(fs.readFileSync(path.join(dataDir, 'keys', 'journal-signing-keys.json'), 'utf8')) as { keys: { privateKey: string }[] };
    expect(gunzipSync(fs.readFileSync(file)).toString('utf8')).not.toContain(keyFile.keys[0]!.privateKey);

    // A fresh machine without the passphrase: the earlier checkpoints still verify with the carried public keys.
    const restored = freshPublic.orebook('restore', file);
    expect(restored.status, restored.out).toBe(0);
    const verified = freshPublic.orebook('verify');
    expect(verified.status, verified.out).toBe(0);
    expect(rootOf(verified.out)).toBe(rootOf(orebook('verify').out));

    // A wrong passphrase is refused and changes nothing; the right one brings the signing key back.
    const wrong = freshPrivate.orebookWith({ OREBOOK_BACKUP_PASSPHRASE: 'wrong' }, 'restore', file);
    expect(wrong.status, wrong.out).toBe(2);
    expect(wrong.out).toMatch(/passphrase/);
    expect((await contentCounts(freshPrivate.openDirectly))!.entries).toBe(0);
    const withKeys = freshPrivate.orebookWith(passphrase, 'restore', file);
    expect(withKeys.status, withKeys.out).toBe(0);
    expect(freshPrivate.orebook('user', 'add', '--email', 'after-restore@x.test', '--name', 'After', '--role', 'field', '--org', 'fca').status).toBe(0);
    const signed = freshPrivate.orebook('checkpoint');
    expect(signed.status, signed.out).toBe(0);
    expect(signingKeyOf(signed.out)).toBe(signingKeyOf(original.out));
    expect(freshPrivate.orebook('verify').status).toBe(0);
  });

  it('signs a checkpoint on demand', () => {
    const result = orebook('checkpoint');
    expect(result.status).toBe(0);
    expect(result.out).toMatch(/^cli\.orebook\.test\/journal\n\d+\n[A-Za-z0-9+/]{43}=\n\n— cli\.orebook\.test\/journal /);
  });

  it('fails verify after anyone edits a journal row by hand, naming the first bad sequence number', async () => {
    const handle = await openDirectly();
    try {
      await handle.db.execute(sql`alter table journal_entries disable trigger journal_entries_append_only`);
      await handle.db.execute(sql`update journal_entries set bytes = convert_to(replace(convert_from(bytes, 'UTF8'), 'Fairphone', 'Fairfone'), 'UTF8') where type = 'accounts.organisation_created' and convert_from(bytes, 'UTF8') like '%Fairphone%'`);
      await handle.db.execute(sql`alter table journal_entries enable trigger journal_entries_append_only`);
    } finally {
      await handle.close();
    }
    // The demo journal starts with the organisations in order: fca, cmds, then Fairphone at number 2.
    const result = orebook('verify');
    expect(result.status).toBe(1);
    expect(result.out).toMatch(/first bad sequence number: 2\b/);
    expect(result.out).toContain('verification failed');
  });
});
