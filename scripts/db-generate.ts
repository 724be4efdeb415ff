/**
 * `npm run db:generate -- <name>`: writes the next migration from the drizzle schemas
 * (`src/db/settings.ts`, `src/*\/schema.ts`): its SQL, its snapshot and its line in the journal of
 * `migrations/meta`, as `drizzle-kit generate` would. drizzle-kit's own command loads the schemas
 * with `require`, which cannot load `canonicalize` (ESM-only) that the modules' public faces bring
 * in; this runs under tsx as ESM and uses drizzle-kit's programmatic API for the same diff.
 * Prints "no schema changes" and writes nothing when the schemas match the last snapshot.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateDrizzleJson, generateMigration } from 'drizzle-kit/api';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'migrations');
const name = (process.argv[2] ?? '').trim();
if (!/^[a-z0-9_]+$/.test(name)) {
  console.error('usage: npm run db:generate -- <name in lower case, digits and _>');
  process.exit(2);
}

type JournalEntry = { idx: number; version: string; when: number; tag: string; breakpoints: boolean };
const journalPath = path.join(out, 'meta', '_journal.json');
const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { version: string; dialect: string; entries: JournalEntry[] };
const last = journal.entries.at(-1);
if (!last) throw new Error('migrations/meta/_journal.json has no entry to diff against');
const previous = JSON.parse(fs.readFileSync(path.join(out, 'meta', `${String(last.idx).padStart(4, '0')}_snapshot.json`), 'utf8')) as { id: string };

const schemaFiles = [path.join(root, 'src/db/settings.ts'), ...fs.readdirSync(path.join(root, 'src')).map((dir) => path.join(root, 'src', dir, 'schema.ts')).filter((file) => fs.existsSync(file))];
const exports: Record<string, unknown> = {};
for (const file of schemaFiles) Object.assign(exports, await import(pathToFileURL(file).href));

const current = generateDrizzleJson(exports, previous.id);
const statements = await generateMigration(previous as Parameters<typeof generateMigration>[0], current);
if (statements.length === 0) {
  console.log('no schema changes');
  process.exit(0);
}
const idx = last.idx + 1;
const tag = `${String(idx).padStart(4, '0')}_${name}`;
fs.writeFileSync(path.join(out, `${tag}.sql`), statements.join('\n--> statement-breakpoint\n') + '\n');
fs.writeFileSync(path.join(out, 'meta', `${String(idx).padStart(4, '0')}_snapshot.json`), JSON.stringify({ ...current, id: current.id ?? randomUUID() }, null, 2) + '\n');
journal.entries.push({ idx, version: last.version, when: Date.now(), tag, breakpoints: true });
fs.writeFileSync(journalPath, JSON.stringify(journal, null, 2) + '\n');
console.log(`wrote migrations/${tag}.sql (${statements.length} statements), its snapshot and its journal line`);
