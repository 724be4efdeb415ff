import { sql } from 'drizzle-orm';
import type { DatabaseHandle } from './db/connect.ts';
import { migrateDatabase } from './db/migrate.ts';
import { readSetting, writeSetting } from './db/settings.ts';
import { journalSize, type Keyring, signCheckpoint } from './journal/public.ts';
import { demoSettingKey } from './runtime.ts';
import type { DemoContext, OrebookModule } from './web/module.ts';

/** A small seeded generator (mulberry32): the same seed always gives the same demo data set. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class RealDataError extends Error {
  constructor() {
    super('this database holds real data (its journal is not empty and it was not made by `orebook demo`); refusing to replace it. Use --force to replace it anyway.');
  }
}

/** Drops every table and re-applies the migrations: an empty, current database. */
export async function resetDatabase(handle: DatabaseHandle): Promise<void> {
  await handle.db.execute(sql`drop schema if exists drizzle cascade`);
  await handle.db.execute(sql`drop schema public cascade`);
  await handle.db.execute(sql`create schema public`);
  await migrateDatabase(handle);
}

/**
 * Loads (or reloads) the demo data set: empties the database, then lets each module add its part
 * through its own commands, so the demo journal is a real journal, and signs a checkpoint.
 */
export async function loadDemo(
  handle: DatabaseHandle,
  keyring: Keyring,
  modules: readonly OrebookModule[],
  options: { seed?: number; force?: boolean; say?: (line: string) => void; publicBaseUrl?: string } = {},
): Promise<void> {
  const say = options.say ?? (() => undefined);
  const isDemo = (await readSetting<boolean>(handle.db, demoSettingKey)) === true;
  if (!isDemo && !options.force && (await journalSize(handle.db)) > 0) throw new RealDataError();
  await resetDatabase(handle);
  await writeSetting(handle.db, demoSettingKey, true);
  const random = seededRandom(options.seed ?? 2023);
  const ctx: DemoContext = { db: handle.db, random, system: { kind: 'system', orgId: null, orgCode: null, role: 'admin' }, organisations: {}, keyring, publicBaseUrl: options.publicBaseUrl ?? 'http://localhost:8080', say };
  for (const module of modules) {
    if (!module.loadDemo) continue;
    say(`demo: ${module.name}`);
    await module.loadDemo(ctx);
  }
  await signCheckpoint(handle.db, keyring, 'start');
}
