import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { OrganisationKind, UserRole } from '../src/core/auth/roles.ts';
import { rowsOf } from '../src/db/connect.ts';
import { runCommand } from '../src/journal/public.ts';
import { importProduction } from '../src/sites/commands/production/import-production.ts';
import { declareProduction } from '../src/sites/public.ts';
import { actorOf } from './factories/registry.ts';
import { insertSite } from './factories/sites.ts';
import { createTestContext, type TestContext } from './harness.ts';

/**
 * A site's own records (its assessments, its safety incidents, the details of its production) are
 * for the secretariat's staff, the verifiers, and the users of the cooperative that operates the
 * site. The users of another cooperative, and a partner organisation's field officers and committee
 * members (who follow their own child cases), are refused. Written out here from the domain's
 * rules, not read from the policy table.
 */
let t: TestContext;
let site: string;
let certificateId: number;
let spreadsheetId: number;
const tokens = new Map<string, string>();

type Who = { name: string; kind: OrganisationKind | 'site cooperative'; role: UserRole };
const people: Who[] = [
  { name: 'the secretariat’s field officer', kind: 'secretariat', role: 'field' },
  { name: 'the secretariat’s committee member', kind: 'secretariat', role: 'committee' },
  { name: 'a verifier', kind: 'verifier', role: 'verifier' },
  { name: 'the site’s cooperative', kind: 'site cooperative', role: 'cooperative' },
  { name: 'the site cooperative’s field officer', kind: 'site cooperative', role: 'field' },
  { name: 'the site cooperative’s committee member', kind: 'site cooperative', role: 'committee' },
  { name: 'another cooperative', kind: 'cooperative', role: 'cooperative' },
  { name: 'another cooperative’s field officer', kind: 'cooperative', role: 'field' },
  { name: 'another cooperative’s committee member', kind: 'cooperative', role: 'committee' },
  { name: 'a partner’s field officer', kind: 'partner', role: 'field' },
  { name: 'a partner’s committee member', kind: 'partner', role: 'committee' },
];

/** Who may read what: the roles each read is for, at the sites where they may read it. */
const insiders = new Set(['the secretariat’s field officer', 'the secretariat’s committee member', 'a verifier', 'the site’s cooperative', 'the site cooperative’s field officer', 'the site cooperative’s committee member']);
const reads: { name: string; path: () => string; roles: readonly UserRole[] }[] = [
  { name: 'its assessments', path: () => `/api/v1/sites/${site}/assessments`, roles: ['field', 'verifier', 'cooperative'] },
  { name: 'its safety incidents', path: () => `/api/v1/safety/sites/${site}/incidents`, roles: ['field', 'verifier', 'cooperative', 'committee'] },
];

beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const inserted = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id })).site;
  site = inserted.code;
  // The cooperative declares production with its assay certificate, a restricted file.
  await runCommand(t.db, actorOf({ ...cooperative, kind: 'cooperative' }, 'cooperative'), (ctx) =>
    declareProduction(ctx, {
      siteId: inserted.id,
      mineral: 'cobalt',
      producedOn: '2024-03-01',
      wetOreKg: 10_000,
      dryOreKg: 9_000,
      gradeBasisPoints: 500,
      buyer: 'EGC depot',
      evidence: { filename: 'assay.pdf', content: Buffer.from('%PDF-1.4 assay certificate') },
    }),
  );
  // …and imports a spreadsheet of production, kept as a restricted file that no record cites.
  await runCommand(t.db, actorOf({ ...cooperative, kind: 'cooperative' }, 'cooperative'), (ctx) =>
    importProduction(ctx, { siteId: inserted.id, filename: 'production.csv', content: Buffer.from('produced_on,mineral,lot_reference,wet_ore_t,dry_ore_t,grade_percent,buyer\n2024-04-01,cobalt,A1,10,9,7.5,EGC depot\n') }),
  );
  spreadsheetId = rowsOf<{ id: number }>(await t.db.execute(sql`select max(id) as id from files where content_type = 'text/csv'`))[0]!.id;
  certificateId = rowsOf<{ id: number }>(await t.db.execute(sql`select evidence_file_id as id from production_declarations where site_id = ${inserted.id}`))[0]!.id;
  for (const who of people) {
    const organisationId = who.kind === 'site cooperative' ? cooperative.id : (await t.buildOrganisation({ kind: who.kind })).id;
    tokens.set(who.name, (await t.buildToken({ role: who.role, organisationId })).token);
  }
});
afterAll(() => t?.close());

const get = (path: string, who: string) => t.app.request(path, { headers: { authorization: `Bearer ${tokens.get(who)}` } });

describe('A site’s own records', () => {
  for (const read of reads) {
    for (const who of people) {
      const allowed = insiders.has(who.name) && read.roles.includes(who.role);
      it(`${allowed ? 'are read' : 'are refused'}: ${read.name}, by ${who.name}`, async () => {
        const response = await get(read.path(), who.name);
        expect(response.status).toBe(allowed ? 200 : 403);
      });
    }
  }

  for (const who of people) {
    const allowed = insiders.has(who.name) && ['field', 'verifier', 'cooperative'].includes(who.role);
    it(`${allowed ? 'show' : 'hide'} the details of its production to ${who.name}`, async () => {
      const response = await get(`/api/v1/sites/${site}/production`, who.name);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { details: boolean }).details).toBe(allowed);
    });
  }

  for (const who of people) {
    // As the declaration that cites it (production.read.details), even to other users of the organisation that uploaded it.
    const allowed = insiders.has(who.name) && ['field', 'verifier', 'cooperative'].includes(who.role);
    it(`${allowed ? 'give' : 'refuse'} its production's assay certificate (a restricted file) to ${who.name}`, async () => {
      const response = await get(`/api/v1/files/${certificateId}`, who.name);
      expect(response.status).toBe(allowed ? 200 : 403);
      if (allowed) expect(Buffer.from(await response.arrayBuffer()).toString()).toBe('%PDF-1.4 assay certificate');
    });
  }

  for (const who of people) {
    const allowed = who.kind === 'site cooperative';
    it(`${allowed ? 'give' : 'refuse'} a production spreadsheet it imported (cited by no record) to ${who.name}`, async () => {
      expect((await get(`/api/v1/files/${spreadsheetId}`, who.name)).status).toBe(allowed ? 200 : 403);
    });
  }
});
