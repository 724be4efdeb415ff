import ExcelJS from 'exceljs';
import type { Queryable } from '../db/connect.ts';
import { versionFieldName, type FormDefinition } from './forms/definition.ts';

/** XLSForm language columns: KoboToolbox and ODK read `label::Language name (code)`. */
const languages = [
  { code: 'en', name: 'English (en)' },
  { code: 'fr', name: 'Français (fr)' },
] as const;

export const surveyColumns = [
  'type',
  'name',
  ...languages.map((l) => `label::${l.name}`),
  ...languages.map((l) => `hint::${l.name}`),
  'required',
  'constraint',
  'calculation',
] as const;
export const choicesColumns = ['list_name', 'name', ...languages.map((l) => `label::${l.name}`)] as const;
export const settingsColumns = ['form_title', 'form_id', 'version', 'default_language'] as const;

type SurveyRow = Partial<Record<(typeof surveyColumns)[number], string>>;

const humanised = (name: string) => name.charAt(0).toUpperCase() + name.slice(1).replace(/_/g, ' ');

/** The survey rows: fields in order, wrapped in their groups and repeats, then the version the import checks. */
function surveyRows(form: FormDefinition): SurveyRow[] {
  const rows: SurveyRow[] = [];
  let open: string | undefined;
  const close = () => {
    if (open !== undefined) rows.push({ type: form.repeats?.includes(open) ? 'end_repeat' : 'end_group', name: open });
  };
  for (const field of form.fields) {
    if (field.group !== open) {
      close();
      open = field.group;
      if (open !== undefined) {
        rows.push({ type: form.repeats?.includes(open) ? 'begin_repeat' : 'begin_group', name: open, 'label::English (en)': humanised(open), 'label::Français (fr)': humanised(open) });
      }
    }
    rows.push({
      type: field.list ? `${field.type} ${field.list.name}` : field.type,
      name: field.name,
      'label::English (en)': field.label.en,
      'label::Français (fr)': field.label.fr,
      'hint::English (en)': field.hint?.en ?? '',
      'hint::Français (fr)': field.hint?.fr ?? '',
      required: field.required ? 'yes' : '',
      constraint: field.constraint ?? '',
      calculation: field.calculation ?? '',
    });
  }
  close();
  // A calculate is exported as a column of every submission, so the import can refuse another version.
  rows.push({ type: 'calculate', name: versionFieldName, calculation: `'${form.version}'` });
  return rows;
}

/**
 * The form as an XLSForm workbook (https://xlsform.org): `survey`, `choices` and `settings`
 * sheets, labels in English and French, ready to upload to KoboToolbox or ODK Central.
 */
export async function buildXlsForm(db: Queryable, form: FormDefinition): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const survey = workbook.addWorksheet('survey');
  survey.addRow([...surveyColumns]);
  for (const row of surveyRows(form)) survey.addRow(surveyColumns.map((column) => row[column] ?? ''));

  const choices = workbook.addWorksheet('choices');
  choices.addRow([...choicesColumns]);
  const lists = new Map(form.fields.filter((f) => f.list).map((f) => [f.list!.name, f.list!]));
  for (const list of lists.values()) {
    for (const choice of await list.choices(db)) choices.addRow([list.name, choice.name, choice.label.en, choice.label.fr]);
  }

  const settings = workbook.addWorksheet('settings');
  settings.addRow([...settingsColumns]);
  settings.addRow([form.title.en, form.id, form.version, languages[0].name]);

  for (const sheet of [survey, choices, settings]) sheet.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
