import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import { authorize } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import type { Locale } from '../../core/i18n/index.ts';
import type { Database } from '../../db/connect.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { checkWorkerImport, importChangesSomething, type ImportReport, readWorkerFile } from '../worker-import-files.ts';
import { importWorkers } from '../commands/workers/import-workers.ts';
import { setWorkerPhoto } from '../commands/workers/set-worker-photo.ts';
import { recordWorkerExit } from '../commands/workers/record-worker-exit.ts';
import { registerWorker } from '../commands/workers/register-worker.ts';
import type { Worker } from '../worker-records.ts';
import { workerError, workersText } from '../messages/workers.ts';
import { siteError } from '../messages/sites.ts';
import { findSiteByCode, listOperatorGroups } from '../queries/sites.ts';
import { headcount, headcountTotals, listChildReferrals, listWorkers, workerPhoto } from '../queries/workers.ts';
import { sexes } from '../schema.ts';
import { IsoDate, requireSite, SiteParams } from './sites-admin.ts';

const errors = errorResponses;
const json = jsonResponse;


const WorkerSchema = z
  .object({
    code: z.string().openapi({ description: 'Pseudonymous worker code', example: 'w-7k2m9q4xab' }),
    fullName: z.string(),
    sex: z.enum(sexes),
    birthYear: z.number().int(),
    idNumber: z.string().nullable(),
    group: z.string().openapi({ description: 'Operator group code' }),
    registeredOn: z.string(),
    exitedOn: z.string().nullable(),
  })
  .openapi('Worker');

const WorkerBody = z.strictObject({
  fullName: z.string().trim().min(2).max(200),
  sex: z.enum(sexes),
  birthYear: z.number().int().min(1900).max(2100),
  operatorGroup: z.string().min(1).max(100).openapi({ description: 'Operator group code (or its English or French name)', example: 'washers' }),
  idNumber: z.string().trim().max(50).nullable().optional(),
  registeredOn: IsoDate,
});

