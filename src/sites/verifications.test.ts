import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestContext, jsonRequest, type TestContext } from '../../test/harness.ts';
import { insertSite } from '../../test/factories/sites.ts';
import type { Actor } from '../core/auth/roles.ts';
import { AppError } from '../core/errors.ts';
import { rowsOf } from '../db/connect.ts';
import { appendEvent, type CommandContext, journalSize, listEntries, runCommand } from '../journal/public.ts';
import { organisationPublicKeys } from './organisation-keys.ts';
import { drawFromVerification } from './commands/verifications/draw-from-verification.ts';
import { restoreToVerification } from './commands/verifications/restore-to-verification.ts';
import { signVerificationStatement } from './commands/verifications/sign-verification-statement.ts';
import type { SignVerificationProps } from './verification-statements.ts';
import { registerVerificationsPages } from './pages/verifications.tsx';
import { getVerification, listVerifications, remainingIssuableKg, verifyStatementSignature } from './queries/verifications.ts';
import { registerVerificationsApi } from './routes/verifications.ts';
import { assessmentResponses, assessments, productionDeclarations, ratings, sites, standardCriteria, standardVersions, verificationDraws } from './schema.ts';
import { parseTypedTonnes } from '../core/quantities.ts';
import { expectCommandRefusal } from '../../test/expect.ts';

type Rating = (typeof ratings)[number];

let t: TestContext;
let criteria: { id: number; code: string }[];
let standardVersionId: number;

beforeAll(async () => {
  t = await createTestContext({ extraModules: [{ name: 'sites-test', registerApi: registerVerificationsApi, registerPages: registerVerificationsPages }] });
  const [version] = await t.db.insert(standardVersions).values({ version: 'V-TEST', status: 'published', publishedAt: new Date() }).returning();
  standardVersionId = version!.id;
  const criterion = (code: string, level: 'baseline' | 'progress', position: number, area: 'health_safety' | 'child_rights' | 'cooperative_governance') => ({
    versionId: standardVersionId,
    code,
    level,
    position,
    area,
    textEn: `Criterion ${code}`,
    textFr: `Critère ${code}`,
    guidanceEn: '',
    guidanceFr: '',
  });
  criteria = await t.db
    .insert(standardCriteria)
    .values([criterion('HS-1', 'baseline', 1, 'health_safety'), criterion('CR-1', 'baseline', 2, 'child_rights'), criterion('GOV-1', 'progress', 3, 'cooperative_governance')])
    .returning({ id: standardCriteria.id, code: standardCriteria.code });
});
afterAll(() => t?.close());

let siteCounter = 0;
const nextSiteCode = () => {
  const n = siteCounter++;
  return `V${String.fromCharCode(65 + Math.floor(n / 26) % 26)}${String.fromCharCode(65 + (n % 26))}`;
};

const passingRatings: Record<string, Rating | null> = { 'HS-1': 'met', 'CR-1': 'not_applicable', 'GOV-1': 'partly_met' };

/**
 * A site of a cooperative, assessed by a verifier organisation over the first half of 2024 (baseline
 * met unless told otherwise), with cobalt declared: 1,000 kg on 15 January; 2,000 kg on 10 March,
 * corrected to 1,500 kg; 5,000 kg in July (after the period); and 800 kg of copper on 1 February.
 */
async function buildScenario(options: { ratings?: Record<string, Rating | null>; status?: 'draft' | 'submitted'; verifierOrgId?: number; operatedByVerifier?: boolean } = {}) {
  const verifierOrganisation = options.verifierOrgId ? { id: options.verifierOrgId } : await t.buildOrganisation({ kind: 'verifier' });
  const cooperative = options.operatedByVerifier ? verifierOrganisation : await t.buildOrganisation({ kind: 'cooperative' });
  const { site } = await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: nextSiteCode(), name: 'Kamilombe' });
  const submitted = (options.status ?? 'submitted') === 'submitted';
  const [assessment] = await t.db
    .insert(assessments)
    .values({
      siteId: site.id,
      verifierOrganisationId: verifierOrganisation.id,
      standardVersionId,
      periodStart: '2024-01-01',
      periodEnd: '2024-06-30',
      status: submitted ? 'submitted' : 'draft',
      submittedAt: submitted ? new Date() : null,
    })
    .returning();
  const chosen = { ...passingRatings, ...options.ratings };
  const responses = criteria.filter((c) => chosen[c.code]).map((c) => ({ assessmentId: assessment!.id, criterionId: c.id, rating: chosen[c.code]! }));
  if (responses.length > 0) await t.db.insert(assessmentResponses).values(responses);
  await declare(site.id, '2024-01-15', 1000);
  const march = await declare(site.id, '2024-03-10', 2000);
  await declare(site.id, '2024-03-10', 1500, { correctsId: march.id });
  await declare(site.id, '2024-07-05', 5000);
  await declare(site.id, '2024-02-01', 800, { mineral: 'copper' });
  const verifier = await t.buildUser({ role: 'verifier', organisationId: verifierOrganisation.id });
  const [org] = rowsOf<{ code: string }>(await t.db.execute(sql`select code from organisations where id = ${verifierOrganisation.id}`));
  const actor: Actor = { kind: 'user', userId: verifier.id, orgId: verifierOrganisation.id, orgCode: org!.code, orgKind: 'verifier', role: 'verifier', displayName: verifier.displayName };
  return { site, assessment: assessment!, verifierOrganisation, cooperative, verifier, actor };
}
type Scenario = Awaited<ReturnType<typeof buildScenario>>;

