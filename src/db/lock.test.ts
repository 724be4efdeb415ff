import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from './lock.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-lock-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

describe('Data directory lock', () => {
  it('refuses a second holder, naming the process that holds it', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir, './data');
    expect(() => lockDataDir(dir, './data')).toThrow(new DataDirInUseError('./data', process.pid));
    expect(() => lockDataDir(dir, './data')).toThrow(`data directory ./data is in use by process ${process.pid}`);
    lock.release();
    lockDataDir(dir, './data').release();
  });

  it('takes over a lock left by a process that no longer runs', () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.writeFileSync(path.join(dir, 'orebook.lock'), dead);
    const lock = lockDataDir(dir);
    expect(fs.readFileSync(path.join(dir, 'orebook.lock'), 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(fs.existsSync(path.join(dir, 'orebook.lock'))).toBe(false);
  });

  it('makes a second orebook process exit non-zero without opening the database', () => {
    const dir = tempDir();
    const lock = lockDataDir(dir);
    const { DATABASE_URL: _postgres, ...inherited } = process.env;
    const env = { ...inherited, OREBOOK_DATA_DIR: dir };
    const result = spawnSync(process.execPath, ['bin/orebook.js', 'migrate'], { env, encoding: 'utf8', timeout: 60_000 });
    lock.release();
    expect(result.status).toBe(3);
    expect(result.stderr).toContain(`data directory ${dir} is in use by process ${process.pid}`);
    expect(fs.existsSync(path.join(dir, 'pglite'))).toBe(false);
  });
});
