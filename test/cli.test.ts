import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliInstallation } from './cli-installation.ts';

/**
 * The CLI as an operator runs it: real processes on a real data directory (or a fresh database on
 * the PostgreSQL server when DATABASE_URL is set).
 */
const installation = cliInstallation('cli');
const { dataDir, orebook, openDirectly } = installation;
beforeAll(() => installation.setUp());
afterAll(() => installation.tearDown());

const rootOf = (out: string) => /root (\S+),/.exec(out)?.[1];

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