/** A declaration of `containedKg` of metal: dry ore at 2.5 % (250 basis points). */
async function declare(siteId: number, producedOn: string, containedKg: number, options: { mineral?: string; correctsId?: number } = {}) {
  const dryOreKg = containedKg * 40;
  const [row] = await t.db
    .insert(productionDeclarations)
    .values({
      siteId,
      mineral: options.mineral ?? 'cobalt',
      producedOn,
      wetOreKg: dryOreKg + 1000,
      dryOreKg,
      gradeBasisPoints: 250,
      containedKg: Math.round((dryOreKg * 250) / 10000),
      buyer: 'EGC',
      correctsId: options.correctsId ?? null,
      correctionReason: options.correctsId ? 'weighbridge ticket re-read' : null,
    })
    .returning();
  return row!;
}

const firstHalf = (s: Scenario, extra: Partial<SignVerificationProps> = {}): SignVerificationProps => ({
  assessmentId: s.assessment.id,
  mineral: 'cobalt',
  periodStart: '2024-01-01',
  periodEnd: '2024-06-30',
  responsibleKg: 2400,
  ...extra,
});

const sign = (s: Scenario, props: SignVerificationProps, actor: Actor = s.actor) => runCommand(t.db, actor, (ctx) => signVerificationStatement(ctx, props));

async function counts() {
  const [row] = rowsOf<{ statements: number; keys: number; draws: number }>(
    await t.db.execute(sql`select (select count(*) from verification_statements)::int as statements, (select count(*) from organisation_keys)::int as keys, (select count(*) from verification_draws)::int as draws`),
  );
  return { ...row!, journal: await journalSize(t.db) };
}

/** Expects the command to be refused with this error and to have written nothing at all. */
async function expectRefusedUnchanged(run: () => Promise<unknown>, code: string, status: number) {
  const before = await counts();
  const error = await expectCommandRefusal(run, code, status);
  expect(await counts()).toEqual(before);
  return error;
}

async function lastEvent() {
  const size = await journalSize(t.db);
  const [entry] = await listEntries(t.db, size - 1, 1);
  return { text: entry!.bytes.toString('utf8'), event: JSON.parse(entry!.bytes.toString('utf8')) as { type: string; subject: string; org: string; payload: Record<string, unknown> } };
}

const rawKey = (base64: string) => createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(base64, 'base64').toString('base64url') }, format: 'jwk' });

