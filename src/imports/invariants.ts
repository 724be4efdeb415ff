import type { Invariant } from '../core/invariants.ts';
import { entryTypesAt } from '../journal/public.ts';
import { fieldForms } from './forms/registry.ts';
import { importedSubmissions } from './schema.ts';

const eventTypeOfForm = new Map(fieldForms.map((form) => [form.id, form.eventType]));

export const importsInvariants: readonly Invariant[] = [
  {
    id: 'imports.submission_has_its_event',
    description: 'Every imported submission points at the journal entry of the command that took it in, of the type its form records',
    async check(db, problem) {
      const rows = await db
        .select({ form: importedSubmissions.form, uuid: importedSubmissions.submissionUuid, seq: importedSubmissions.journalSeq })
        .from(importedSubmissions);
      const typeAt = await entryTypesAt(db, rows.map((row) => row.seq));
      for (const row of rows) {
        const expected = eventTypeOfForm.get(row.form);
        const type = typeAt.get(row.seq);
        if (!expected) problem(`submission ${row.uuid} was imported with form ${row.form}, which Orebook no longer knows`);
        else if (type === undefined) problem(`submission ${row.uuid} of form ${row.form} points at journal entry ${row.seq}, which does not exist`);
        else if (type !== expected) problem(`submission ${row.uuid} of form ${row.form} points at journal entry ${row.seq} of type ${type}, not ${expected}`);
      }
    },
  },
];
