import { createHash } from 'node:crypto';
import fs from 'node:fs';
import readline from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle, Queryable } from './db/connect.ts';
import { rowsOf } from './db/connect.ts';
import { hashLeaf, MerkleTree } from './core/merkle.ts';
import { openNote, parseCheckpoint, verifierFromKey } from './core/signed-note.ts';
import { journalSize, type Keyring, loadJournalTree, NoSigningKeyError, openSealedKeys, type SealedKeys, signCheckpoint, type StoredKey } from './journal/public.ts';

/**
 * Backups are engine-neutral: gzip'd NDJSON of every table's rows (as PostgreSQL's own JSON
 * representation), taken in one REPEATABLE READ snapshot. A backup from PGlite restores on a
 * PostgreSQL server and back.
 *
 * Version 2: the header line, the row chunks, then an end line with the SHA-256 of every line
 * before it, so a truncated or edited file is refused before anything is touched. The header
 * carries the journal's head (size and root, covered by a checkpoint signed at backup time), the
 * public keys that signed its checkpoints and, only when asked, the private keys sealed with a
 * passphrase. Version 1 files (no end line, no keys) stay readable: gzip's own CRC and the
 * journal checks below guard them.
 */
export type BackupHeader = {
  format: 'orebook-backup';
  version: 1 | 2;
  createdAt: string;
  tables: string[];
  journal: { size: number; rootHash: string | null };
  /** Version 2: the checkpoint over the head, signed when the backup was taken (null when no key could sign). */
  checkpoint?: string | null;
  keys?: { origin: string; verifierKeys: string[]; sealedPrivateKeys: SealedKeys | null };
};

type Chunk = { table: string; rows: Record<string, unknown>[] };
type EndLine = { end: { lines: number; sha256: string } };

/** A backup file that cannot be restored; nothing was changed. */
export class BackupError extends Error {}

type TableDependency = { table: string; dependsOn: string | null };

