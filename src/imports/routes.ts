import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../core/auth/policies.ts';
import type { AppEnv } from '../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../web/openapi.ts';
import { importRefused, importSubmissions, type ImportReport } from './commands/import-submissions.ts';
import { fieldForm, fieldForms } from './forms/registry.ts';
import type { FormDefinition } from './forms/definition.ts';
import { buildXlsForm } from './xlsform.ts';

const Localized = z.object({ en: z.string(), fr: z.string() });
const UploadedFile = z.custom<File>((value) => value instanceof File, 'a file').openapi({ type: 'string', format: 'binary' });

const FormSummary = z
  .object({
    id: z.string().openapi({ example: 'safety_incident' }),
    version: z.string().openapi({ example: '2025.1' }),
    title: Localized,
    xlsform: z.string().openapi({ description: 'Where to download the XLSForm' }),
    fields: z.array(
      z.object({
        name: z.string(),
        group: z.string().nullable(),
        type: z.string(),
        required: z.boolean(),
        list: z.string().nullable().openapi({ description: 'The choice list of a select field' }),
        label: Localized,
      }),
    ),
  })
  .openapi('FieldForm');

const ImportedRow = z.object({ row: z.number().int(), submission: z.string(), record: z.string().openapi({ example: 'safety_incident:12' }) });
const ImportReportSchema = z
  .object({
    form: z.string(),
    version: z.string(),
    format: z.enum(['csv', 'xlsx', 'json']),
    rows: z.number().int(),
    accepted: z.array(ImportedRow).openapi({ description: 'Rows the commands took: imported when `committed`, else what an import would add' }),
    alreadyImported: z.array(ImportedRow),
    problems: z.array(
      z.object({ row: z.number().int(), submission: z.string().nullable(), field: z.string().nullable(), code: z.string(), message: Localized }).openapi('ImportProblemRow'),
    ),
    dryRun: z.boolean(),
    committed: z.boolean(),
  })
  .openapi('FieldImportReport');

const presentForm = (form: FormDefinition): z.infer<typeof FormSummary> => ({
  id: form.id,
  version: form.version,
  title: form.title,
  xlsform: `/api/v1/forms/${form.id}.xlsx`,
  fields: form.fields.map((f) => ({ name: f.name, group: f.group ?? null, type: f.type, required: f.required, list: f.list?.name ?? null, label: f.label })),
});

const xlsxType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The field forms (public) and the import of their submissions (field officers, cooperatives, the secretariat). */
export function registerImportsApi(api: OpenAPIHono<AppEnv>): void {
  // A plain route with a checked parameter: the OpenAPI router cannot put a suffix after a parameter.
  api.get('/forms/:file{[a-z_]{2,40}\\.xlsx}', async (c) => {
    authorize(c.get('actor'), 'forms.read');
    const form = fieldForm(c.req.param('file')!.replace(/\.xlsx$/, ''));
    const workbook = await buildXlsForm(c.get('deps').db, form);
    return c.body(new Uint8Array(workbook), 200, { 'Content-Type': xlsxType, 'Content-Disposition': `attachment; filename="${form.id}.xlsx"` });
  });
  api.openAPIRegistry.registerPath({
    method: 'get',
    path: '/forms/{form}.xlsx',
    tags: ['Field data'],
    summary: 'A field form as an XLSForm (survey, choices and settings sheets, English and French), for KoboToolbox or ODK Central (public)',
    request: { params: z.object({ form: z.string().openapi({ example: 'safety_incident' }) }) },
    responses: { 200: { description: 'The XLSForm', content: { [xlsxType]: { schema: z.string().openapi({ format: 'binary' }) } } }, ...errorResponses(404) },
  });

  api.openapi(
    createRoute({
      method: 'get',
      path: '/forms',
      tags: ['Field data'],
      summary: 'The field forms, generated from the definitions the imports validate with (public)',
      responses: { 200: jsonResponse(z.object({ forms: z.array(FormSummary) })) },
    }),
    (c) => {
      authorize(c.get('actor'), 'forms.read');
      return c.json({ forms: fieldForms.map(presentForm) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/imports/{form}',
      tags: ['Field data'],
      summary: 'Import a KoboToolbox export of a form’s submissions (CSV, XLSX or JSON); `dry_run=true` only reports',
      description:
        'Each submission goes through the command of its module, with that module’s checks and policy. Submissions already imported (same form and `_uuid`) are skipped, so the same file twice adds nothing. All or nothing: when a row has a problem nothing is imported (422 `import_refused`, the report in the details), unless `valid_rows_only=true`, which imports the valid rows and lists the others. A submission made with another version of the form, or naming an unknown site, is refused per row.',
      security: signedInSecurity,
      request: {
        params: z.object({ form: z.string().max(40).openapi({ example: 'safety_incident' }) }),
        query: z.object({ dry_run: z.enum(['true', 'false']).optional(), valid_rows_only: z.enum(['true', 'false']).optional() }),
        body: { content: { 'multipart/form-data': { schema: z.object({ file: UploadedFile }) } }, required: true },
      },
      responses: { 200: jsonResponse(ImportReportSchema, 'The report: a dry run, or the import done'), ...errorResponses(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'imports.run');
      const form = fieldForm(c.req.valid('param').form);
      const query = c.req.valid('query');
      const report: ImportReport = await importSubmissions(c.get('deps').db, actor, {
        form,
        content: Buffer.from(await c.req.valid('form').file.arrayBuffer()),
        dryRun: query.dry_run === 'true',
        validRowsOnly: query.valid_rows_only === 'true',
        env: { childNameKey: c.get('deps').childNameKey },
      });
      if (!report.dryRun && !report.committed) throw importRefused(report);
      return c.json(report, 200);
    },
  );
}
