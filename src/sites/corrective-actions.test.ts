import { Validator } from '@seriousme/openapi-schema-validator';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestContext, jsonRequest, system, type TestContext } from '../../test/harness.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { insertPublishedStandard } from '../../test/factories/standard.ts';
import { isoDateOf } from '../core/calendar.ts';
import { findFile } from '../files/public.ts';
import { journalSize, listEntries, runCommand } from '../journal/public.ts';
import { parseCostEstimate } from './corrective-action-records.ts';
import { raiseCorrectiveAction } from './commands/corrective-actions/raise-corrective-action.ts';
import { registerCorrectiveActionsPages } from './pages/corrective-actions.tsx';
import { correctiveActionCounts, listCorrectiveActions, overdueCorrectiveActions } from './queries/corrective-actions.ts';
import { registerAssessmentsApi } from './routes/assessments.ts';
import { registerCorrectiveActionsApi } from './routes/corrective-actions.ts';
import { correctiveActions } from './schema.ts';
import { expectApiRefusal } from '../../test/expect.ts';

let t: TestContext;
let sizeBefore: number;
let site: { id: number; code: string; cooperativeOrganisationId: number };
let verifier: { token: string };
let submitted: number;
let draft: number;

const day = 86_400_000;
const today = isoDateOf(new Date());
const daysFromToday = (n: number) => isoDateOf(new Date(Date.now() + n * day));

beforeAll(async () => {
  t = await createTestContext({
    extraModules: [
      {
        name: 'sites-test',
        registerApi: (api) => {
          registerAssessmentsApi(api);
          registerCorrectiveActionsApi(api);
        },
        registerPages: registerCorrectiveActionsPages,
      },
    ],
  });
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  site = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'KAM' })).site;
  verifier = await t.buildToken({ role: 'verifier' });
  await insertPublishedStandard(t.db, { version: '2024.1' });
  submitted = await assessed({ 'HS.1': 'not_met', 'HS.2': 'partly_met' }, true);
  draft = await assessed({}, false);
});
afterAll(() => t.close());
beforeEach(async () => {
  sizeBefore = await journalSize(t.db);
});

const bearer = (token: { token: string }) => ({ authorization: `Bearer ${token.token}` });
const api = (path: string, init?: RequestInit) => t.app.request(`/api/v1${path}`, init);
const countActions = async () => Number((await t.db.select({ n: sql<number>`count(*)` }).from(correctiveActions))[0]!.n);

/** An assessment of the site (all met except the given ratings), submitted or left as a draft. */
async function assessed(findings: Record<string, string>, submit: boolean, siteCode = 'KAM') {
  const started = await api(`/sites/${siteCode}/assessments`, jsonRequest('POST', { periodStart: '2024-01-01', periodEnd: '2024-06-30' }, bearer(verifier)));
  const { id } = (await started.json()) as { id: number };
  const codes = ['HS.1', 'HS.2', 'HS.3', 'CR.1', 'CR.2', 'CG.1', 'CG.2', 'EN.1', 'EN.2', 'LT.1', 'LT.2'];
  const responses = codes.map((criterionCode) => ({ criterionCode, rating: findings[criterionCode] ?? 'met' }));
  expect((await api(`/assessments/${id}/responses`, jsonRequest('PUT', { responses }, bearer(verifier)))).status).toBe(200);
  if (submit) expect((await api(`/assessments/${id}/submit`, { method: 'POST', headers: bearer(verifier) })).status).toBe(200);
  return id;
}

async function lastEvent() {
  const [entry] = await listEntries(t.db, (await journalSize(t.db)) - 1, 1);
  return { text: entry!.bytes.toString('utf8'), event: JSON.parse(entry!.bytes.toString('utf8')) as { type: string; subject: string; payload: Record<string, unknown> } };
}

/** The API refused, and nothing was written. */
async function expectRefusedUnchanged(response: Response, status: number, code: string) {
  const error = await expectApiRefusal(response, status, code);
  expect(await journalSize(t.db)).toBe(sizeBefore);
  return error;
}