describe('Signing a verification statement', () => {
  it('signs the canonical document with the verifier organisation’s key, stores its bytes and journals it without personal data', async () => {
    const s = await buildScenario();
    const before = await counts();
    const statement = await sign(s, firstHalf(s));
    expect(await counts()).toEqual({ ...before, statements: before.statements + 1, keys: before.keys + 1, journal: before.journal + 1 });
    expect(statement).toMatchObject({ siteId: s.site.id, mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-06-30', declaredKg: 2500, responsibleKg: 2400, signedByUserId: s.verifier.id });

    const document = JSON.parse(statement.document.toString('utf8'));
    expect(document).toEqual({
      type: 'orebook.verification-statement',
      version: 1,
      site: { code: s.site.code, name: 'Kamilombe' },
      mineral: 'cobalt',
      period: { start: '2024-01-01', end: '2024-06-30' },
      assessment: { id: s.assessment.id, standardVersion: 'V-TEST', baselineCriteria: ['HS-1', 'CR-1'] },
      verifier: { code: s.actor.kind === 'user' ? s.actor.orgCode : '', name: expect.any(String) },
      declaredKg: 2500,
      responsibleKg: 2400,
      statement: {
        en: `All baseline criteria of the standard were met at Kamilombe (${s.site.code}) for cobalt from 1 Jan 2024 to 30 Jun 2024; 2.400 t of contained cobalt were produced responsibly.`,
        fr: expect.stringMatching(/^Tous les critères de base de la norme ont été respectés sur le site Kamilombe .* 2,400 t de cobalt contenu/),
      },
      signedAt: statement.signedAt.toISOString(),
      key: { publicKey: expect.any(String) },
    });
    const [key] = await organisationPublicKeys(t.db, s.verifierOrganisation.id);
    expect(key!.publicKey).toHaveLength(32);
    expect(document.key.publicKey).toBe(key!.publicKey.toString('base64'));
    expect(verify(null, statement.document, rawKey(document.key.publicKey), statement.signature)).toBe(true);

    const { event, text } = await lastEvent();
    expect(event.type).toBe('sites.verification_signed');
    expect(event.subject).toBe(`verification:${statement.id}`);
    expect(event.payload).toEqual({
      statementId: statement.id,
      site: s.site.code,
      mineral: 'cobalt',
      period: { start: '2024-01-01', end: '2024-06-30' },
      responsibleKg: 2400,
      documentSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      signature: statement.signature.toString('base64'),
      verifier: document.verifier.code,
      publicKey: document.key.publicKey,
      keyId: statement.keyId,
      keyCustody: 'registry',
    });
    for (const personal of [s.verifier.displayName, s.verifier.email, s.verifier.code]) expect(text).not.toContain(personal);
  });

  it('reuses the organisation’s key for its next statement', async () => {
    const s = await buildScenario();
    const first = await sign(s, firstHalf(s, { periodEnd: '2024-02-29', responsibleKg: 1000 }));
    const second = await sign(s, firstHalf(s, { periodStart: '2024-03-01', responsibleKg: 1500 }));
    expect(second.keyId).toBe(first.keyId);
    expect(await organisationPublicKeys(t.db, s.verifierOrganisation.id)).toHaveLength(1);
  });

  describe('baseline', () => {
    it('refuses while a baseline criterion is partly met, naming it', async () => {
      const s = await buildScenario({ ratings: { 'HS-1': 'partly_met' } });
      const error = await expectRefusedUnchanged(() => sign(s, firstHalf(s)), 'baseline_not_met', 422);
      expect(error.details).toEqual({ failing: ['HS-1'] });
      expect(error.text.en).toContain('HS-1');
    });

    it('refuses while a baseline criterion is not met or not rated at all', async () => {
      const s = await buildScenario({ ratings: { 'HS-1': 'not_met', 'CR-1': null } });
      const error = await expectRefusedUnchanged(() => sign(s, firstHalf(s)), 'baseline_not_met', 422);
      expect(error.details).toEqual({ failing: ['HS-1', 'CR-1'] });
    });

    it('counts “not applicable” as passing and ignores progress criteria', async () => {
      const s = await buildScenario({ ratings: { 'HS-1': 'met', 'CR-1': 'not_applicable', 'GOV-1': 'not_met' } });
      await expect(sign(s, firstHalf(s))).resolves.toMatchObject({ responsibleKg: 2400 });
    });
  });

  describe('cap at declared production', () => {
    let s: Scenario;
    beforeAll(async () => {
      s = await buildScenario();
    });

    it('refuses more than the contained metal declared in the period, saying how much was declared', async () => {
      const error = await expectRefusedUnchanged(() => sign(s, firstHalf(s, { responsibleKg: 2501 })), 'exceeds_declared_production', 422);
      expect(error.details).toEqual({ declaredKg: 2500 });
      expect(error.text.en).toContain('2.500 t');
      expect(error.text.fr).toContain('2,500 t');
    });

    it('counts a corrected declaration once, at its corrected quantity', async () => {
      const error = await expectRefusedUnchanged(() => sign(s, firstHalf(s, { periodStart: '2024-03-01', responsibleKg: 1501 })), 'exceeds_declared_production', 422);
      expect(error.details).toEqual({ declaredKg: 1500 });
    });

    it('counts neither other minerals nor days outside the period', async () => {
      const error = await expectRefusedUnchanged(() => sign(s, firstHalf(s, { periodStart: '2024-02-01', periodEnd: '2024-02-29', responsibleKg: 1 })), 'exceeds_declared_production', 422);
      expect(error.details).toEqual({ declaredKg: 0 });
    });

    it('accepts exactly the declared quantity', async () => {
      await expect(sign(s, firstHalf(s, { responsibleKg: 2500 }))).resolves.toMatchObject({ declaredKg: 2500, responsibleKg: 2500 });
    });

    it('refuses a quantity that is not a whole number of kilograms above zero', async () => {
      const other = await buildScenario();
      for (const responsibleKg of [0, -5, 2.5]) await expectRefusedUnchanged(() => sign(other, firstHalf(other, { responsibleKg })), 'verification_quantity_invalid', 422);
    });
  });

  describe('overlap', () => {
    let s: Scenario;
    let first: Awaited<ReturnType<typeof sign>>;
    beforeAll(async () => {
      s = await buildScenario();
      first = await sign(s, firstHalf(s, { periodEnd: '2024-03-09', responsibleKg: 1000 }));
    });

    it('refuses a period that shares a day with an earlier statement of the same site and mineral', async () => {
      const error = await expectRefusedUnchanged(() => sign(s, firstHalf(s, { periodStart: '2024-03-09', responsibleKg: 1 })), 'verification_period_overlaps', 409);
      expect(error.details).toEqual({ statementId: first.id });
      await expectRefusedUnchanged(() => sign(s, firstHalf(s, { periodStart: '2024-02-01', periodEnd: '2024-02-02', responsibleKg: 1 })), 'verification_period_overlaps', 409);
    });

    it('accepts the next period, and the same period for another mineral', async () => {
      await expect(sign(s, firstHalf(s, { periodStart: '2024-03-10', responsibleKg: 1500 }))).resolves.toBeTruthy();
      await expect(sign(s, firstHalf(s, { mineral: 'copper', periodEnd: '2024-03-09', responsibleKg: 800 }))).resolves.toBeTruthy();
    });
  });

  describe('assessment, site, period and signer', () => {
    it('refuses a draft assessment', async () => {
      const s = await buildScenario({ status: 'draft' });
      await expectRefusedUnchanged(() => sign(s, firstHalf(s)), 'assessment_not_submitted', 422);
    });

    it('refuses a period outside the assessment’s, or ending before it starts', async () => {
      const s = await buildScenario();
      const error = await expectRefusedUnchanged(() => sign(s, firstHalf(s, { periodEnd: '2024-07-31' })), 'verification_period_outside_assessment', 422);
      expect(error.details).toEqual({ assessmentStart: '2024-01-01', assessmentEnd: '2024-06-30' });
      await expectRefusedUnchanged(() => sign(s, firstHalf(s, { periodStart: '2023-12-31' })), 'verification_period_outside_assessment', 422);
      await expectRefusedUnchanged(() => sign(s, firstHalf(s, { periodStart: '2024-05-01', periodEnd: '2024-04-30' })), 'verification_period_invalid', 422);
      await expectRefusedUnchanged(() => sign(s, firstHalf(s, { periodEnd: '2024-02-30' })), 'verification_period_invalid', 422);
    });

    it('refuses an unknown mineral and an unknown assessment', async () => {
      const s = await buildScenario();
      await expectRefusedUnchanged(() => sign(s, firstHalf(s, { mineral: 'unobtainium' })), 'unknown_mineral', 422);
      await expectRefusedUnchanged(() => sign(s, firstHalf(s, { assessmentId: 999_999 })), 'assessment_not_found', 404);
    });

    it('refuses a site that is not active', async () => {
      const s = await buildScenario();
      await t.db.update(sites).set({ status: 'suspended' }).where(eq(sites.id, s.site.id));
      const error = await expectRefusedUnchanged(() => sign(s, firstHalf(s)), 'site_not_active', 422);
      expect(error.text.fr).toContain('suspendu');
    });

    it('refuses a verifier of another organisation than the one that assessed', async () => {
      const s = await buildScenario();
      const other = await buildScenario();
      await expectRefusedUnchanged(() => sign(s, firstHalf(s), other.actor), 'not_assessing_verifier', 403);
    });

    it('refuses every role but verifier', async () => {
      const s = await buildScenario();
      const admin: Actor = { kind: 'system', orgId: null, orgCode: null, role: 'admin' };
      await expectRefusedUnchanged(() => sign(s, firstHalf(s), admin), 'forbidden', 403);
      await expectRefusedUnchanged(() => sign(s, firstHalf(s), { kind: 'anonymous', role: 'public' }), 'unauthenticated', 401);
    });
  });
});

describe('Two overlapping statements signed at once', () => {
  it('lets exactly one succeed, and the other gets verification_period_overlaps', async () => {
    const s = await buildScenario();
    // The organisation has its key already, so both signings race to the insert itself.
    await sign(s, firstHalf(s, { mineral: 'copper', responsibleKg: 800 }));
    const before = await counts();
    const results = await Promise.allSettled([
      sign(s, firstHalf(s, { periodEnd: '2024-03-31', responsibleKg: 1000 })),
      sign(s, firstHalf(s, { periodStart: '2024-03-01', responsibleKg: 1500 })),
    ]);
    const succeeded = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(succeeded).toHaveLength(1);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.reason).toBeInstanceOf(AppError);
    expect((failed[0]!.reason as AppError).code).toBe('verification_period_overlaps');
    expect((failed[0]!.reason as AppError).details).toEqual({ statementId: (succeeded[0] as PromiseFulfilledResult<{ id: number }>).value.id });
    expect(await counts()).toEqual({ ...before, statements: before.statements + 1, journal: before.journal + 1 });
  });

  it('gives a new verifier organisation one key, however many of its first signings run at once', async () => {
    const s = await buildScenario();
    const results = await Promise.allSettled([
      sign(s, firstHalf(s, { periodEnd: '2024-01-31', responsibleKg: 1000 })),
      sign(s, firstHalf(s, { mineral: 'copper', responsibleKg: 800 })),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await organisationPublicKeys(t.db, s.verifierOrganisation.id)).toHaveLength(1);
  });

  it.runIf(process.env.DATABASE_URL)('on PostgreSQL, the EXCLUDE constraint refuses a signing that checked before the other committed', async () => {
    const s = await buildScenario();
    await sign(s, firstHalf(s, { mineral: 'copper', responsibleKg: 800 }));
    const before = await counts();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let firstInserted = false;
    const first = runCommand(t.db, s.actor, async (ctx) => {
      const statement = await signVerificationStatement(ctx, firstHalf(s, { periodEnd: '2024-03-31', responsibleKg: 1000 }));
      firstInserted = true;
      await gate;
      return statement;
    });
    // Wait until the first has inserted its statement (and holds it, uncommitted).
    while (!firstInserted) await new Promise((resolve) => setTimeout(resolve, 10));
    // Its refusal is caught at once: it may come as soon as the first commits, before `await first` returns.
    const second = sign(s, firstHalf(s, { periodStart: '2024-03-01', responsibleKg: 1500 })).then(() => null, (e: unknown) => e as AppError);
    // The second passed its own check (it cannot see the uncommitted statement) and now waits on the constraint.
    while (rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from pg_locks l join pg_stat_activity a on a.pid = l.pid where not l.granted and a.datname = current_database()`))[0]!.n === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    release();
    const signed = await first;
    const error = await second;
    expect(error?.code).toBe('verification_period_overlaps');
    expect(error?.status).toBe(409);
    expect(error?.details).toEqual({ statementId: signed.id });
    expect(await counts()).toEqual({ ...before, statements: before.statements + 1, journal: before.journal + 1 });
  });
});

describe('Drawing from a statement (the registry’s interface)', () => {
  let statementId: number;

  /** Runs draws as the registry will: inside its own command, which appends the one event. */
  const asRegistry = <T,>(work: (ctx: CommandContext) => Promise<T>) =>
    runCommand(t.db, { kind: 'system', orgId: null, orgCode: null, role: 'admin' }, async (ctx) => {
      const result = await work(ctx);
      await appendEvent(ctx, { type: 'test.registry_command', subject: 'test:draw', payload: {} });
      return result;
    });
  const draw = (quantityKg: number, id = statementId, reference = 'batch RMC-TEST') => asRegistry((ctx) => drawFromVerification(ctx, { statementId: id, quantityKg, reference }));
  const restore = (quantityKg: number, id = statementId) => asRegistry((ctx) => restoreToVerification(ctx, { statementId: id, quantityKg, reference: 'cancel RMC-TEST' }));

  beforeAll(async () => {
    const s = await buildScenario();
    statementId = (await sign(s, firstHalf(s))).id;
  });

  it('issues from the responsible quantity and gives back on cancellation, never above it nor below zero', async () => {
    expect(await remainingIssuableKg(t.db, statementId)).toBe(2400);
    expect(await draw(1000)).toMatchObject({ remainingKg: 1400, draw: { quantityKg: 1000, reference: 'batch RMC-TEST' } });
    expect(await restore(300)).toMatchObject({ remainingKg: 1700, draw: { quantityKg: -300 } });
    expect(await remainingIssuableKg(t.db, statementId)).toBe(1700);

    const tooMuchBack = await expectRefusedUnchanged(() => restore(701), 'exceeds_drawn_quantity', 422);
    expect(tooMuchBack.details).toEqual({ drawnKg: 700 });
    const tooMuch = await expectRefusedUnchanged(() => draw(1701), 'exceeds_issuable_quantity', 422);
    expect(tooMuch.details).toEqual({ remainingKg: 1700 });
    expect(tooMuch.text.en).toContain('1.700 t');

    expect(await draw(1700)).toMatchObject({ remainingKg: 0 });
    await expectRefusedUnchanged(() => draw(1), 'exceeds_issuable_quantity', 422);
    expect(await restore(2400)).toMatchObject({ remainingKg: 2400 });
    await expectRefusedUnchanged(() => restore(1), 'exceeds_drawn_quantity', 422);
    expect(await remainingIssuableKg(t.db, statementId)).toBe(2400);
  });

  it('refuses quantities that are not whole kilograms above zero, a missing reference and an unknown statement', async () => {
    for (const quantity of [0, -1, 0.5, Number.MAX_SAFE_INTEGER + 2]) {
      await expectRefusedUnchanged(() => draw(quantity), 'draw_quantity_invalid', 422);
      await expectRefusedUnchanged(() => restore(quantity), 'draw_quantity_invalid', 422);
    }
    await expectRefusedUnchanged(() => draw(1, statementId, '  '), 'draw_reference_missing', 422);
    await expectRefusedUnchanged(() => draw(1, 999_999), 'verification_not_found', 404);
    expect(await remainingIssuableKg(t.db, 999_999)).toBeNull();
  });

  it('lets the concurrent draws that fit succeed and refuses the rest', async () => {
    const s = await buildScenario();
    const { id } = await sign(s, firstHalf(s, { responsibleKg: 1000 }));
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => draw(300, id)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const failure of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect((failure.reason as AppError).code).toBe('exceeds_issuable_quantity');
    expect(await remainingIssuableKg(t.db, id)).toBe(100);
    const [drawn] = rowsOf<{ kg: number }>(await t.db.execute(sql`select coalesce(sum(quantity_kg), 0)::int as kg from verification_draws where statement_id = ${id}`));
    expect(drawn!.kg).toBe(900);
  });
});

const anonymousGet = async <T,>(url: string) => {
  const response = await t.app.request(url);
  return { status: response.status, text: await response.clone().text(), body: (await response.json()) as T };
};

type PublicStatement = {
  id: number;
  document: string;
  parsed: { site: { code: string }; responsibleKg: number };
  signature: string;
  publicKey: string;
  algorithm: string;
  signatureValid: boolean;
  signatureProblem: string | null;
  remainingIssuableKg: number;
  issuedKg: number;
  verifier: { code: string };
};

describe('The public statement and its signature', () => {
  let s: Scenario;
  let statementId: number;
  beforeAll(async () => {
    s = await buildScenario();
    statementId = (await sign(s, firstHalf(s))).id;
    await runCommand(t.db, { kind: 'system', orgId: null, orgCode: null, role: 'admin' }, async (ctx) => {
      await drawFromVerification(ctx, { statementId, quantityKg: 400, reference: 'batch 1' });
      await appendEvent(ctx, { type: 'test.registry_command', subject: 'test:draw', payload: {} });
    });
  });

  it('is answered to anyone, with the exact signed bytes, the signature and the key, and checks with node:crypto alone', async () => {
    const { status, body } = await anonymousGet<PublicStatement>(`/api/v1/verifications/${statementId}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: statementId, algorithm: 'Ed25519', signatureValid: true, signatureProblem: null, remainingIssuableKg: 2000, issuedKg: 400, parsed: { site: { code: s.site.code }, responsibleKg: 2400 } });
    const document = Buffer.from(body.document, 'base64');
    const signature = Buffer.from(body.signature, 'base64');
    expect(verify(null, document, rawKey(body.publicKey), signature)).toBe(true);

    for (const position of [0, 40, document.length - 2]) {
      const tampered = Buffer.from(document);
      tampered[position]! ^= 1;
      expect(verify(null, tampered, rawKey(body.publicKey), signature)).toBe(false);
    }
    const badSignature = Buffer.from(signature);
    badSignature[10]! ^= 1;
    expect(verify(null, document, rawKey(body.publicKey), badSignature)).toBe(false);
  });

  it('carries no personal data', async () => {
    const answers = [
      (await anonymousGet(`/api/v1/verifications/${statementId}`)).text,
      (await anonymousGet(`/api/v1/sites/${s.site.code}/verifications`)).text,
      await (await t.app.request(`/verifications/${statementId}`)).text(),
    ];
    for (const answer of answers) {
      for (const personal of [s.verifier.displayName, s.verifier.email, s.verifier.code, 'signedBy']) expect(answer).not.toContain(personal);
    }
  });

  it('lists the site’s statements, by mineral', async () => {
    const all = await anonymousGet<{ verifications: { id: number; mineral: string; remainingIssuableKg: number; signatureValid: boolean }[] }>(`/api/v1/sites/${s.site.code}/verifications`);
    expect(all.body.verifications).toEqual([expect.objectContaining({ id: statementId, mineral: 'cobalt', remainingIssuableKg: 2000, signatureValid: true })]);
    expect((await anonymousGet<{ verifications: unknown[] }>(`/api/v1/sites/${s.site.code}/verifications?mineral=copper`)).body.verifications).toEqual([]);
    expect((await anonymousGet(`/api/v1/sites/NOPE/verifications`)).status).toBe(404);
    expect((await listVerifications(t.db, { siteId: s.site.id })).map((v) => v.id)).toEqual([statementId]);
  });

  it('publishes the verifier organisation’s keys, never the private half', async () => {
    const statement = await anonymousGet<PublicStatement>(`/api/v1/verifications/${statementId}`);
    const keys = await anonymousGet<{ organisation: string; keys: { publicKey: string; algorithm: string; createdAt: string; retiredAt: string | null }[] }>(
      `/api/v1/organisations/${statement.body.verifier.code}/verifier-keys`,
    );
    expect(keys.status).toBe(200);
    expect(keys.body).toEqual({
      organisation: statement.body.verifier.code,
      custody: 'registry',
      keys: [{ id: expect.any(Number), algorithm: 'Ed25519', publicKey: statement.body.publicKey, custody: 'registry', createdAt: expect.any(String), retiredAt: null }],
    });
    expect(keys.text).not.toMatch(/private/i);
    expect((await anonymousGet('/api/v1/organisations/no-such-org/verifier-keys')).status).toBe(404);
  });

  it('answers an unknown statement with 404 verification_not_found', async () => {
    const { status, body } = await anonymousGet<{ error: { code: string } }>('/api/v1/verifications/999999');
    expect(status).toBe(404);
    expect(body.error.code).toBe('verification_not_found');
  });

  describe('after one byte of the stored document is changed behind the registry’s back', () => {
    let tamperedId: number;
    beforeAll(async () => {
      const other = await buildScenario();
      tamperedId = (await sign(other, firstHalf(other))).id;
      await t.db.execute(sql`alter table verification_statements disable trigger verification_statements_append_only`);
      const field = '"responsibleKg":';
      await t.db.execute(
        sql`update verification_statements set document = overlay(document placing convert_to('9', 'UTF8') from position(convert_to(${`${field}2400`}, 'UTF8') in document) + ${field.length} for 1) where id = ${tamperedId}`,
      );
      await t.db.execute(sql`alter table verification_statements enable trigger verification_statements_append_only`);
    });

    it('the API says the signature is not valid', async () => {
      const { body } = await anonymousGet<PublicStatement>(`/api/v1/verifications/${tamperedId}`);
      expect(body.parsed.responsibleKg).toBe(9400);
      expect(body).toMatchObject({ signatureValid: false, signatureProblem: 'signature_mismatch' });
      expect(verify(null, Buffer.from(body.document, 'base64'), rawKey(body.publicKey), Buffer.from(body.signature, 'base64'))).toBe(false);
      const row = await getVerification(t.db, tamperedId);
      expect(verifyStatementSignature(row!)).toEqual({ valid: false, reason: 'signature_mismatch' });
    });

    it('the page says so', async () => {
      const html = await (await t.app.request(`/verifications/${tamperedId}`)).text();
      expect(html).toContain('Signature INVALID');
      expect(html).not.toContain('Signature valid<');
    });

    it('nothing can be drawn from it', async () => {
      await expectRefusedUnchanged(
        () =>
          runCommand(t.db, { kind: 'system', orgId: null, orgCode: null, role: 'admin' }, async (ctx) => {
            await drawFromVerification(ctx, { statementId: tamperedId, quantityKg: 1, reference: 'batch' });
            await appendEvent(ctx, { type: 'test.registry_command', subject: 'test:draw', payload: {} });
          }),
        'verification_signature_invalid',
        409,
      );
    });
  });
});

describe('docs/verifications.md: checking a statement offline', () => {
  type CheckStatement = (statement: unknown, keys: { publicKey: string; retiredAt: string | null }[]) => { responsibleKg: number };
  type CheckStatementAt = (options: { baseUrl: string; id: number; publicKey?: string; fetch: (url: string) => Promise<Response> }) => Promise<{ responsibleKg: number }>;
  let checkStatement: CheckStatement;
  let checkStatementAt: CheckStatementAt;
  let tmpDir: string;
  let statement: PublicStatement;
  let keys: { publicKey: string; retiredAt: string | null }[];
  const appFetch = async (url: string) => {
    const { pathname, search } = new URL(url);
    return t.app.request(pathname + search);
  };

  beforeAll(async () => {
    const doc = fs.readFileSync(path.resolve(import.meta.dirname, '../../docs/verifications.md'), 'utf8');
    const source = /<!-- check-statement -->\n```js\n([\s\S]*?)\n```\n/.exec(doc)?.[1];
    if (!source) throw new Error('docs/verifications.md has no ```js block after <!-- check-statement -->');
    expect(source).not.toMatch(/from '(?!node:)/);
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'orebook-verifications-doc-'));
    const file = path.join(tmpDir, 'check.mjs');
    fs.writeFileSync(file, source);
    ({ checkStatement, checkStatementAt } = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as { checkStatement: CheckStatement; checkStatementAt: CheckStatementAt });
    vi.spyOn(console, 'log').mockImplementation(() => undefined);

    const s = await buildScenario();
    const { id } = await sign(s, firstHalf(s));
    statement = (await anonymousGet<PublicStatement>(`/api/v1/verifications/${id}`)).body;
    keys = (await anonymousGet<{ keys: typeof keys }>(`/api/v1/organisations/${statement.verifier.code}/verifier-keys`)).body.keys;
  });
  afterAll(() => {
    vi.restoreAllMocks();
    if (tmpDir) fs.rmSync(tmpDir, { recursive: true, force: true });
  });

  it('accepts a statement with the verifier’s key, from saved answers or from the server', async () => {
    expect(checkStatement(statement, keys).responsibleKg).toBe(2400);
    expect((await checkStatementAt({ baseUrl: 'http://orebook.test', id: statement.id, fetch: appFetch })).responsibleKg).toBe(2400);
    expect((await checkStatementAt({ baseUrl: 'http://orebook.test', id: statement.id, publicKey: statement.publicKey, fetch: appFetch })).responsibleKg).toBe(2400);
    expect(console.log).toHaveBeenLastCalledWith(expect.stringMatching(/^OK statement signed by /));
  });

  it('refuses the statement after one changed byte of the document or of the signature', () => {
    const document = Buffer.from(statement.document, 'base64');
    document[document.indexOf('"responsibleKg":2400') + 16] = '3'.charCodeAt(0);
    expect(() => checkStatement({ ...statement, document: document.toString('base64') }, keys)).toThrow(/signature does not match/);
    const signature = Buffer.from(statement.signature, 'base64');
    signature[0]! ^= 1;
    expect(() => checkStatement({ ...statement, signature: signature.toString('base64') }, keys)).toThrow(/signature does not match/);
  });

  it('refuses a key you do not trust, and a key retired before the signing', () => {
    const stranger = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
    expect(() => checkStatement(statement, [{ publicKey: Buffer.from(stranger, 'base64url').toString('base64'), retiredAt: null }])).toThrow(/do not trust/);
    expect(() => checkStatement(statement, [{ publicKey: statement.publicKey, retiredAt: '2020-01-01T00:00:00.000Z' }])).toThrow(/retired/);
  });
});

