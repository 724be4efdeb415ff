import { and, eq } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import { AppError } from '../../core/errors.ts';
import type { Localized } from '../../core/i18n/index.ts';
import type { Database, Transaction } from '../../db/connect.ts';
import { databaseErrorCode, withTransaction } from '../../db/transaction.ts';
import type { CommandContext } from '../../journal/public.ts';
import type { FormDefinition, ImportEnvironment } from '../forms/definition.ts';
import { checkColumns, readKoboExport, type ExportedSubmission, type ExportFormat } from '../kobo-export.ts';
import { importsError, importsText } from '../messages/imports.ts';
import { importedSubmissions } from '../schema.ts';

export type ImportedRow = { row: number; submission: string; record: string };
export type RowProblem = { row: number; submission: string | null; field: string | null; code: string; message: Localized };

export type ImportReport = {
  form: string;
  version: string;
  format: ExportFormat;
  rows: number;
  /** Rows whose command succeeded: in the database when `committed`, else what would go in. */
  accepted: ImportedRow[];
  /** Rows imported by an earlier import (same form and submission id): skipped. */
  alreadyImported: ImportedRow[];
  problems: RowProblem[];
  dryRun: boolean;
  committed: boolean;
};

export type ImportOptions = {
  form: FormDefinition;
  content: Buffer;
  /** Check every row through the commands, then roll everything back. */
  dryRun: boolean;
  /** Let the valid rows in when others have problems; by default one problem refuses the file. */
  validRowsOnly: boolean;
  env: ImportEnvironment;
  onProgress?: (done: number, total: number) => void;
};

/** Carries the report out of a transaction that must not commit. */
class RollBack extends Error {
  constructor(readonly report: ImportReport) {
    super('import rolled back');
  }
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The form field a module's refusal names in its details (`occurredOn` → `occurred_on`), when the form has it. */
function fieldOfRefusal(form: FormDefinition, error: AppError): string | null {
  const first = Array.isArray(error.details) ? (error.details[0] as { field?: unknown } | undefined) : undefined;
  if (typeof first?.field !== 'string') return null;
  const name = snakeCase(first.field);
  return form.fields.some((f) => f.name === name) ? name : null;
}

async function earlierImport(tx: Transaction, form: string, uuid: string) {
  const [found] = await tx
    .select({ record: importedSubmissions.record })
    .from(importedSubmissions)
    .where(and(eq(importedSubmissions.form, form), eq(importedSubmissions.submissionUuid, uuid)));
  return found;
}

/**
 * Runs one submission's command in a savepoint of the import's transaction, with its own command
 * context: the module's checks, its policy and exactly one journal event, as `runCommand` would,
 * and the submission's id beside it. A refusal rolls back that row alone.
 */
async function importOne(tx: Transaction, actor: Actor, now: Date, options: ImportOptions, submission: ExportedSubmission & { uuid: string }) {
  return tx.transaction(async (savepoint) => {
    const ctx: CommandContext = { tx: savepoint, actor, now, appended: [] };
    const record = await options.form.record(ctx, submission.answers, options.env, submission.repeats);
    const [event] = ctx.appended;
    if (!event || ctx.appended.length !== 1) throw new Error(`a command must append exactly one journal event, this one appended ${ctx.appended.length}`);
    if (event.type !== options.form.eventType) throw new Error(`form ${options.form.id} expects a ${options.form.eventType} event, its command appended ${event.type}`);
    await savepoint.insert(importedSubmissions).values({
      form: options.form.id,
      formVersion: options.form.version,
      submissionUuid: submission.uuid,
      record,
      journalSeq: event.seq,
      importedByOrganisationId: 'orgId' in actor ? actor.orgId : null,
    });
    return record;
  });
}

/**
 * Imports a KoboToolbox export of one form's submissions. Every row goes through the owning
 * module's command; a submission already imported is skipped (same form and submission id), so
 * the same file twice adds nothing. All or nothing by default: the whole file runs in one
 * transaction that commits only when no row has a problem; `validRowsOnly` commits the good rows
 * and lists the rest; `dryRun` reports and writes nothing.
 */
export async function importSubmissions(db: Database, actor: Actor, options: ImportOptions): Promise<ImportReport> {
  authorize(actor, 'imports.run');
  const { form } = options;
  const { format, columns, submissions } = await readKoboExport(options.content);
  if (columns) checkColumns(form, columns);
  try {
    return await withTransaction(db, async (tx) => {
      const report: ImportReport = { form: form.id, version: form.version, format, rows: submissions.length, accepted: [], alreadyImported: [], problems: [], dryRun: options.dryRun, committed: false };
      const now = new Date();
      const seen = new Map<string, number>();
      const refuse = (submission: ExportedSubmission, field: string | null, code: string, message: Localized) =>
        report.problems.push({ row: submission.row, submission: submission.uuid, field, code, message });

      for (const [index, submission] of submissions.entries()) {
        options.onProgress?.(index, submissions.length);
        const { uuid } = submission;
        if (uuid === null) {
          refuse(submission, null, 'submission_id_missing', importsText.localized('submission_id_missing'));
          continue;
        }
        const earlierRow = seen.get(uuid);
        if (earlierRow !== undefined) {
          refuse(submission, null, 'submission_duplicate_in_file', importsText.localized('submission_duplicate_in_file', { row: earlierRow }));
          continue;
        }
        seen.set(uuid, submission.row);
        const earlier = await earlierImport(tx, form.id, uuid);
        if (earlier) {
          report.alreadyImported.push({ row: submission.row, submission: uuid, record: earlier.record });
          continue;
        }
        if (submission.version === null) {
          refuse(submission, null, 'version_missing', importsText.localized('version_missing'));
          continue;
        }
        if (submission.version !== form.version) {
          refuse(submission, null, 'version_mismatch', importsText.localized('version_mismatch', { found: submission.version, expected: form.version }));
          continue;
        }
        const wrongType = submission.wrongTypes.find((name) => form.fields.some((f) => f.name === name));
        if (wrongType) {
          refuse(submission, wrongType, 'value_wrong_type', importsText.localized('value_wrong_type', { field: wrongType }));
          continue;
        }
        try {
          const record = await importOne(tx, actor, now, options, { ...submission, uuid });
          report.accepted.push({ row: submission.row, submission: uuid, record });
        } catch (error) {
          if (error instanceof AppError && error.status < 500) refuse(submission, fieldOfRefusal(form, error), error.code, error.text);
          else if (databaseErrorCode(error) === '23505' && (await earlierImport(tx, form.id, uuid))) {
            // Another import of the same submission committed while this one ran.
            report.alreadyImported.push({ row: submission.row, submission: uuid, record: (await earlierImport(tx, form.id, uuid))!.record });
          } else throw error;
        }
      }
      options.onProgress?.(submissions.length, submissions.length);
      if (options.dryRun || (report.problems.length > 0 && !options.validRowsOnly)) throw new RollBack(report);
      report.committed = true;
      return report;
    });
  } catch (error) {
    if (error instanceof RollBack) return error.report;
    throw error;
  }
}

/** An import refused because of its rows, as an error for the API: 422 with the whole report in the details. */
export const importRefused = (report: ImportReport) => importsError('import_refused', 422, { count: report.problems.length }, report);