const action = (extra: Record<string, unknown> = {}) => ({ title: 'Cover pit 12 with metal sheets', owner: 'Safety officer Kabila', dueOn: daysFromToday(30), costEstimate: '1250.50', currency: 'USD', ...extra });
const raise = (body: Record<string, unknown>, siteCode = 'KAM', token = verifier) => api(`/sites/${siteCode}/corrective-actions`, jsonRequest('POST', body, bearer(token)));

async function raised(extra: Record<string, unknown> = {}, siteCode = 'KAM') {
  const response = await raise(action(extra), siteCode);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as { id: number; status: string; overdue: boolean; costEstimateMinor: number; criterionCode: string | null };
}

describe('Corrective actions', () => {
  describe('raising', () => {
    it('raises a free-standing action with its cost in minor units, journalling no free text', async () => {
      const created = await raised();
      expect(created).toMatchObject({ status: 'open', overdue: false, costEstimateMinor: 125_050, criterionCode: null });
      const { event, text } = await lastEvent();
      expect(event).toMatchObject({
        type: 'sites.corrective_action_raised',
        subject: `corrective_action:${created.id}`,
        payload: { correctiveActionId: created.id, site: 'KAM', assessmentId: null, criterion: null, costEstimateMinor: 125_050, currency: 'USD' },
      });
      expect(text).not.toContain('Kabila');
      expect(text).not.toContain('pit 12');
    });

    it('raises actions from findings: criteria rated not met or partly met in a submitted assessment', async () => {
      expect((await raised({ assessmentId: submitted, criterionCode: 'HS.1' })).criterionCode).toBe('HS.1');
      expect((await raised({ assessmentId: submitted, criterionCode: 'HS.2', currency: 'CDF', costEstimate: '2 500 000' })).costEstimateMinor).toBe(250_000_000);
    });

    it('refuses what is not a finding, and writes nothing', async () => {
      const elsewhere = await t.buildOrganisation({ kind: 'cooperative' });
      await insertSite(t.db, { cooperativeOrganisationId: elsewhere.id, code: 'FAR' });
      sizeBefore = await journalSize(t.db);
      const before = await countActions();
      await expectRefusedUnchanged(await raise(action({ assessmentId: submitted, criterionCode: 'HS.3' })), 422, 'not_a_finding');
      await expectRefusedUnchanged(await raise(action({ assessmentId: submitted, criterionCode: 'NO.1' })), 422, 'unknown_criterion');
      await expectRefusedUnchanged(await raise(action({ assessmentId: draft, criterionCode: 'HS.1' })), 422, 'assessment_not_submitted');
      await expectRefusedUnchanged(await raise(action({ criterionCode: 'HS.1' })), 422, 'finding_incomplete');
      await expectRefusedUnchanged(await raise(action({ assessmentId: submitted, criterionCode: 'HS.1' }), 'FAR'), 422, 'assessment_not_of_site');
      expect(await countActions()).toBe(before);
    });

    it('refuses a cost that is not an amount of the currency, and unknown currencies', async () => {
      for (const costEstimate of ['12.345', 'abc', '-5', '1e3', '12.']) {
        await expectRefusedUnchanged(await raise(action({ costEstimate })), 422, 'cost_estimate_invalid');
      }
      await expectRefusedUnchanged(await raise(action({ currency: 'EUR' })), 400, 'validation_failed');
      await expectRefusedUnchanged(await raise(action({ dueOn: '2025-13-01' })), 400, 'validation_failed');
      await expectRefusedUnchanged(await raise(action({ title: '' })), 400, 'validation_failed');
    });

    it('reads amounts as people type them', () => {
      expect(parseCostEstimate('1 250,5', 'USD')).toBe(125_050);
      expect(parseCostEstimate('0', 'USD')).toBe(0);
      expect(parseCostEstimate('5000', 'CDF')).toBe(500_000);
      expect(parseCostEstimate('0.07', 'USD')).toBe(7);
      expect(() => parseCostEstimate('99999999999999999', 'USD')).toThrow();
    });
  });

  describe('lifecycle', () => {
    it('moves an open action to in progress once', async () => {
      const { id } = await raised();
      const response = await api(`/corrective-actions/${id}/status`, jsonRequest('POST', { status: 'in_progress' }, bearer(verifier)));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'in_progress' });
      expect((await lastEvent()).event).toMatchObject({ type: 'sites.corrective_action_updated', payload: { correctiveActionId: id, from: 'open', to: 'in_progress' } });
      sizeBefore = await journalSize(t.db);
      await expectRefusedUnchanged(await api(`/corrective-actions/${id}/status`, jsonRequest('POST', { status: 'in_progress' }, bearer(verifier))), 409, 'corrective_action_status_invalid');
      await expectRefusedUnchanged(await api(`/corrective-actions/${id}/status`, jsonRequest('POST', { status: 'closed' }, bearer(verifier))), 400, 'validation_failed');
    });

    it('closes an action with a note and a date, once', async () => {
      const { id } = await raised();
      const response = await api(`/corrective-actions/${id}/close`, jsonRequest('POST', { closureNote: 'Sheets fitted, checked on site', closedOn: today }, bearer(verifier)));
      expect(response.status, await response.clone().text()).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'closed', closedOn: today, closureNote: 'Sheets fitted, checked on site', closureEvidence: null });
      const { event, text } = await lastEvent();
      expect(event).toMatchObject({ type: 'sites.corrective_action_closed', payload: { correctiveActionId: id, closedOn: today, onTime: true, evidenceSha256: null } });
      expect(text).not.toContain('Sheets fitted');
      sizeBefore = await journalSize(t.db);
      await expectRefusedUnchanged(await api(`/corrective-actions/${id}/close`, jsonRequest('POST', { closureNote: 'again', closedOn: today }, bearer(verifier))), 409, 'corrective_action_closed');
      await expectRefusedUnchanged(await api(`/corrective-actions/${id}/status`, jsonRequest('POST', { status: 'in_progress' }, bearer(verifier))), 409, 'corrective_action_closed');
    });

    it('closes with an evidence file sent as multipart', async () => {
      const { id } = await raised();
      const form = new FormData();
      form.set('closureNote', 'Photo of the covered pit');
      form.set('closedOn', today);
      form.set('evidence', new File([Buffer.from('jpeg bytes')], 'pit12.jpg', { type: 'image/jpeg' }));
      const response = await api(`/corrective-actions/${id}/close`, { method: 'POST', body: form, headers: bearer(verifier) });
      expect(response.status, await response.clone().text()).toBe(200);
      const body = (await response.json()) as { closureEvidence: { fileId: number; sha256: string; filename: string; url: string } };
      expect(body.closureEvidence).toMatchObject({ filename: 'pit12.jpg', url: `/api/v1/files/${body.closureEvidence.fileId}` });
      expect((await lastEvent()).event.payload).toMatchObject({ evidenceSha256: body.closureEvidence.sha256 });
      const stored = await findFile(t.db, body.closureEvidence.fileId);
      expect(stored!.content.toString()).toBe('jpeg bytes');
    });

    it('refuses a closing date in the future or before the action was raised, and a missing note', async () => {
      const { id } = await raised();
      sizeBefore = await journalSize(t.db);
      const close = (body: unknown) => api(`/corrective-actions/${id}/close`, jsonRequest('POST', body, bearer(verifier)));
      await expectRefusedUnchanged(await close({ closureNote: 'Done', closedOn: daysFromToday(2) }), 422, 'closed_on_in_future');
      await expectRefusedUnchanged(await close({ closureNote: 'Done', closedOn: daysFromToday(-2) }), 422, 'closed_on_before_raised');
      await expectRefusedUnchanged(await close({ closedOn: today }), 400, 'validation_failed');
      await expectRefusedUnchanged(await api(`/corrective-actions/${id}/close`, { method: 'POST', headers: bearer(verifier) }), 400, 'validation_failed');
      await expectRefusedUnchanged(await api(`/corrective-actions/999999/close`, jsonRequest('POST', { closureNote: 'x', closedOn: today }, bearer(verifier))), 404, 'not_found');
    });
  });

  describe('overdue actions and counts', () => {
    let overdueSite: { id: number; code: string };
    let late: { id: number };
    let lateClosed: { id: number };

    beforeAll(async () => {
      const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
      overdueSite = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'OVD' })).site;
      late = await raised({ dueOn: daysFromToday(-10), title: 'Late one' }, 'OVD');
      await raised({ dueOn: daysFromToday(-3), title: 'Later one' }, 'OVD');
      await raised({ dueOn: today, title: 'Due today' }, 'OVD');
      const onTime = await raised({ dueOn: daysFromToday(5), title: 'Closed on time' }, 'OVD');
      lateClosed = await raised({ dueOn: daysFromToday(-1), title: 'Closed late' }, 'OVD');
      for (const { id } of [onTime, lateClosed]) {
        expect((await api(`/corrective-actions/${id}/close`, jsonRequest('POST', { closureNote: 'Done', closedOn: today }, bearer(verifier)))).status).toBe(200);
      }
    });

    it('lists actions not closed and due before today, earliest first', async () => {
      const overdue = await overdueCorrectiveActions(t.db, overdueSite.id, today);
      expect(overdue.map((a) => a.title)).toEqual(['Late one', 'Later one']);
      expect(overdue.map((a) => a.id)).not.toContain(lateClosed.id);
      expect((await overdueCorrectiveActions(t.db, overdueSite.id, daysFromToday(1))).map((a) => a.title)).toEqual(['Late one', 'Later one', 'Due today']);
    });

    it('lists a site’s actions to do first and filters by status', async () => {
      const all = await listCorrectiveActions(t.db, { siteId: overdueSite.id });
      expect(all.map((a) => a.title)).toEqual(['Late one', 'Later one', 'Due today', 'Closed late', 'Closed on time']);
      expect((await listCorrectiveActions(t.db, { siteId: overdueSite.id, status: 'closed' })).map((a) => a.title)).toEqual(['Closed late', 'Closed on time']);
      const response = await api(`/sites/OVD/corrective-actions?status=open`, { headers: bearer(verifier) });
      const body = (await response.json()) as { correctiveActions: { id: number; overdue: boolean }[] };
      expect(body.correctiveActions.map((a) => [a.id, a.overdue])).toEqual([
        [late.id, true],
        [expect.any(Number), true],
        [expect.any(Number), false],
      ]);
      await expectRefusedUnchanged(await api(`/sites/OVD/corrective-actions?status=done`, { headers: bearer(verifier) }), 400, 'validation_failed');
    });

    it('counts open, closed, closed on time and overdue actions for indicators', async () => {
      expect(await correctiveActionCounts(t.db, { siteId: overdueSite.id })).toEqual({ open: 3, closed: 2, closedOnTime: 1, overdue: 2 });
      // The period [today, tomorrow): both closures fall in it; at its end "Due today" is overdue too.
      expect(await correctiveActionCounts(t.db, { siteId: overdueSite.id, from: today, to: daysFromToday(1) })).toEqual({ open: 3, closed: 2, closedOnTime: 1, overdue: 3 });
      // A period that ended before any of them was raised.
      expect(await correctiveActionCounts(t.db, { siteId: overdueSite.id, from: '2000-01-01', to: daysFromToday(-30) })).toEqual({ open: 0, closed: 0, closedOnTime: 0, overdue: 0 });
      const everywhere = await correctiveActionCounts(t.db);
      expect(everywhere.open).toBeGreaterThan(3);
      expect(everywhere.closed).toBeGreaterThanOrEqual(2);
    });
  });
});