/** The public tables in an order where every table comes after the tables it references. */
async function tablesInDependencyOrder(db: Queryable): Promise<string[]> {
  const tables = rowsOf<{ table_name: string }>(
    await db.execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name`),
  ).map((row) => row.table_name);
  const edges = rowsOf<{ table: string; depends_on: string }>(
    await db.execute(sql`
      select c.conrelid::regclass::text as "table", c.confrelid::regclass::text as depends_on
      from pg_constraint c join pg_namespace n on n.oid = c.connamespace
      where c.contype = 'f' and n.nspname = 'public'`),
  ).map((row): TableDependency => ({ table: row.table.replace(/"/g, ''), dependsOn: row.depends_on.replace(/"/g, '') }));
  const ordered: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (ordered.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const edge of edges) if (edge.table === table && edge.dependsOn && edge.dependsOn !== table) visit(edge.dependsOn);
    ordered.push(table);
  };
  tables.forEach(visit);
  return ordered;
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

export type BackupOptions = {
  /** Signs a checkpoint over the head when none covers it, and gives the public keys to carry. */
  keyring: Keyring;
  /** The private keys, sealed with a passphrase, when the operator asked for them. */
  sealedPrivateKeys?: SealedKeys | null;
  onTable?: (table: string, done: number, total: number) => void;
};

/** Writes a consistent copy of the whole database to `file`. */
export async function backupDatabase(handle: DatabaseHandle, file: string, options: BackupOptions): Promise<BackupHeader> {
  const { keyring } = options;
  return handle.db.transaction(
    async (tx) => {
      const tables = await tablesInDependencyOrder(tx);
      const size = await journalSize(tx);
      const rootHash = (await loadJournalTree(tx, size)).root(size);
      let checkpoint: string | null = null;
      try {
        // Signed in the backup's snapshot, so the backup holds it and its root is the head's.
        checkpoint = (await signCheckpoint(tx, keyring, 'backup')).note;
      } catch (error) {
        if (!(error instanceof NoSigningKeyError)) throw error;
      }
      const header: BackupHeader = {
        format: 'orebook-backup',
        version: 2,
        createdAt: new Date().toISOString(),
        tables,
        journal: { size, rootHash: rootHash.toString('base64') },
        checkpoint,
        keys: { origin: keyring.origin, verifierKeys: keyring.published.map((key) => key.verifierKey), sealedPrivateKeys: options.sealedPrivateKeys ?? null },
      };
      const gzip = createGzip();
      const out = fs.createWriteStream(file, { mode: 0o600 });
      const finished = new Promise<void>((resolve, reject) => {
        out.on('finish', resolve);
        out.on('error', reject);
        gzip.on('error', reject);
      });
      gzip.pipe(out);
      const hash = createHash('sha256');
      let lines = 0;
      const write = (line: unknown) => {
        const text = `${JSON.stringify(line)}\n`;
        hash.update(text);
        lines += 1;
        return new Promise<void>((resolve) => (gzip.write(text) ? resolve() : gzip.once('drain', resolve)));
      };
      await write(header);
      for (const [index, table] of tables.entries()) {
        const rows = rowsOf<{ row: unknown }>(await tx.execute(sql.raw(`select row_to_json(t) as row from ${quote(table)} t`)));
        for (let start = 0; start < rows.length; start += 1000) {
          await write({ table, rows: rows.slice(start, start + 1000).map((r) => (typeof r.row === 'string' ? JSON.parse(r.row) : r.row)) });
        }
        options.onTable?.(table, index + 1, tables.length);
      }
      const end: EndLine = { end: { lines, sha256: hash.digest('hex') } };
      gzip.end(`${JSON.stringify(end)}\n`);
      await finished;
      return header;
    },
    { isolationLevel: 'repeatable read' },
  );
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a backup line by line, checking its framing: the header first, chunks of known tables,
 * and (version 2) an end line whose checksum covers everything before it. Damage becomes a
 * BackupError naming what is wrong.
 */
async function* readBackup(file: string): AsyncGenerator<{ header: BackupHeader } | { chunk: Chunk }, { sha256: string }> {
  let input: fs.ReadStream;
  try {
    fs.accessSync(file, fs.constants.R_OK);
    input = fs.createReadStream(file);
  } catch {
    throw new BackupError(`cannot read ${file}`);
  }
  const gunzip = createGunzip();
  const lines = readline.createInterface({ input: input.pipe(gunzip), crlfDelay: Infinity });
  input.on('error', (error) => gunzip.destroy(error));
  const hash = createHash('sha256');
  let header: BackupHeader | null = null;
  let count = 0;
  let end: EndLine['end'] | null = null;
  let digest: string | null = null;
  try {
    for await (const line of lines) {
      if (end) throw new BackupError(`${file} has content after its end line`);
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new BackupError(header ? `${file} is damaged: line ${count + 1} is not JSON` : `${file} is not an Orebook backup`);
      }
      if (!header) {
        if (!isObject(value) || value.format !== 'orebook-backup') throw new BackupError(`${file} is not an Orebook backup`);
        if (value.version !== 1 && value.version !== 2) throw new BackupError(`${file} is a backup of format version ${String(value.version)}, which this Orebook does not know; use a newer Orebook`);
        header = value as BackupHeader;
      } else if (header.version === 2 && isObject(value) && 'end' in value) {
        end = (value as EndLine).end;
        digest = hash.digest('hex');
        if (end.lines !== count || end.sha256 !== digest) throw new BackupError(`${file} is damaged: its checksum does not match its content`);
        continue;
      } else {
        if (!isObject(value) || typeof value.table !== 'string' || !Array.isArray(value.rows) || !header.tables.includes(value.table)) {
          throw new BackupError(`${file} is damaged: line ${count + 1} is not a chunk of rows of one of its tables`);
        }
      }
      hash.update(`${line}\n`);
      count += 1;
      yield header === value ? { header } : { chunk: value as Chunk };
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const reason = (error as NodeJS.ErrnoException).code === 'Z_BUF_ERROR' ? 'it ends before its end (truncated?)' : (error as Error).message;
    throw new BackupError(header ? `${file} is truncated or damaged: ${reason}` : `${file} is not an Orebook backup (${reason})`);
  }
  if (!header) throw new BackupError(`${file} is empty: not an Orebook backup`);
  if (header.version === 2 && !end) throw new BackupError(`${file} is truncated: its end line is missing`);
  return { sha256: digest ?? hash.digest('hex') };
}

const byteaOf = (value: unknown): Buffer | null => (typeof value === 'string' && value.startsWith('\\x') ? Buffer.from(value.slice(2), 'hex') : null);

export type CheckedBackup = {
  header: BackupHeader;
  sha256: string;
  /** The note of the checkpoint over the backup's head, if any: the restored installation's witness. */
  lastCheckpoint: string | null;
  verifierKeys: string[];
  privateKeys: StoredKey[];
};

/**
 * Reads the whole backup and checks it without touching the database: its framing and checksum,
 * that its journal rows run from 0 to the head and give the header's root, that every checkpoint
 * opens with a key the backup or this installation holds and is signed for this origin, and that
 * its root is the journal's at its size.
 */
export async function checkBackup(file: string, options: { installation: Keyring; passphrase?: string | undefined }): Promise<CheckedBackup> {
  const reader = readBackup(file);
  let header: BackupHeader | null = null;
  const leaves: Buffer[] = [];
  let entries = 0;
  let headSize: number | null = null;
  const checkpoints: { id: unknown; note: string }[] = [];
  let step = await reader.next();
  for (; !step.done; step = await reader.next()) {
    const item = step.value;
    if ('header' in item) {
      header = item.header;
      continue;
    }
    const { table, rows } = item.chunk;
    for (const row of rows) {
      if (table === 'journal_entries') {
        const seq = Number(row.seq);
        const bytes = byteaOf(row.bytes);
        if (!Number.isSafeInteger(seq) || seq < 0 || !bytes || leaves[seq]) throw new BackupError(`${file} is damaged: journal entry ${String(row.seq)} is malformed or repeated`);
        leaves[seq] = hashLeaf(bytes);
        entries += 1;
      } else if (table === 'journal_head') {
        headSize = Number(row.size);
      } else if (table === 'journal_checkpoints') {
        checkpoints.push({ id: row.id, note: String(row.note) });
      }
    }
  }
  const { sha256 } = step.value;
  header = header!;
  const size = header.journal.size;
  if (headSize !== size || entries !== size || leaves.length !== size) {
    throw new BackupError(`${file} is damaged: its header says ${size} journal entries, its journal head ${String(headSize)}, and it holds ${entries}`);
  }
  const tree = new MerkleTree();
  for (const leaf of leaves) tree.append(leaf);
  if (header.journal.rootHash !== null && header.journal.rootHash !== tree.root(size).toString('base64')) {
    throw new BackupError(`${file} is damaged: its journal entries do not give the root hash in its header`);
  }

  const { installation } = options;
  const verifierKeys = header.keys?.verifierKeys ?? [];
  let privateKeys: StoredKey[] = [];
  if (header.keys?.sealedPrivateKeys && options.passphrase) {
    try {
      privateKeys = openSealedKeys(header.keys.sealedPrivateKeys, options.passphrase);
    } catch (error) {
      throw new BackupError(`${(error as Error).message} ${file}`);
    }
  }
  const held = new Set(installation.published.map((key) => key.verifierKey));
  const verifiers = [...installation.verifiers, ...verifierKeys.filter((key) => !held.has(key)).map(verifierFromKey)];
  let last: { size: number; note: string } | null = null;
  for (const checkpoint of checkpoints) {
    let body;
    try {
      body = parseCheckpoint(openNote(checkpoint.note, verifiers).text);
    } catch (error) {
      if (!/no verifiable signatures/.test((error as Error).message)) throw new BackupError(`${file} is damaged: checkpoint #${String(checkpoint.id)} does not open (${(error as Error).message})`);
      const signers = [...checkpoint.note.matchAll(/^— (\S+) (\S+)$/gm)].map((match) => `${match[1]}+${Buffer.from(match[2]!, 'base64').subarray(0, 4).toString('hex')}`);
      throw new BackupError(
        `checkpoint #${String(checkpoint.id)} in ${file} is signed by ${signers.join(', ') || 'no key'}, which neither the backup nor this installation holds: ` +
          'set OREBOOK_RETIRED_KEYS to that public key (or restore a backup that carries it), then restore again',
      );
    }
    if (body.origin !== installation.origin) {
      throw new BackupError(`${file} holds checkpoints signed for ${body.origin}, but this installation is ${installation.origin}: set OREBOOK_ORIGIN=${body.origin}`);
    }
    if (body.size > size || !tree.root(body.size).equals(body.rootHash)) throw new BackupError(`${file} is damaged: checkpoint #${String(checkpoint.id)} does not match its journal entries`);
    if (!last || body.size >= last.size) last = { size: body.size, note: checkpoint.note };
  }
  return { header, sha256, lastCheckpoint: last?.note ?? null, verifierKeys, privateKeys };
}

