import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';
import { connectDatabase, type DatabaseHandle } from './db/connect.ts';
import { migrateDatabase } from './db/migrate.ts';
import { readSetting } from './db/settings.ts';
import { JournalTreeCache, type Keyring, loadKeyring, type WitnessEndpoint } from './journal/public.ts';
import { trustProxies } from './web/client-address.ts';
import type { Deps } from './web/context.ts';
import { loadChildNameKey } from './children/public.ts';

export const demoSettingKey = 'demo_data';

export function createLogger(level: string): Logger {
  // Redaction is a second line of defence: the code never logs bodies, cookies or tokens.
  return pino({ level, redact: { paths: ['password', '*.password', 'token', '*.token', 'email', '*.email', 'headers.authorization', 'headers.cookie'], remove: true } });
}

/** Opens the configured database (PGlite with its lock, or PostgreSQL) and applies pending migrations. */
export async function openDatabase(config: Config): Promise<DatabaseHandle> {
  const handle = config.databaseUrl
    ? await connectDatabase({ kind: 'postgres', url: config.databaseUrl })
    : await connectDatabase({ kind: 'pglite', dataDir: config.dataDir, displayDir: displayPath(config.dataDir) });
  try {
    await migrateDatabase(handle);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

function displayPath(dir: string): string {
  const relative = dir.startsWith(process.cwd() + '/') ? `./${dir.slice(process.cwd().length + 1)}` : dir;
  return relative;
}

/** The journal keys; `create` makes the first key of a new installation (servers, demo, checkpoint). */
export function openKeyring(config: Config, options: { create: boolean } = { create: true }): Keyring {
  return loadKeyring({ dataDir: config.dataDir, origin: config.origin, signingKey: config.signingKey, retiredKeys: config.retiredKeys, create: options.create });
}

/**
 * The keyring with the witnesses that cosign its checkpoints (the configured ones and any `extra`,
 * such as the demo's); the keyring itself when there are none. A witness's problem is logged, never
 * raised.
 */
export function withWitnesses(keyring: Keyring, config: Config, logger: Logger, extra: WitnessEndpoint[] = []): Keyring {
  const witnesses = [...config.witnesses, ...extra];
  if (witnesses.length === 0) return keyring;
  return {
    ...keyring,
    witnesses: {
      witnesses,
      quorum: config.witnessQuorum ?? witnesses.length,
      onProblem: (problem) => logger.warn(problem, 'a witness did not cosign the checkpoint; the next checkpoint asks it again'),
    },
  };
}

/** Everything the HTTP app needs, built from an open database. */
export async function buildDeps(handle: DatabaseHandle, config: Config, keyring: Keyring, logger: Logger): Promise<Deps> {
  return {
    db: handle.db,
    dbKind: handle.kind,
    keyring,
    publicBaseUrl: config.publicUrl,
    childNameKey: loadChildNameKey({ dataDir: config.dataDir, envKey: config.childrenKey, create: true }),
    logger,
    journalTree: new JournalTreeCache(),
    secureCookies: config.secureCookies,
    trustedProxies: trustProxies(config.trustedProxies),
    bodyLimitBytes: config.bodyLimitBytes,
    uploadLimitBytes: config.uploadLimitBytes,
    demo: (await readSetting<boolean>(handle.db, demoSettingKey)) === true,
    publicVersionFreshForMs: 250,
  };
}