describe('Role matrix of POST /api/v1/sites/{code}/verifications', () => {
  let s: Scenario;
  let ownSite: Scenario;
  const tokens: Record<'assessor' | 'otherVerifier' | 'operatorVerifier' | 'admin' | 'cooperative' | 'buyer', string> = {
    assessor: '',
    otherVerifier: '',
    operatorVerifier: '',
    admin: '',
    cooperative: '',
    buyer: '',
  };
  const bearer = async (role: 'verifier' | 'admin' | 'cooperative' | 'buyer', organisationId?: number) =>
    `Bearer ${(await t.buildToken({ role, ...(organisationId ? { organisationId } : {}) })).token}`;
  beforeAll(async () => {
    s = await buildScenario();
    ownSite = await buildScenario({ operatedByVerifier: true });
    tokens.assessor = await bearer('verifier', s.verifierOrganisation.id);
    tokens.otherVerifier = await bearer('verifier', (await t.buildOrganisation({ kind: 'verifier' })).id);
    tokens.operatorVerifier = await bearer('verifier', ownSite.verifierOrganisation.id);
    tokens.admin = await bearer('admin');
    tokens.cooperative = await bearer('cooperative', s.cooperative.id);
    tokens.buyer = await bearer('buyer');
  });
  let before: Awaited<ReturnType<typeof counts>>;
  beforeEach(async () => {
    before = await counts();
  });

  const post = async (scenario: Scenario, authorization: string | null, body: Record<string, unknown> = firstHalf(scenario), headers: Record<string, string> = {}) =>
    t.app.request(`/api/v1/sites/${scenario.site.code}/verifications`, jsonRequest('POST', body, { ...headers, ...(authorization ? { authorization } : {}) }));
  async function expectApiRefusal(response: Response, status: number, code: string) {
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect({ status: response.status, code: body.error.code }).toEqual({ status, code });
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(await counts()).toEqual(before);
  }

  it('allows a verifier of the organisation that assessed', async () => {
    const response = await post(s, tokens.assessor);
    expect(response.status, await response.clone().text()).toBe(201);
    expect(await response.json()).toMatchObject({ signatureValid: true, remainingIssuableKg: 2400, issuedKg: 0 });
    expect(await counts()).toEqual({ ...before, statements: before.statements + 1, keys: before.keys + 1, journal: before.journal + 1 });
    before = await counts();
    // The same statement again overlaps the first.
    await expectApiRefusal(await post(s, tokens.assessor), 409, 'verification_period_overlaps');
  });

  it('lets everyone read statements, a site’s list and an organisation’s keys', async () => {
    const [statement] = await listVerifications(t.db);
    for (const authorization of [...Object.values(tokens), null]) {
      for (const url of [`/api/v1/verifications/${statement!.id}`, `/api/v1/sites/${statement!.siteCode}/verifications`, `/api/v1/organisations/${statement!.verifierCode}/verifier-keys`]) {
        const response = await t.app.request(url, authorization ? { headers: { authorization } } : {});
        expect(response.status, url).toBe(200);
      }
      expect((await t.app.request(`/verifications/${statement!.id}`, authorization ? { headers: { authorization } } : {})).status).toBe(200);
    }
  });

  it('refuses a verifier of another organisation', async () => {
    await expectApiRefusal(await post(s, tokens.otherVerifier, firstHalf(s, { mineral: 'copper', responsibleKg: 800 })), 403, 'not_assessing_verifier');
  });

  it('refuses a verifier of the organisation that operates the site', async () => {
    await expectApiRefusal(await post(ownSite, tokens.operatorVerifier), 403, 'forbidden');
  });

  it('refuses the secretariat, the site’s cooperative and a buyer', async () => {
    for (const authorization of [tokens.admin, tokens.cooperative, tokens.buyer]) {
      await expectApiRefusal(await post(s, authorization, firstHalf(s, { mineral: 'copper', responsibleKg: 800 })), 403, 'forbidden');
    }
  });

  it('asks an anonymous caller to sign in', async () => {
    await expectApiRefusal(await post(s, null, firstHalf(s, { mineral: 'copper', responsibleKg: 800 })), 401, 'unauthenticated');
  });

  it('refuses bad input with 400, an assessment of another site and an unknown site with 404', async () => {
    const copper = firstHalf(s, { mineral: 'copper', responsibleKg: 800 });
    await expectApiRefusal(await post(s, tokens.assessor, { ...copper, responsibleKg: 2.5 }), 400, 'validation_failed');
    await expectApiRefusal(await post(s, tokens.assessor, { ...copper, periodEnd: '30/06/2024' }), 400, 'validation_failed');
    await expectApiRefusal(await post(s, tokens.assessor, { ...copper, signedBy: 'me' }), 400, 'validation_failed');
    await expectApiRefusal(await post(s, tokens.assessor, { ...copper, assessmentId: ownSite.assessment.id }), 404, 'assessment_not_found');
    const response = await t.app.request('/api/v1/sites/NOPE/verifications', jsonRequest('POST', copper, { authorization: tokens.assessor }));
    await expectApiRefusal(response, 404, 'not_found');
  });

  it('answers in the reader’s language', async () => {
    const other = await buildScenario({ ratings: { 'CR-1': 'not_met' } });
    const authorization = await bearer('verifier', other.verifierOrganisation.id);
    before = await counts();
    const response = await post(other, authorization, firstHalf(other), { 'accept-language': 'fr' });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { error: { code: string; message: string; details: unknown } };
    expect(body.error).toEqual({ code: 'baseline_not_met', message: expect.stringContaining('critère de base'), details: { failing: ['CR-1'] } });
    expect(await counts()).toEqual(before);
  });
});