/**
 * Replaces the database's content with a checked backup in one transaction: every table is emptied
 * and refilled, identity sequences move past the restored ids, and the file is read again and must
 * give the same checksum. Any failure rolls everything back: the database stays as it was.
 */
export async function restoreDatabase(handle: DatabaseHandle, file: string, checked: CheckedBackup, onTable?: (table: string) => void): Promise<BackupHeader> {
  await handle.db.transaction(async (tx) => {
    // Generated columns (a block's quantity) are computed again, never written.
    const writable = new Map<string, string>();
    for (const { table_name, columns } of rowsOf<{ table_name: string; columns: string }>(
      await tx.execute(
        sql`select table_name, string_agg(quote_ident(column_name), ', ' order by ordinal_position) as columns from information_schema.columns where table_schema = 'public' and is_generated = 'NEVER' group by table_name`,
      ),
    )) {
      writable.set(table_name, columns);
    }
    const tables = await tablesInDependencyOrder(tx);
    const unknown = checked.header.tables.filter((table) => !tables.includes(table));
    if (unknown.length > 0) throw new BackupError(`${file} holds tables this database does not have (${unknown.join(', ')}): was it made by a newer Orebook?`);
    // The tables' own triggers (the journal's append-only guards, guards that let a credit block be
    // born only live) stay off while history is copied back as it was; constraints and foreign keys
    // still hold, and the checks before and after make sure the journal is the backup's.
    for (const table of tables) await tx.execute(sql.raw(`alter table ${quote(table)} disable trigger user`));
    await tx.execute(sql.raw(`truncate table ${tables.map(quote).join(', ')}`));
    const reader = readBackup(file);
    let step = await reader.next();
    const announced = new Set<string>();
    for (; !step.done; step = await reader.next()) {
      if (!('chunk' in step.value)) continue;
      const { table, rows } = step.value.chunk;
      if (!announced.has(table)) {
        announced.add(table);
        onTable?.(table);
      }
      await tx.execute(sql`insert into ${sql.raw(quote(table))} (${sql.raw(writable.get(table)!)}) select ${sql.raw(writable.get(table)!)} from json_populate_recordset(null::${sql.raw(quote(table))}, ${JSON.stringify(rows)}::json)`);
    }
    if (step.value.sha256 !== checked.sha256) throw new BackupError(`${file} changed while it was being restored`);
    for (const table of tables) await tx.execute(sql.raw(`alter table ${quote(table)} enable trigger user`));
    if ((await journalSize(tx)) !== checked.header.journal.size) throw new BackupError(`${file}: the restored journal differs from the backup`);
    const identities = rowsOf<{ table_name: string; column_name: string }>(
      await tx.execute(sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and is_identity = 'YES'`),
    );
    for (const { table_name, column_name } of identities) {
      await tx.execute(
        sql.raw(
          `select setval(pg_get_serial_sequence('${quote(table_name)}', '${column_name}'), coalesce((select max(${quote(column_name)}) from ${quote(table_name)}), 0) + 1, false)`,
        ),
      );
    }
  });
  return checked.header;
}