describe('Who may manage corrective actions', () => {
  type Who = 'verifier' | 'cooperative of the site' | 'cooperative of another site' | 'admin' | 'field officer' | 'buyer' | 'committee' | 'anonymous';
  const headers = new Map<Who, Record<string, string>>();

  beforeAll(async () => {
    const other = await t.buildOrganisation({ kind: 'cooperative' });
    headers.set('verifier', bearer(verifier));
    headers.set('cooperative of the site', bearer(await t.buildToken({ role: 'cooperative', organisationId: site.cooperativeOrganisationId })));
    headers.set('cooperative of another site', bearer(await t.buildToken({ role: 'cooperative', organisationId: other.id })));
    headers.set('admin', bearer(await t.buildToken({ role: 'admin' })));
    headers.set('field officer', bearer(await t.buildToken({ role: 'field' })));
    headers.set('buyer', bearer(await t.buildToken({ role: 'buyer' })));
    headers.set('committee', bearer(await t.buildToken({ role: 'committee' })));
    headers.set('anonymous', {});
  });

  const allowed = new Set<Who>(['verifier', 'cooperative of the site', 'admin', 'field officer']);
  const freshAction = async () => (await runCommand(t.db, system, (ctx) => raiseCorrectiveAction(ctx, { siteId: site.id, title: 'Matrix', owner: 'Someone', dueOn: today, costEstimate: '0', currency: 'USD' }))).id;

  const cases: { name: string; ok: number; request: () => Promise<{ path: string; init?: RequestInit }> }[] = [
    { name: 'POST /sites/{code}/corrective-actions', ok: 201, request: async () => ({ path: '/sites/KAM/corrective-actions', init: jsonRequest('POST', action()) }) },
    { name: 'GET /sites/{code}/corrective-actions', ok: 200, request: async () => ({ path: '/sites/KAM/corrective-actions' }) },
    { name: 'POST /corrective-actions/{id}/status', ok: 200, request: async () => ({ path: `/corrective-actions/${await freshAction()}/status`, init: jsonRequest('POST', { status: 'in_progress' }) }) },
    { name: 'POST /corrective-actions/{id}/close', ok: 200, request: async () => ({ path: `/corrective-actions/${await freshAction()}/close`, init: jsonRequest('POST', { closureNote: 'Done', closedOn: today }) }) },
  ];

  for (const testCase of cases) {
    describe(testCase.name, () => {
      for (const who of ['verifier', 'cooperative of the site', 'cooperative of another site', 'admin', 'field officer', 'buyer', 'committee', 'anonymous'] as Who[]) {
        const status = allowed.has(who) ? testCase.ok : who === 'anonymous' ? 401 : 403;
        it(`${allowed.has(who) ? 'allows' : 'refuses'} the ${who} (${status})`, async () => {
          const { path, init = {} } = await testCase.request();
          const response = await api(path, { ...init, headers: { ...((init.headers as Record<string, string>) ?? {}), ...headers.get(who) } });
          expect(response.status, await response.clone().text()).toBe(status);
        });
      }
    });
  }
});