const WorkersQuery = z.object({
  group: z.string().max(40).optional(),
  sex: z.enum(sexes).optional(),
  activeOn: IsoDate.optional().openapi({ description: 'Only workers on site on this day' }),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

const HeadcountRow = z.object({ groupCode: z.string(), labelEn: z.string(), labelFr: z.string(), female: z.number().int(), male: z.number().int(), total: z.number().int() }).openapi('HeadcountRow');

const ImportIssue = z.object({ row: z.number().int(), column: z.string(), code: z.string(), reason: z.string().openapi({ description: 'In the request’s language' }) });
const ImportReportSchema = z
  .object({
    fileSha256: z.string(),
    format: z.enum(['csv', 'xlsx']),
    rowsTotal: z.number().int(),
    toRegister: z.number().int(),
    alreadyRegistered: z.number().int(),
    toRefer: z.number().int(),
    alreadyReferred: z.number().int(),
    issues: z.array(ImportIssue),
  })
  .openapi('WorkerImportReport');
const ImportAnswer = z.object({ dryRun: z.boolean(), report: ImportReportSchema, registered: z.array(z.string()), referred: z.array(z.string()) });

const ImportForm = z.object({
  file: z.custom<File>((value) => value instanceof File, 'a CSV or XLSX file').openapi({ type: 'string', format: 'binary' }),
});

const PhotoForm = z.object({
  photo: z.custom<File>((value) => value instanceof File, 'a JPEG or PNG picture').openapi({ type: 'string', format: 'binary' }),
});

const ChildReferralSchema = z
  .object({ code: z.string(), sex: z.enum(sexes), ageYears: z.number().int(), group: z.string().nullable(), referredOn: z.string(), source: z.string(), status: z.string() })
  .openapi('ChildReferral');

const presentWorker = (worker: Worker, groupCode: string) => ({
  code: worker.code,
  fullName: worker.fullName,
  sex: worker.sex,
  birthYear: worker.birthYear,
  idNumber: worker.idNumber,
  group: groupCode,
  registeredOn: worker.registeredOn,
  exitedOn: worker.exitedOn,
});

/**
 * The site a URL names, once the actor may read its register (or, for an import's dry run, see what
 * registering would do). The policy is asked before the site is known to exist, so a cooperative
 * cannot probe other sites' codes.
 */
async function siteFor(db: Database, actor: Actor, code: string, action: 'worker.read' | 'worker.register') {
  const site = await findSiteByCode(db, code);
  authorize(actor, action, { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw siteError('site_not_found', 404, { code });
  return site;
}

/** The import report with every problem's reason in the reader's language. */
export const presentImportReport = (report: ImportReport, locale: Locale) => ({
  ...report,
  issues: report.issues.map((issue) => ({ row: issue.row, column: issue.column, code: issue.code, reason: workersText.t(locale, issue.code, issue.params) })),
});

/** The worker register (names for the secretariat, field officers and the site's cooperative), its import, the public headcount. */
export function registerWorkersApi(api: OpenAPIHono<AppEnv>) {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}/workers',
      tags: ['Workers'],
      summary: 'The worker register, with names and ID numbers (secretariat, field officers, the site’s cooperative)',
      security: signedInSecurity,
      request: { params: SiteParams, query: WorkersQuery },
      responses: { 200: json(z.object({ total: z.number().int(), limit: z.number().int(), offset: z.number().int(), workers: z.array(WorkerSchema) })), ...errors(400, 401, 403, 404) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      const site = await siteFor(db, actor, c.req.valid('param').code, 'worker.read');
      const query = c.req.valid('query');
      const { rows, total } = await listWorkers(db, { siteId: site.id, ...query });
      return c.json(
        {
          total,
          limit: query.limit,
          offset: query.offset,
          workers: rows.map((w) => ({ code: w.code, fullName: w.fullName, sex: w.sex, birthYear: w.birthYear, idNumber: w.idNumber, group: w.groupCode, registeredOn: w.registeredOn, exitedOn: w.exitedOn })),
        },
        200,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/workers',
      tags: ['Workers'],
      summary: 'Register an adult worker; a person under 18 is refused (422 worker_under_18) and referred for child protection instead',
      description:
        'Age is the registration year minus the birth year. Under 18, nothing is registered: a child-protection referral is recorded (no name) and the answer is 422 `worker_under_18` with `details.referralCode`, the case code.',
      security: signedInSecurity,
      request: { params: SiteParams, body: { content: { 'application/json': { schema: WorkerBody } }, required: true } },
      responses: { 201: json(WorkerSchema, 'Registered'), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const outcome = await runCommand(db, c.get('actor'), (ctx) => registerWorker(ctx, { site: c.req.valid('param').code, ...c.req.valid('json') }));
      if (outcome.outcome === 'referred') {
        const { code, ageYears } = outcome.referral;
        throw workerError('worker_under_18', 422, { age: ageYears, referralCode: code }, { referralCode: code });
      }
      const groups = await listOperatorGroups(db, outcome.worker.siteId);
      return c.json(presentWorker(outcome.worker, groups.find((g) => g.id === outcome.worker.operatorGroupId)!.code), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/workers/{workerCode}/exit',
      tags: ['Workers'],
      summary: 'Record the day a worker left the site (on or after their registration)',
      security: signedInSecurity,
      request: {
        params: SiteParams.extend({ workerCode: z.string() }),
        body: { content: { 'application/json': { schema: z.strictObject({ exitedOn: IsoDate }) } }, required: true },
      },
      responses: { 200: json(WorkerSchema), ...errors(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const db = c.get('deps').db;
      const { code, workerCode } = c.req.valid('param');
      const worker = await runCommand(db, c.get('actor'), (ctx) => recordWorkerExit(ctx, { site: code, workerCode, exitedOn: c.req.valid('json').exitedOn }));
      const groups = await listOperatorGroups(db, worker.siteId);
      return c.json(presentWorker(worker, groups.find((g) => g.id === worker.operatorGroupId)!.code), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/workers/import',
      tags: ['Workers'],
      summary: 'Import workers from CSV or XLSX: a dry run reports every bad row; a real import writes all rows or none',
      description:
        'Columns: full_name, sex, birth_year, operator_group, id_number (optional), registered_on. With `dry_run=true` (the default) nothing is written and the report lists every problem by row (the header is row 1) and column. With `dry_run=false` a file with any problem is refused (422 `import_has_errors`, with the report); otherwise new adults are registered and people under 18 referred for child protection, in one journal event. People already registered or referred are skipped, so importing the same file again changes nothing (200, nothing new).',
      security: signedInSecurity,
      request: {
        params: SiteParams,
        query: z.object({ dry_run: z.enum(['true', 'false']).default('true') }),
        body: { content: { 'multipart/form-data': { schema: ImportForm } }, required: true },
      },
      responses: { 200: json(ImportAnswer, 'Dry run, or nothing new to import'), 201: json(ImportAnswer, 'Imported'), ...errors(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const { db } = c.get('deps');
      const locale = c.get('locale');
      const site = await siteFor(db, actor, c.req.valid('param').code, 'worker.register');
      const dryRun = c.req.valid('query').dry_run === 'true';
      const upload = c.req.valid('form').file;
      const file = await readWorkerFile({ filename: upload.name, content: Buffer.from(await upload.arrayBuffer()) });
      const report = await checkWorkerImport(db, { siteId: site.id, file });
      if (dryRun) return c.json({ dryRun, report: presentImportReport(report, locale), registered: [], referred: [] }, 200);
      if (report.issues.length > 0) throw workerError('import_has_errors', 422, { count: report.issues.length }, { report: presentImportReport(report, locale) });
      if (!importChangesSomething(report)) return c.json({ dryRun, report: presentImportReport(report, locale), registered: [], referred: [] }, 200);
      const result = await runCommand(db, actor, (ctx) => importWorkers(ctx, { siteId: site.id, file }));
      return c.json({ dryRun, report: presentImportReport(result.report, locale), registered: result.registered, referred: result.referred }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/sites/{code}/workers/{workerCode}/photo',
      tags: ['Workers'],
      summary: 'Set or replace a worker’s photo (JPEG or PNG, at most 5 MB): personal data, never on a public route',
      security: signedInSecurity,
      request: {
        params: SiteParams.extend({ workerCode: z.string() }),
        body: { content: { 'multipart/form-data': { schema: PhotoForm } }, required: true },
      },
      responses: { 201: json(z.object({ worker: z.string() }), 'Photo saved'), ...errors(400, 401, 403, 404, 413, 415, 422) },
    }),
    async (c) => {
      const { code, workerCode } = c.req.valid('param');
      const upload = c.req.valid('form').photo;
      const content = Buffer.from(await upload.arrayBuffer());
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => setWorkerPhoto(ctx, { site: code, workerCode, filename: upload.name, content }));
      return c.json({ worker: workerCode }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}/workers/{workerCode}/photo',
      tags: ['Workers'],
      summary: 'A worker’s photo, for those who may see the register',
      security: signedInSecurity,
      request: { params: SiteParams.extend({ workerCode: z.string() }) },
      responses: { 200: { description: 'The photo', content: { 'image/jpeg': { schema: z.string() }, 'image/png': { schema: z.string() } } }, ...errors(401, 403, 404) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const { db } = c.get('deps');
      const { code, workerCode } = c.req.valid('param');
      const site = await siteFor(db, actor, code, 'worker.read');
      const photo = await workerPhoto(db, site.id, workerCode);
      if (!photo) throw workerError('worker_not_found', 404, { worker: workerCode });
      // Never cached by shared caches, never sniffed: personal data with a fixed image type.
      return c.body(new Uint8Array(photo.content), 200, { 'Content-Type': photo.contentType, 'Cache-Control': 'private, no-store', 'X-Content-Type-Options': 'nosniff' }) as never;
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}/headcount',
      tags: ['Workers'],
      summary: 'Workers on site on a day, by operator group and sex: counts only, public',
      request: { params: SiteParams, query: z.object({ on: IsoDate.optional().openapi({ description: 'The day; today (UTC) when not given' }) }) },
      responses: {
        200: json(z.object({ site: z.string(), on: z.string(), groups: z.array(HeadcountRow), totals: z.object({ female: z.number().int(), male: z.number().int(), total: z.number().int() }) })),
        ...errors(400, 404),
      },
    }),
    async (c) => {
      authorize(c.get('actor'), 'site.read.public');
      const db = c.get('deps').db;
      const site = await requireSite(db, c.req.valid('param').code);
      const on = c.req.valid('query').on ?? isoDateOf(new Date());
      const [groups, totals] = await Promise.all([headcount(db, { siteId: site.id, on }), headcountTotals(db, { siteId: site.id, on })]);
      return c.json({ site: site.code, on, groups, totals }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/sites/{code}/child-referrals',
      tags: ['Workers'],
      summary: 'People under 18 referred for child protection when they came to register: case codes, never names',
      security: signedInSecurity,
      request: { params: SiteParams },
      responses: { 200: json(z.object({ referrals: z.array(ChildReferralSchema) })), ...errors(401, 403, 404) },
    }),
    async (c) => {
      const actor = c.get('actor');
      const db = c.get('deps').db;
      authorize(actor, 'child_referral.read');
      const site = await findSiteByCode(db, c.req.valid('param').code);
      if (!site) throw siteError('site_not_found', 404, { code: c.req.valid('param').code });
      const rows = await listChildReferrals(db, site.id);
      return c.json(
        { referrals: rows.map((r) => ({ code: r.code, sex: r.sex, ageYears: r.ageYears, group: r.groupCode, referredOn: r.referredOn, source: r.source, status: r.status })) },
        200,
      );
    },
  );
}
