import fs from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../db/connect.ts';
import type { ImportReport } from './commands/import-submissions.ts';
import { fieldForms } from './forms/registry.ts';
import { buildXlsForm } from './xlsform.ts';

/** Writes every field form as `<form>.xlsx` into dir (created when missing); returns the files written. */
export async function writeFieldForms(db: Queryable, dir: string): Promise<string[]> {
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const form of fieldForms) {
    const file = path.join(dir, `${form.id}.xlsx`);
    fs.writeFileSync(file, await buildXlsForm(db, form));
    written.push(file);
  }
  return written;
}

/** An import report as lines for a terminal: every problem with its row, then the totals. */
export function reportLines(report: ImportReport): string[] {
  const lines = report.problems.map((p) => `  row ${p.row}${p.submission ? ` (${p.submission})` : ''}${p.field ? ` ${p.field}` : ''}: ${p.message.en}`);
  const outcome = report.dryRun ? 'dry run, nothing written' : report.committed ? 'imported' : 'refused, nothing written';
  lines.push(
    `${report.form} ${report.version} (${report.format}): ${report.rows} submissions, ${report.accepted.length} ${report.committed ? 'imported' : 'valid'}, ${report.alreadyImported.length} already imported, ${report.problems.length} with a problem: ${outcome}`,
  );
  return lines;
}