describe('Corrective action pages', () => {
  let session: { cookie: string; csrfToken: string };

  beforeAll(async () => {
    const user = await t.buildUser({ role: 'cooperative', organisationId: site.cooperativeOrganisationId });
    session = await t.signIn(user.email, user.password);
  });

  const get = (path: string) => t.app.request(path, { headers: { cookie: session.cookie } });
  const post = (path: string, form: Record<string, string>) =>
    t.app.request(path, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: session.csrfToken, ...form }).toString(),
    });

  it('lists overdue actions first with a red “Overdue” tag, and filters by status through the query string', async () => {
    await raised({ dueOn: daysFromToday(60), title: 'Fence the washing pond' });
    await raised({ dueOn: daysFromToday(-20), title: 'Repair the ladder of pit 3' });
    const html = await (await get('/sites/KAM/corrective-actions')).text();
    expect(html).toContain('<caption>Corrective actions at Site KAM, overdue first</caption>');
    expect(html.indexOf('Repair the ladder of pit 3')).toBeLessThan(html.indexOf('Fence the washing pond'));
    expect(html).toContain('<strong class="tag tag-red">Overdue</strong>');
    expect(html).toContain('href="/sites/KAM/corrective-actions?status=closed"');
    const closedOnly = await (await get('/sites/KAM/corrective-actions?status=closed')).text();
    expect(closedOnly).not.toContain('Repair the ladder of pit 3');
    const french = await (await get('/sites/KAM/corrective-actions?lang=fr')).text();
    expect(french).toContain('En retard');
  });

  it('raises an action from a finding with the criterion prefilled, keeping the form on a bad amount', async () => {
    const form = await (await get(`/sites/KAM/corrective-actions/new?assessment=${submitted}&criterion=HS.1`)).text();
    expect(form).toContain(`<input type="hidden" name="assessmentId" value="${submitted}"/>`);
    expect(form).toContain('<input type="hidden" name="criterionCode" value="HS.1"/>');
    expect(form).toContain('This action answers finding HS.1');
    const fields = { assessmentId: String(submitted), criterionCode: 'HS.1', title: 'Train safety captains', owner: 'Cooperative', dueOn: daysFromToday(20), currency: 'USD' };
    sizeBefore = await journalSize(t.db);
    const wrong = await post('/sites/KAM/corrective-actions/new', { ...fields, costEstimate: '12.345' });
    expect(wrong.status).toBe(422);
    const html = await wrong.text();
    expect(html).toContain('<a href="#costEstimate">');
    expect(html).toContain('value="Train safety captains"');
    expect(await journalSize(t.db)).toBe(sizeBefore);
    const created = await post('/sites/KAM/corrective-actions/new', { ...fields, costEstimate: '300' });
    expect(created.status).toBe(303);
    expect(created.headers.get('location')).toMatch(/^\/corrective-actions\/\d+$/);
  });

  it('starts work on an action and closes it with an evidence file', async () => {
    const { id } = await raised({ title: 'Provide wader boots' });
    const started = await post(`/corrective-actions/${id}/status`, { status: 'in_progress' });
    expect(started.status).toBe(303);
    expect(await (await get(`/corrective-actions/${id}`)).text()).toContain('In progress');
    const closeForm = await (await get(`/corrective-actions/${id}/close`)).text();
    expect(closeForm).toContain('enctype="multipart/form-data"');
    expect(closeForm).toContain('A closed corrective action cannot be reopened');
    const form = new FormData();
    form.set('_csrf', session.csrfToken);
    form.set('closureNote', '40 pairs handed over');
    form.set('closedOn', today);
    form.set('evidence', new File([Buffer.from('receipt')], 'receipt.pdf', { type: 'application/pdf' }));
    const closed = await t.app.request(`/corrective-actions/${id}/close`, { method: 'POST', body: form, headers: { cookie: session.cookie } });
    expect(closed.status).toBe(303);
    const page = await (await get(`/corrective-actions/${id}`)).text();
    expect(page).toContain('<strong class="tag tag-green">Closed</strong>');
    expect(page).toContain('receipt.pdf');
    expect(page).not.toContain('Close this action');
  });

  it('refuses a close without a note and keeps the date typed', async () => {
    const { id } = await raised();
    const response = await post(`/corrective-actions/${id}/close`, { closureNote: '', closedOn: today });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('Say what was done');
    expect(html).toContain(`value="${today}"`);
  });
});

describe('OpenAPI document with the assessment and corrective-action routes', () => {
  it('stays a valid OpenAPI 3.1 document and describes every route', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /sites/{code}/assessments',
        'GET /sites/{code}/assessments',
        'GET /assessments/{id}',
        'PUT /assessments/{id}/responses',
        'POST /assessments/{id}/responses/{criterionCode}/evidence',
        'POST /assessments/{id}/submit',
        'GET /assessments/{id}/comparison',
        'POST /sites/{code}/corrective-actions',
        'GET /sites/{code}/corrective-actions',
        'POST /corrective-actions/{id}/status',
        'POST /corrective-actions/{id}/close',
      ]),
    );
  });
});
