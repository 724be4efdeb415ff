import type { Localized } from '../../core/i18n/index.ts';
import type { Queryable } from '../../db/connect.ts';
import type { CommandContext } from '../../journal/public.ts';
import type { ChildNameKey } from '../../children/public.ts';
import { importsError } from '../messages/imports.ts';

/** XLSForm question types Orebook's forms use (https://xlsform.org/en/#question-types). */
export type FieldType = 'text' | 'integer' | 'decimal' | 'date' | 'time' | 'select_one' | 'select_multiple' | 'calculate';

export type Choice = { name: string; label: Localized };

/**
 * A list of choices. Taken from the constants and tables the module validates against, so that a
 * form never offers what the command would refuse; a list can depend on the database (minerals).
 */
export type ChoiceList = { name: string; choices: (db: Queryable) => Promise<Choice[]> };

export type FormField = {
  name: string;
  /** The XLSForm group the field sits in: Kobo exports it as `group/name`. */
  group?: string;
  type: FieldType;
  required: boolean;
  label: Localized;
  hint?: Localized;
  list?: ChoiceList;
  /** An XLSForm constraint checked on the phone; the command checks again on import. */
  constraint?: string;
  /** For `calculate` fields. */
  calculation?: string;
};

/** One submission's answers by field name (group paths removed), as text. */
export type Answers = Record<string, string>;

/** What an import passes to the forms beyond the command context. */
export type ImportEnvironment = { childNameKey: ChildNameKey | null };

/**
 * One field form: what the phone asks and how a submission becomes the owning module's command.
 * `record` asks the module's policy, maps the answers to the command's props and runs the command
 * in the given context (one journal event); it returns the record created, as `kind:id`.
 */
export type FormDefinition = {
  id: string;
  version: string;
  title: Localized;
  /** The journal event the owning command appends for one submission. */
  eventType: string;
  fields: FormField[];
  /** Groups that repeat (one entry per member, per loan): Kobo exports them as nested lists or extra sheets. */
  repeats?: readonly string[];
  record: (ctx: CommandContext, answers: Answers, env: ImportEnvironment, repeats: Record<string, Answers[]>) => Promise<string>;
};

/** The field that carries the form's version in every submission (a `calculate`, so Kobo exports it as a column). */
export const versionFieldName = 'form_version';

export const staticChoices =
  (values: readonly string[], label: (value: string) => Localized) =>
  async (): Promise<Choice[]> =>
    values.map((name) => ({ name, label: label(name) }));

/** A refusal that names the field, as the modules' own refusals do in their details. */
const fieldError = (field: string, code: Parameters<typeof importsError>[0], params: Record<string, string>) =>
  importsError(code, 422, { field, ...params }, [{ field, code }]);

/** Readers of answers: each refuses a missing or malformed value with a message naming the field. */
export const answer = {
  text(answers: Answers, field: string): string {
    return (answers[field] ?? '').trim();
  },
  required(answers: Answers, field: string): string {
    const value = answer.text(answers, field);
    if (value === '') throw fieldError(field, 'value_required', {});
    return value;
  },
  optional(answers: Answers, field: string): string | null {
    const value = answer.text(answers, field);
    return value === '' ? null : value;
  },
  integer(answers: Answers, field: string): number {
    const value = answer.required(answers, field);
    if (!/^-?\d{1,15}$/.test(value)) throw fieldError(field, 'integer_invalid', { value });
    return Number(value);
  },
  optionalInteger(answers: Answers, field: string): number | null {
    return answer.text(answers, field) === '' ? null : answer.integer(answers, field);
  },
  /** Kobo writes dates as `YYYY-MM-DD`; a spreadsheet may add a time, which is dropped. */
  date(answers: Answers, field: string): string {
    const value = answer.required(answers, field);
    const match = /^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.+\-Z]*)?$/.exec(value);
    if (!match) throw fieldError(field, 'date_invalid', { value });
    return match[1]!;
  },
};
