import fs from 'node:fs';
import readline from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import type { DatabaseHandle, Queryable } from './connect.ts';
import { rowsOf } from './connect.ts';

/**
 * Backups are engine-neutral: gzip'd NDJSON of every table's rows (as PostgreSQL's own JSON
 * representation), taken in one REPEATABLE READ snapshot. A backup from PGlite restores on a
 * PostgreSQL server and back.
 */
export type BackupHeader = {
  format: 'orebook-backup';
  version: 1;
  createdAt: string;
  tables: string[];
  journal: { size: number; rootHash: string | null };
};

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

/** Writes a consistent copy of the whole database to `file`. */
export async function backupDatabase(handle: DatabaseHandle, file: string, onTable?: (table: string, done: number, total: number) => void): Promise<BackupHeader> {
  return handle.db.transaction(
    async (tx) => {
      const tables = await tablesInDependencyOrder(tx);
      const [head] = rowsOf<{ size: number | string }>(await tx.execute(sql`select size from journal_head where id = 1`));
      const [checkpoint] = rowsOf<{ root: string | null }>(
        await tx.execute(sql`select encode(root_hash, 'base64') as root from journal_checkpoints where tree_size = ${Number(head?.size ?? 0)} order by id desc limit 1`),
      );
      const header: BackupHeader = {
        format: 'orebook-backup',
        version: 1,
        createdAt: new Date().toISOString(),
        tables,
        journal: { size: Number(head?.size ?? 0), rootHash: checkpoint?.root ?? null },
      };
      const gzip = createGzip();
      const out = fs.createWriteStream(file, { mode: 0o600 });
      const finished = new Promise<void>((resolve, reject) => {
        out.on('finish', resolve);
        out.on('error', reject);
        gzip.on('error', reject);
      });
      gzip.pipe(out);
      const write = (line: unknown) => new Promise<void>((resolve) => (gzip.write(`${JSON.stringify(line)}\n`) ? resolve() : gzip.once('drain', resolve)));
      await write(header);
      for (const [index, table] of tables.entries()) {
        const rows = rowsOf<{ row: unknown }>(await tx.execute(sql.raw(`select row_to_json(t) as row from ${quote(table)} t`)));
        for (let start = 0; start < rows.length; start += 1000) {
          await write({ table, rows: rows.slice(start, start + 1000).map((r) => (typeof r.row === 'string' ? JSON.parse(r.row) : r.row)) });
        }
        onTable?.(table, index + 1, tables.length);
      }
      gzip.end();
      await finished;
      return header;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Reads a backup's header and row chunks. */
async function* readBackup(file: string): AsyncGenerator<BackupHeader | { table: string; rows: unknown[] }> {
  const lines = readline.createInterface({ input: fs.createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of lines) if (line.trim()) yield JSON.parse(line);
}

/**
 * Replaces the database's content with a backup: drops and re-migrates the schema, then inserts
 * every table's rows in one transaction and moves identity sequences past the restored ids.
 */
export async function restoreDatabase(
  handle: DatabaseHandle,
  file: string,
  reset: (handle: DatabaseHandle) => Promise<void>,
  onTable?: (table: string) => void,
): Promise<BackupHeader> {
  const iterator = readBackup(file);
  const first = await iterator.next();
  const header = first.value as BackupHeader | undefined;
  if (!header || header.format !== 'orebook-backup' || header.version !== 1) throw new Error(`${file} is not an Orebook backup`);
  await reset(handle);
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
    const emptied = new Set<string>();
    for await (const chunk of iterator) {
      if ('format' in chunk) continue;
      const table = quote(chunk.table);
      if (!emptied.has(chunk.table)) {
        // Rows that migrations seed (the journal head) make way for the backup's. The append-only
        // tables are still empty here, so their triggers have no row to refuse. The tables' own
        // triggers (guards that let a credit block be born only live, say) stay off while history
        // is copied back as it was; constraints and foreign keys still hold, and `orebook verify`
        // checks the result.
        await tx.execute(sql.raw(`delete from ${table}`));
        await tx.execute(sql.raw(`alter table ${table} disable trigger user`));
        emptied.add(chunk.table);
        onTable?.(chunk.table);
      }
      const columns = writable.get(chunk.table);
      if (!columns) throw new Error(`${file} holds table ${chunk.table}, which this database does not have`);
      await tx.execute(sql`insert into ${sql.raw(table)} (${sql.raw(columns)}) select ${sql.raw(columns)} from json_populate_recordset(null::${sql.raw(table)}, ${JSON.stringify(chunk.rows)}::json)`);
    }
    for (const table of emptied) await tx.execute(sql.raw(`alter table ${quote(table)} enable trigger user`));
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
  return header;
}