describe('OpenAPI', () => {
  it('describes the verification routes in a valid OpenAPI 3.1 document', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    const operations = Object.entries(document.paths).flatMap(([route, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${route}`));
    expect(operations).toEqual(
      expect.arrayContaining(['POST /sites/{code}/verifications', 'GET /sites/{code}/verifications', 'GET /verifications/{id}', 'GET /organisations/{code}/verifier-keys']),
    );
  });
});

describe('Pages', () => {
  type Client = Awaited<ReturnType<TestContext['signIn']>>;
  let s: Scenario;
  let verifier: Client;
  const form = (fields: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const fields = (extra: Record<string, string> = {}) => ({ assessment: String(s.assessment.id), mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-06-30', quantity: '2,4', ...extra });

  beforeAll(async () => {
    s = await buildScenario();
    verifier = await t.signIn(s.verifier.email, s.verifier.password);
  });

  it('shows the verifier the baseline status and the declared production of the assessment period', async () => {
    const response = await verifier.request(`/sites/${s.site.code}/verifications/new?assessment=${s.assessment.id}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('All baseline criteria met');
    expect(html).toContain('2.500 t');
    expect(html).toContain('0.800 t');
    expect(html).toContain('name="quantity"');
    expect(html).toContain('<caption>');
  });

  it('keeps the form and explains a quantity it cannot read', async () => {
    const response = await verifier.request(`/sites/${s.site.code}/verifications/confirm`, form(fields({ quantity: '2.5 t' })));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('There is a problem');
    expect(html).toContain('Enter the quantity in tonnes');
    expect(html).toContain('value="2.5 t"');
  });

  it('puts a refused rule beside its field', async () => {
    const response = await verifier.request(`/sites/${s.site.code}/verifications/confirm`, form(fields({ quantity: '2.6' })));
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('cannot be more than the 2.500 t of contained metal declared');
  });

  it('restates exactly what will be signed, then signs and shows the statement with its signature check', async () => {
    const before = await counts();
    const confirm = await verifier.request(`/sites/${s.site.code}/verifications/confirm`, form(fields()));
    expect(confirm.status).toBe(200);
    const page = await confirm.text();
    expect(page).toContain('You are about to sign');
    expect(page).toContain('2.400 t of contained cobalt');
    expect(page).toContain('This cannot be undone.');
    expect(page).toContain('2,400 t de cobalt contenu');
    expect(page).toContain('value="2.400"');
    expect(await counts()).toEqual(before);

    const signed = await verifier.request(`/sites/${s.site.code}/verifications`, form(fields({ quantity: '2.400' })));
    expect(signed.status).toBe(303);
    const location = signed.headers.get('location')!;
    expect(location).toMatch(/^\/verifications\/\d+\?signed=1$/);
    const view = await (await t.app.request(location)).text();
    expect(view).toContain('Statement signed.');
    expect(view).toContain('Signature valid');
    expect(view).toContain('2.400 t');
    expect(view).toContain('/docs/verifications.md');
    expect(view).toContain('<details>');
    const french = await (await t.app.request(`${location.split('?')[0]}?lang=fr`)).text();
    expect(french).toContain('Signature valide');
    expect(french).toContain('2,400 t');
    expect(french).toContain('Tous les critères de base');

    const formAfter = await (await verifier.request(`/sites/${s.site.code}/verifications/new?assessment=${s.assessment.id}`)).text();
    expect(formAfter).toContain('Statements already signed for this site');
    expect(formAfter).toContain(`href="${location.split('?')[0]}"`);

    const again = await verifier.request(`/sites/${s.site.code}/verifications/confirm`, form(fields()));
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('overlaps statement');
  });

  it('tells the verifier why an assessment cannot be signed yet, without a form', async () => {
    const failing = await buildScenario({ ratings: { 'HS-1': 'not_met' } });
    const client = await t.signIn(failing.verifier.email, failing.verifier.password);
    const html = await (await client.request(`/sites/${failing.site.code}/verifications/new?assessment=${failing.assessment.id}`)).text();
    expect(html).toContain('Baseline not met');
    expect(html).toContain('A statement cannot be signed from this assessment yet');
    expect(html).not.toContain('name="quantity"');
  });

  it('is for the assessing verifier only', async () => {
    const url = `/sites/${s.site.code}/verifications/new?assessment=${s.assessment.id}`;
    const anonymous = await t.app.request(url);
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
    const buyer = await t.buildUser({ role: 'buyer' });
    expect((await (await t.signIn(buyer.email, buyer.password)).request(url)).status).toBe(403);
    const other = await buildScenario();
    expect((await (await t.signIn(other.verifier.email, other.verifier.password)).request(url)).status).toBe(403);
    expect((await verifier.request(`/sites/${s.site.code}/verifications/new?assessment=999999`)).status).toBe(404);
  });

  it('reads tonnes as people type them', () => {
    expect(parseTypedTonnes('2.5')).toBe(2500);
    expect(parseTypedTonnes('2,5')).toBe(2500);
    expect(parseTypedTonnes('1 250.125')).toBe(1_250_125);
    expect(parseTypedTonnes('0.001')).toBe(1);
    for (const wrong of ['', '0', '0.000', '2.5555', '-1', '1,234.5', 'abc']) expect(parseTypedTonnes(wrong)).toBeNull();
  });
});

describe('Queries', () => {
  it('count every draw, however it was made', async () => {
    const s = await buildScenario();
    const { id } = await sign(s, firstHalf(s));
    await t.db.insert(verificationDraws).values({ statementId: id, quantityKg: 100, reference: 'direct' });
    expect((await getVerification(t.db, id))!.drawnKg).toBe(100);
    expect(await remainingIssuableKg(t.db, id)).toBe(2300);
  });
});
