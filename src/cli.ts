import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { serve } from '@hono/node-server';
import { SingleBar, Presets } from 'cli-progress';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createApiToken, createOrganisation, createUser, demoPassword, demoUsers, findOrganisation, listTokens, listUsers, revokeApiToken } from './accounts/public.ts';
import { createApp } from './app.tsx';
import type { Config } from './config.ts';
import { organisationKinds, userRoles, type OrganisationKind, type UserRole } from './core/auth/roles.ts';
import { runInvariants } from './core/invariants.ts';
import { BackupError, backupDatabase, checkBackup, restoreDatabase } from './backup.ts';
import type { DatabaseHandle } from './db/connect.ts';
import { DataDirInUseError } from './db/lock.ts';
import { loadDemo, RealDataError } from './demo.ts';
import { loadChildNameKey } from './children/public.ts';
import { fieldForm, importSubmissions, reportLines, writeFieldForms } from './imports/public.ts';
import { adoptRestoredKeys, checkpointWitness, cosignedNote, exportTiles, journalSize, latestCheckpoint, NoSigningKeyError, publicKeyring, readStoredKeys, rotateKey, runCommand, sealKeys, signCheckpoint, verifyJournal } from './journal/public.ts';
import { modules } from './modules.ts';
import { makeVerifierKey, signStatementBytes, StatementSigningError } from './sites/public.ts';
import { buildDeps, createLogger, openDatabase, openKeyring, withWitnesses } from './runtime.ts';
import { resetDemoWitnesses, startDemoWitnesses } from './demo-witnesses.ts';
import { cosignerVerifierKey } from './core/cosignature.ts';
import { lockDataDir } from './db/lock.ts';
import { verifierFromKey } from './core/signed-note.ts';
import { startWitnessServer } from './witness/serve-witness.ts';
import { generateWitnessKey, loadWitnessKey } from './witness/witness-key.ts';
import { loggableError } from './core/errors.ts';

/** Exit codes: 0 done; 1 a check failed; 2 bad usage or input; 3 the database cannot be opened. */
export const exit = { ok: 0, checkFailed: 1, badInput: 2, databaseUnavailable: 3 } as const;

export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const system = { kind: 'system', orgId: null, orgCode: null, role: 'admin' } as const;

function progressBar(label: string) {
  const bar = new SingleBar({ format: `${label} [{bar}] {value}/{total}`, hideCursor: true, clearOnComplete: false, stream: process.stderr }, Presets.shades_classic);
  return bar;
}

/** The installation's keys; public ones only (OREBOOK_RETIRED_KEYS) when it holds no signing key yet. */
function installationKeyring(config: Config) {
  try {
    return openKeyring(config, { create: false });
  } catch (error) {
    if (!(error instanceof NoSigningKeyError)) throw error;
    const retired = (config.retiredKeys ?? '').split(',').map((key) => key.trim()).filter(Boolean);
    return { ...publicKeyring(config.origin, retired), witness: checkpointWitness(config.dataDir) };
  }
}

async function withDatabase<T>(config: Config, work: (handle: DatabaseHandle) => Promise<T>): Promise<T> {
  let handle: DatabaseHandle;
  try {
    handle = await openDatabase(config);
  } catch (error) {
    if (error instanceof DataDirInUseError) throw new CliError(error.message, exit.databaseUnavailable);
    throw new CliError(`cannot open the database: ${(error as Error).message}`, exit.databaseUnavailable);
  }
  try {
    return await work(handle);
  } finally {
    await handle.close();
  }
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive whole number');
  return n;
}

function printDemoLogins(url: string) {
  console.log('\nDemonstration data. Sign in at %s/login with:', url);
  for (const user of demoUsers) console.log(`  ${user.role.padEnd(12)} ${user.email.padEnd(26)} ${demoPassword(user.email)}`);
}

async function serveCommand(config: Config, options: { demo: boolean; port?: number }) {
  const handle = await openDatabase(config).catch((error: Error) => {
    throw new CliError(error.message, exit.databaseUnavailable);
  });
  const logger = createLogger(config.logLevel);
  let keyring = openKeyring(config);
  try {
    const demoIsNew = options.demo && (await journalSize(handle.db)) === 0;
    if (demoIsNew) resetDemoWitnesses(config);
    keyring = withWitnesses(keyring, config, logger, options.demo ? await startDemoWitnesses(config, keyring, logger) : []);
    if (demoIsNew) {
      console.log('First start: loading the demo data set…');
      await loadDemo(handle, keyring, modules, { publicBaseUrl: config.publicUrl, say: (line) => console.log(`  ${line}`) });
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  const deps = await buildDeps(handle, config, keyring, logger);
  await signCheckpoint(handle.db, keyring, 'start', deps.journalTree);
  const app = createApp(deps, modules);
  const port = options.port ?? config.port;
  const server = serve({ fetch: app.fetch, port, hostname: config.host }, (info) => {
    const url = `http://localhost:${info.port}`;
    console.log(`Orebook is running at ${url} (${handle.kind === 'pglite' ? `embedded database in ${handle.location}` : `PostgreSQL at ${handle.location}`})`);
    if (deps.demo) printDemoLogins(url);
  });
  // A checkpoint each day: look every hour whether the latest is a day old.
  const daily = setInterval(async () => {
    const latest = await latestCheckpoint(handle.db).catch(() => undefined);
    if (!latest || Date.now() - latest.signedAt.getTime() >= 86_400_000) {
      await signCheckpoint(handle.db, keyring, 'daily', deps.journalTree).catch((error: Error) => logger.error({ err: loggableError(error) }, 'daily checkpoint failed'));
    }
  }, 3_600_000);
  daily.unref();
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    clearInterval(daily);
    server.close(async () => {
      await handle.close();
      process.exit(exit.ok);
    });
    setTimeout(() => handle.close().finally(() => process.exit(exit.ok)), 5_000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

export function buildCli(config: Config): Command {
  const program = new Command('orebook')
    .description('Orebook: Responsible Minerals Credits, site data, premium funds and field programmes')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('serve')
    .description('start the web server and API (PORT, default 8080)')
    .option('--demo', 'on an empty database, load the demo data set first', false)
    .option('-p, --port <port>', 'port to listen on (overrides PORT)', parsePositiveInt)
    .action((options: { demo: boolean; port?: number }) => serveCommand(config, options));

  program
    .command('migrate')
    .description('apply pending database migrations')
    .action(() => withDatabase(config, async (handle) => console.log(`migrated ${handle.kind} database at ${handle.location}`)));

  program
    .command('demo')
    .description('load or reload the demo data set (replaces everything in the database)')
    .option('--seed <n>', 'seed of the generator', parsePositiveInt, 2023)
    .option('--force', 'replace a database that holds real data', false)
    .action((options: { seed: number; force: boolean }) =>
      withDatabase(config, async (handle) => {
        try {
          await loadDemo(handle, openKeyring(config), modules, { ...options, publicBaseUrl: config.publicUrl, say: (line) => console.log(line) });
          // A new demo history: the demo's witnesses must not hold the old one against it.
          resetDemoWitnesses(config);
        } catch (error) {
          if (error instanceof RealDataError) throw new CliError(error.message, exit.badInput);
          throw error;
        }
        console.log(`demo data loaded: ${await journalSize(handle.db)} journal events`);
        printDemoLogins(`http://localhost:${config.port}`);
      }),
    );

  program
    .command('verify')
    .description('recompute the journal tree, check every checkpoint and every module invariant; exit 1 on any problem')
    .option('--key <verifier-key...>', 'check checkpoints with these public verifier keys (name+hash+base64) instead of the local key file')
    .action((options: { key?: string[] }) =>
      withDatabase(config, async (handle) => {
        let keyring;
        try {
          keyring = options.key ? { ...publicKeyring(config.origin, options.key), witness: checkpointWitness(config.dataDir) } : openKeyring(config, { create: false });
        } catch (error) {
          throw new CliError((error as Error).message, exit.badInput);
        }
        const bar = progressBar('journal');
        const size = await journalSize(handle.db);
        bar.start(size, 0);
        const journal = await verifyJournal(handle.db, keyring, (done) => bar.update(done));
        bar.stop();
        const invariants = await runInvariants(handle.db, modules.flatMap((module) => module.invariants ?? []));
        console.log(`journal: ${journal.size} entries, root ${journal.rootHash.toString('base64')}, ${journal.checkpoints} checkpoints`);
        for (const problem of journal.problems) console.log(`  FAIL ${problem}`);
        if (journal.firstBadSeq !== null) console.log(`  first bad sequence number: ${journal.firstBadSeq}`);
        if (journal.problems.length === 0) console.log('  ok: every entry, checkpoint signature and consistency proof holds');
        for (const result of invariants) {
          console.log(`${result.problems.length ? 'FAIL' : 'ok  '} ${result.id}: ${result.description}`);
          for (const problem of result.problems) console.log(`  ${problem}`);
        }
        const failed = journal.problems.length > 0 || invariants.some((result) => result.problems.length > 0);
        if (failed) throw new CliError('verification failed', exit.checkFailed);
        console.log('verification passed');
      }),
    );

  program
    .command('checkpoint')
    .description('sign a checkpoint over the journal now and print it')
    .action(() =>
      withDatabase(config, async (handle) => {
        const checkpoint = await signCheckpoint(handle.db, withWitnesses(openKeyring(config), config, createLogger(config.logLevel)), 'on_demand');
        process.stdout.write(await cosignedNote(handle.db, checkpoint));
      }),
    );

  const user = program.command('user').description('manage users');
  user
    .command('add')
    .description('add a user; creates the organisation first when it does not exist (the first admin starts a real installation)')
    .requiredOption('--email <email>', 'email address (the sign-in name)')
    .requiredOption('--name <name>', 'display name')
    .addOption(new Option('--role <role>', 'role').choices(userRoles).makeOptionMandatory())
    .requiredOption('--org <code>', 'organisation code, e.g. fca')
    .option('--org-name <name>', 'name of a new organisation')
    .addOption(new Option('--org-kind <kind>', 'kind of a new organisation').choices(organisationKinds).default('secretariat'))
    .option('--country <cc>', 'country of a new organisation (ISO 3166-1 alpha-2)', 'CD')
    .option('--password <password>', 'password (else one is generated and printed once)')
    .action((options: { email: string; name: string; role: UserRole; org: string; orgName?: string; orgKind: OrganisationKind; country: string; password?: string }) =>
      withDatabase(config, async (handle) => {
        let organisation = await findOrganisation(handle.db, { code: options.org });
        if (!organisation) {
          if (!options.orgName) throw new CliError(`there is no organisation "${options.org}"; give --org-name (and --org-kind) to create it`, exit.badInput);
          organisation = await runCommand(handle.db, system, (ctx) =>
            createOrganisation(ctx, { code: options.org, name: options.orgName!, kind: options.orgKind, country: options.country }),
          );
          console.log(`created organisation ${organisation.code} (${organisation.kind})`);
        }
        const password = options.password ?? randomBytes(12).toString('base64url');
        if (password.length < 12) throw new CliError('the password needs at least 12 characters', exit.badInput);
        const created = await runCommand(handle.db, system, (ctx) =>
          createUser(ctx, { organisationId: organisation.id, email: options.email, displayName: options.name, role: options.role, password }),
        );
        console.log(`created user ${created.email} (${created.role}, ${organisation.code}), code ${created.code}`);
        if (!options.password) console.log(`password: ${password}\n(shown once: give it to the person in private)`);
      }),
    );
  user
    .command('list')
    .description('list users (personal data: for administrators)')
    .action(() =>
      withDatabase(config, async (handle) => {
        for (const row of await listUsers(handle.db)) console.log(`${row.organisationCode.padEnd(14)} ${row.role.padEnd(12)} ${row.email.padEnd(30)} ${row.displayName}`);
      }),
    );

  const token = program.command('token').description('manage API tokens');
  token
    .command('create')
    .description('create an API token scoped to an organisation and role; prints it once')
    .requiredOption('--org <code>', 'organisation code')
    .addOption(new Option('--role <role>', 'role the token acts with').choices(userRoles).makeOptionMandatory())
    .requiredOption('--name <name>', 'what the token is for')
    .option('--expires-days <days>', 'days until it expires', parsePositiveInt)
    .action((options: { org: string; role: UserRole; name: string; expiresDays?: number }) =>
      withDatabase(config, async (handle) => {
        const organisation = await findOrganisation(handle.db, { code: options.org });
        if (!organisation) throw new CliError(`there is no organisation "${options.org}"`, exit.badInput);
        const expiresAt = options.expiresDays ? new Date(Date.now() + options.expiresDays * 86_400_000) : null;
        const created = await runCommand(handle.db, system, (ctx) =>
          createApiToken(ctx, { organisationId: organisation.id, role: options.role, name: options.name, expiresAt }),
        );
        console.log(`token ${created.record.id} for ${organisation.code} as ${options.role}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ''}:`);
        console.log(created.token);
      }),
    );
  token
    .command('revoke')
    .description('revoke an API token by its number')
    .argument('<id>', 'token number', parsePositiveInt)
    .action((id: number) =>
      withDatabase(config, async (handle) => {
        const revoked = await runCommand(handle.db, system, (ctx) => revokeApiToken(ctx, { tokenId: id }));
        console.log(`revoked token ${revoked.id} (${revoked.name})`);
      }),
    );
  token
    .command('list')
    .description('list API tokens (never their secret)')
    .action(() =>
      withDatabase(config, async (handle) => {
        for (const row of await listTokens(handle.db, null)) {
          const state = row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt <= new Date() ? 'expired' : 'active';
          console.log(`${String(row.id).padStart(4)} ${row.organisationCode.padEnd(14)} ${row.role.padEnd(12)} ${state.padEnd(8)} ${row.prefix}… ${row.name}`);
        }
      }),
    );

  program
    .command('backup')
    .description('write a consistent copy of the whole database and the public signing keys to FILE (gzip NDJSON, restores on PGlite or PostgreSQL)')
    .argument('<file>', 'backup file to write')
    .option('--include-private-keys', 'also carry the private signing keys, sealed with OREBOOK_BACKUP_PASSPHRASE', false)
    .action((file: string, options: { includePrivateKeys: boolean }) =>
      withDatabase(config, async (handle) => {
        if (options.includePrivateKeys && !config.backupPassphrase) {
          throw new CliError('--include-private-keys needs a passphrase to seal them with: set OREBOOK_BACKUP_PASSPHRASE', exit.badInput);
        }
        const keyring = installationKeyring(config);
        const sealedPrivateKeys = options.includePrivateKeys ? sealKeys(readStoredKeys(config), config.backupPassphrase!) : null;
        const bar = progressBar('tables');
        let started = false;
        const header = await backupDatabase(handle, file, {
          keyring,
          sealedPrivateKeys,
          onTable: (_table, done, total) => {
            if (!started) bar.start(total, 0);
            started = true;
            bar.update(done);
          },
        });
        bar.stop();
        console.log(`backup written to ${file}: ${header.tables.length} tables, journal of ${header.journal.size} entries, root ${header.journal.rootHash}`);
        console.log(sealedPrivateKeys ? 'the private signing keys are in it, sealed with the passphrase' : 'the public signing keys are in it (not the private ones: see --include-private-keys)');
      }),
    );

  program
    .command('restore')
    .description('replace the database with the content of a backup FILE, after checking all of it; a bad file changes nothing')
    .argument('<file>', 'backup file to read')
    .option('--force', 'replace a database whose journal is not empty', false)
    .action((file: string, options: { force: boolean }) =>
      withDatabase(config, async (handle) => {
        if (!options.force && (await journalSize(handle.db)) > 0) {
          throw new CliError('the database is not empty; use --force to replace it with the backup', exit.badInput);
        }
        let checked;
        try {
          checked = await checkBackup(file, { installation: installationKeyring(config), passphrase: config.backupPassphrase });
          await restoreDatabase(handle, file, checked, (table) => console.log(`  ${table}`));
        } catch (error) {
          if (error instanceof BackupError) throw new CliError(`${error.message}; nothing was changed`, exit.badInput);
          throw new CliError(`the restore failed and was rolled back, nothing was changed: ${(error as Error).message}`, exit.checkFailed);
        }
        adoptRestoredKeys({ dataDir: config.dataDir, verifierKeys: checked.verifierKeys, privateKeys: checked.privateKeys });
        checkpointWitness(config.dataDir).record(checked.lastCheckpoint);
        console.log(`restored ${file}: journal of ${await journalSize(handle.db)} entries, root ${checked.header.journal.rootHash}`);
        if (checked.header.keys?.sealedPrivateKeys && checked.privateKeys.length === 0) {
          console.log('the backup carries sealed private keys; set OREBOOK_BACKUP_PASSPHRASE and restore again to sign with them, or a new key signs from the next start');
        }
      }),
    );

  program
    .command('forms')
    .description('the field forms, as XLSForms for KoboToolbox or ODK Central')
    .command('export')
    .description('write every field form as <form>.xlsx into DIR')
    .argument('<dir>', 'directory to write into (created when missing)')
    .action((dir: string) =>
      withDatabase(config, async (handle) => {
        for (const file of await writeFieldForms(handle.db, dir)) console.log(`wrote ${file}`);
      }),
    );

  program
    .command('import')
    .description('import a KoboToolbox export (CSV, XLSX or JSON) of a field form; all or nothing; exit 1 when a row has a problem')
    .argument('<form>', 'form id, e.g. safety_incident (see orebook forms export)')
    .argument('<file>', 'the export file')
    .option('--dry-run', 'check every row and report, write nothing', false)
    .option('--valid-rows-only', 'import the valid rows and list the others', false)
    .option('--org <code>', 'the organisation the import is recorded for (the case manager of child cases)')
    .action((formId: string, file: string, options: { dryRun: boolean; validRowsOnly: boolean; org?: string }) =>
      withDatabase(config, async (handle) => {
        const form = fieldForm(formId);
        if (!fs.existsSync(file)) throw new CliError(`there is no file ${file}`, exit.badInput);
        const organisation = options.org ? await findOrganisation(handle.db, { code: options.org }) : null;
        if (options.org && !organisation) throw new CliError(`there is no organisation "${options.org}"`, exit.badInput);
        const actor = organisation ? { ...system, orgId: organisation.id, orgCode: organisation.code } : system;
        const bar = progressBar(form.id);
        let started = false;
        const report = await importSubmissions(handle.db, actor, {
          form,
          content: fs.readFileSync(file),
          dryRun: options.dryRun,
          validRowsOnly: options.validRowsOnly,
          env: { childNameKey: loadChildNameKey({ dataDir: config.dataDir, envKey: config.childrenKey }) },
          onProgress: (done, total) => {
            if (!started) bar.start(total, done);
            started = true;
            bar.update(done);
          },
        });
        bar.stop();
        for (const line of reportLines(report)) console.log(line);
        if (report.problems.length > 0) throw new CliError(`${report.problems.length} submissions have a problem`, exit.checkFailed);
      }),
    );

  program
    .command('keygen-verifier')
    .description('make an Ed25519 key pair for a verifier organisation, offline: writes the private key file and prints the public key to register')
    .requiredOption('--out <file>', 'where to write the private key (PKCS#8 PEM); it is never overwritten')
    .action((options: { out: string }) => {
      const key = makeVerifierKey();
      try {
        fs.writeFileSync(options.out, key.privateKeyPem, { mode: 0o600, flag: 'wx' });
      } catch (error) {
        throw new CliError(`cannot write ${options.out}: ${(error as Error).message}`, exit.badInput);
      }
      console.log(`wrote the private key to ${options.out}; keep it safe, Orebook never needs it`);
      console.log(`public key to register: ${key.publicKey}`);
    });

  program
    .command('sign-statement')
    .description('sign a prepared verification statement with a verifier key file, offline: the key never leaves this machine')
    .requiredOption('--key <file>', 'the private key file (PKCS#8 PEM, from orebook keygen-verifier)')
    .requiredOption('--in <file>', 'the statement’s exact bytes, as downloaded from /api/v1/verification-drafts/{id}/document')
    .requiredOption('--out <file>', 'where to write the signature (base64), to upload')
    .action((options: { key: string; in: string; out: string }) => {
      const read = (file: string) => {
        try {
          return fs.readFileSync(file);
        } catch (error) {
          throw new CliError(`cannot read ${file}: ${(error as Error).message}`, exit.badInput);
        }
      };
      let signed: { signature: string; publicKey: string };
      try {
        signed = signStatementBytes(read(options.key).toString('utf8'), read(options.in));
      } catch (error) {
        if (error instanceof StatementSigningError) throw new CliError(error.message, exit.badInput);
        throw error;
      }
      fs.writeFileSync(options.out, `${signed.signature}\n`);
      console.log(`signed with ${signed.publicKey}; upload ${options.out}: POST /api/v1/verification-drafts/{id}/signature {"signature": "<its content>"}`);
    });

  program
    .command('key')
    .description('manage the journal signing key')
    .command('rotate')
    .description('add a new signing key; the old one goes on signing for the overlap')
    .option('--overlap-days <days>', 'days both keys sign', parsePositiveInt, 30)
    .action((options: { overlapDays: number }) => {
      if (config.signingKey) throw new CliError('the signing keys come from OREBOOK_SIGNING_KEY: rotate them there', exit.badInput);
      const keyring = rotateKey({ dataDir: config.dataDir, origin: config.origin, overlapDays: options.overlapDays });
      for (const key of keyring.published) console.log(`${key.verifierKey}  signs until ${key.signsUntil ?? 'further notice'}`);
    });

  program
    .command('export-tiles')
    .description('write the journal up to its latest checkpoint as static C2SP tlog-tiles files (checkpoint, tile/...) that any web server can host')
    .argument('<dir>', 'directory to write to; full tiles already there are kept')
    .action((dir: string) =>
      withDatabase(config, async (handle) => {
        const bar = progressBar('tiles');
        bar.start(1, 0);
        try {
          const result = await exportTiles(handle.db, dir, (done, total) => {
            bar.setTotal(total);
            bar.update(done);
          });
          bar.stop();
          console.log(`wrote the log of ${result.size} entries to ${dir}: ${result.written} files written, ${result.kept} full tiles already there`);
        } catch (error) {
          bar.stop();
          throw new CliError((error as Error).message, exit.checkFailed);
        }
      }),
    );

  const witness = program
    .command('witness')
    .description('run a transparency-log witness (C2SP tlog-witness) that cosigns the checkpoints of the logs it follows')
    // Checked in the action rather than required: commander would ask them of `witness keygen` too.
    .option('--key <file>', 'the witness key file (make one with `orebook witness keygen`); required')
    .option('--data <dir>', 'where it keeps the latest checkpoint of each log; required')
    .option('--log <verifierKey...>', 'verifier key of a log it follows (its name is the log origin); repeat for more keys or logs; required')
    .option('-p, --port <port>', 'port to listen on', parsePositiveInt, 8081)
    .option('--host <host>', 'address to listen on', '0.0.0.0')
    .action(async (options: { key?: string; data?: string; log?: string[]; port: number; host: string }) => {
      if (!options.key || !options.data || !options.log?.length) throw new CliError('orebook witness needs --key FILE, --data DIR and at least one --log VERIFIER_KEY', exit.badInput);
      let signer, logs;
      try {
        signer = loadWitnessKey(options.key);
        logs = options.log.map(verifierFromKey);
      } catch (error) {
        throw new CliError((error as Error).message, exit.badInput);
      }
      try {
        lockDataDir(options.data);
      } catch (error) {
        throw new CliError((error as Error).message, exit.databaseUnavailable);
      }
      const logger = createLogger(config.logLevel);
      const running = await startWitnessServer({
        signer,
        logs,
        dataDir: options.data,
        port: options.port,
        host: options.host,
        onRefusal: (refusal) => logger.warn({ origin: refusal.origin, status: refusal.status, reason: refusal.reason }, 'refused a checkpoint'),
      });
      console.log(`witness ${cosignerVerifierKey(signer)} listening at ${running.url}/add-checkpoint, following ${[...new Set(logs.map((log) => log.name))].join(', ')}`);
    });
  witness
    .command('keygen')
    .description('make a witness key file and print its verifier key, for the logs that submit to it and the readers that trust it')
    .argument('<file>', 'the key file to make (it must not exist)')
    .requiredOption('--name <name>', 'the witness name, a schema-less URL, e.g. witness.example.org/orebook')
    .action((file: string, options: { name: string }) => {
      try {
        console.log(cosignerVerifierKey(generateWitnessKey(file, options.name)));
      } catch (error) {
        throw new CliError((error as Error).message, exit.badInput);
      }
    });

  return program;
}
