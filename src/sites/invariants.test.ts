import { problemsAfter as problemsOf } from '../../test/invariants.ts';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import { insertSite } from '../../test/factories/sites.ts';
import type { Actor } from '../core/auth/roles.ts';
import type { Queryable, Transaction } from '../db/connect.ts';
import { appendEvent, runCommand } from '../journal/public.ts';
import { drawFromVerification } from './commands/verifications/draw-from-verification.ts';
import { signVerificationStatement } from './commands/verifications/sign-verification-statement.ts';
import { sitesInvariants } from './invariants.ts';
import { assessmentResponses, assessments, productionDeclarations, sites, standardCriteria, standardVersions } from './schema.ts';

let t: TestContext;
let siteId: number;
let cooperativeId: number;
let statementIds: number[];
let declarationIds: { cobalt: number; copper: number; corrected: number; correction: number };

async function declare(props: { mineral?: string; producedOn: string; containedKg: number; correctsId?: number }, db: Queryable = t.db) {
  const dryOreKg = props.containedKg * 40;
  const [row] = await db
    .insert(productionDeclarations)
    .values({
      siteId,
      mineral: props.mineral ?? 'cobalt',
      producedOn: props.producedOn,
      wetOreKg: dryOreKg,
      dryOreKg,
      gradeBasisPoints: 250,
      containedKg: props.containedKg,
      buyer: 'EGC',
      correctsId: props.correctsId ?? null,
      correctionReason: props.correctsId ? 'corrected' : null,
    })
    .returning();
  return row!.id;
}

/**
 * One site with two signed cobalt statements (January–March, April–June) and a draw on the first,
 * and production declared with one correction: a consistent state that every check passes.
 */
beforeAll(async () => {
  t = await createTestContext();
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  cooperativeId = cooperative.id;
  const verifierOrganisation = await t.buildOrganisation({ kind: 'verifier', code: 'audit-rdc' });
  siteId = (await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code: 'KAM', name: 'Kamilombe' })).site.id;
  const [version] = await t.db.insert(standardVersions).values({ version: 'V-INV', status: 'published', publishedAt: new Date() }).returning();
  const [criterion] = await t.db
    .insert(standardCriteria)
    .values({ versionId: version!.id, code: 'HS-1', area: 'health_safety', level: 'baseline', position: 1, textEn: 'x', textFr: 'x', guidanceEn: '', guidanceFr: '' })
    .returning();
  const [assessment] = await t.db
    .insert(assessments)
    .values({ siteId, verifierOrganisationId: verifierOrganisation.id, standardVersionId: version!.id, periodStart: '2024-01-01', periodEnd: '2024-06-30', status: 'submitted', submittedAt: new Date() })
    .returning();
  await t.db.insert(assessmentResponses).values({ assessmentId: assessment!.id, criterionId: criterion!.id, rating: 'met' });
  const cobalt = await declare({ producedOn: '2024-02-01', containedKg: 3000 });
  const corrected = await declare({ producedOn: '2024-05-01', containedKg: 2000 });
  const correction = await declare({ producedOn: '2024-05-01', containedKg: 1800, correctsId: corrected });
  const copper = await declare({ mineral: 'copper', producedOn: '2024-02-01', containedKg: 500 });
  declarationIds = { cobalt, copper, corrected, correction };

  const verifier = await t.buildUser({ role: 'verifier', organisationId: verifierOrganisation.id });
  const actor: Actor = { kind: 'user', userId: verifier.id, orgId: verifierOrganisation.id, orgCode: verifierOrganisation.code, orgKind: 'verifier', role: 'verifier', displayName: verifier.displayName };
  const sign = (periodStart: string, periodEnd: string, responsibleKg: number) =>
    runCommand(t.db, actor, (ctx) => signVerificationStatement(ctx, { assessmentId: assessment!.id, mineral: 'cobalt', periodStart, periodEnd, responsibleKg }));
  statementIds = [(await sign('2024-01-01', '2024-03-31', 2500)).id, (await sign('2024-04-01', '2024-06-30', 1800)).id];
  await runCommand(t.db, { kind: 'system', orgId: null, orgCode: null, role: 'admin' }, async (ctx) => {
    await drawFromVerification(ctx, { statementId: statementIds[0]!, quantityKg: 1000, reference: 'batch 1' });
    await appendEvent(ctx, { type: 'test.registry_command', subject: 'test:draw', payload: {} });
  });
});
afterAll(() => t?.close());

const problemsAfter = (change: (tx: Transaction) => Promise<void>) => problemsOf(t.db, sitesInvariants, change);

/** Changes stored statements the way only someone with direct database access could. */
async function tamperWithStatements(tx: Transaction, update: ReturnType<typeof sql>) {
  await tx.execute(sql`alter table verification_statements disable trigger verification_statements_append_only`);
  await tx.execute(update);
  await tx.execute(sql`alter table verification_statements enable trigger verification_statements_append_only`);
}

describe('The sites module’s invariants', () => {
  it('each has an id and a description, and all pass on a consistent database', async () => {
    expect(sitesInvariants.map((i) => i.id)).toEqual([
      'sites.verification_signatures',
      'sites.verification_draws',
      'sites.verification_no_overlap',
      'sites.verification_within_declared',
      'sites.production_corrections',
    ]);
    for (const invariant of sitesInvariants) expect(invariant.description.length).toBeGreaterThan(20);
    expect(await problemsAfter(async () => undefined)).toEqual({});
  });

  describe('signatures', () => {
    it('reports a statement whose stored document lost its signature by one changed byte', async () => {
      const problems = await problemsAfter((tx) =>
        tamperWithStatements(
          tx,
          sql`update verification_statements set document = overlay(document placing convert_to('3', 'UTF8') from position(convert_to('"responsibleKg":2500', 'UTF8') in document) + 16 for 1) where id = ${statementIds[0]}`,
        ),
      );
      expect(problems).toEqual({
        'sites.verification_signatures': [
          `verification statement ${statementIds[0]} (KAM, cobalt, 2024-01-01 to 2024-03-31): the signature does not match the stored document bytes`,
          `verification statement ${statementIds[0]}: its document and its row disagree: responsible kg is 3500 in the document, 2500 in the row`,
        ],
      });
    });

    it('reports a changed signature', async () => {
      const problems = await problemsAfter((tx) =>
        tamperWithStatements(tx, sql`update verification_statements set signature = set_byte(signature, 0, (get_byte(signature, 0) + 1) % 256) where id = ${statementIds[1]}`),
      );
      expect(problems['sites.verification_signatures']).toEqual([
        `verification statement ${statementIds[1]} (KAM, cobalt, 2024-04-01 to 2024-06-30): the signature does not match the stored document bytes`,
      ]);
    });

    it('reports a row whose columns no longer say what was signed, even with an intact signature', async () => {
      const problems = await problemsAfter((tx) =>
        tamperWithStatements(tx, sql`update verification_statements set responsible_kg = 1500, period_end = '2024-03-30' where id = ${statementIds[0]}`),
      );
      expect(problems).toEqual({
        'sites.verification_signatures': [
          `verification statement ${statementIds[0]}: its document and its row disagree: period end is 2024-03-31 in the document, 2024-03-30 in the row; responsible kg is 2500 in the document, 1500 in the row`,
        ],
      });
    });

    it('reports a statement signed after its key was retired', async () => {
      const problems = await problemsAfter(async (tx) => {
        await tx.execute(sql`update organisation_keys set retired_at = '2024-01-01T00:00:00Z' where id = (select key_id from verification_statements where id = ${statementIds[0]})`);
      });
      expect(problems['sites.verification_signatures']).toEqual([
        `verification statement ${statementIds[0]} (KAM, cobalt, 2024-01-01 to 2024-03-31): it was signed after its key was retired`,
        `verification statement ${statementIds[1]} (KAM, cobalt, 2024-04-01 to 2024-06-30): it was signed after its key was retired`,
      ]);
    });

    it('reports a statement moved onto another key', async () => {
      const problems = await problemsAfter(async (tx) => {
        // Another key of the organisation: a public key is registered once, and an organisation has one active key.
        await tx.execute(
          sql`insert into organisation_keys (organisation_id, public_key, private_key_pkcs8, retired_at) select organisation_id, set_byte(public_key, 0, (get_byte(public_key, 0) + 1) % 256), private_key_pkcs8, now() from organisation_keys where id = (select key_id from verification_statements where id = ${statementIds[1]})`,
        );
        await tamperWithStatements(tx, sql`update verification_statements set key_id = (select max(id) from organisation_keys) where id = ${statementIds[1]}`);
      });
      expect(problems['sites.verification_signatures']).toEqual([expect.stringMatching(new RegExp(`^verification statement ${statementIds[1]} .*(signature does not match|not a valid Ed25519)`))]);
    });
  });

  describe('draws', () => {
    it('reports more drawn than was produced responsibly', async () => {
      const problems = await problemsAfter(async (tx) => {
        await tx.execute(sql`insert into verification_draws (statement_id, quantity_kg, reference) values (${statementIds[0]}, 1501, 'bypassing the lock')`);
      });
      expect(problems).toEqual({ 'sites.verification_draws': [`verification statement ${statementIds[0]}: 2501 kg drawn, more than its 2500 kg produced responsibly`] });
    });

    it('reports more given back than was drawn', async () => {
      const problems = await problemsAfter(async (tx) => {
        await tx.execute(sql`insert into verification_draws (statement_id, quantity_kg, reference) values (${statementIds[1]}, -1, 'bypassing the lock')`);
      });
      expect(problems).toEqual({ 'sites.verification_draws': [`verification statement ${statementIds[1]}: more was given back than drawn (net draws -1 kg)`] });
    });
  });

  it('reports two statements of a site and mineral that overlap (with the EXCLUDE constraint dropped)', async () => {
    const problems = await problemsAfter(async (tx) => {
      await tx.execute(sql`alter table verification_statements drop constraint verification_statements_no_overlap`);
      await tx.execute(sql`
        insert into verification_statements (site_id, mineral, period_start, period_end, assessment_id, verifier_organisation_id, declared_kg, responsible_kg, document, signature, key_id, signed_at)
        select site_id, mineral, period_start, period_end, assessment_id, verifier_organisation_id, declared_kg, responsible_kg, document, signature, key_id, signed_at
        from verification_statements where id = ${statementIds[0]}`);
    });
    const copy = statementIds[1]! + 1;
    expect(problems['sites.verification_no_overlap']).toEqual([`verification statements ${statementIds[0]} and ${copy} of site KAM for cobalt overlap`]);
  });

  it('reports a statement that confirms more than was declared (with the CHECK constraint dropped)', async () => {
    const problems = await problemsAfter(async (tx) => {
      await tx.execute(sql`alter table verification_statements drop constraint verification_within_declared`);
      await tamperWithStatements(tx, sql`update verification_statements set declared_kg = 1000 where id = ${statementIds[0]}`);
    });
    expect(problems['sites.verification_within_declared']).toEqual([`verification statement ${statementIds[0]}: 2500 kg produced responsibly, more than the 1000 kg declared`]);
  });

  describe('production corrections', () => {
    const insertCorrection = (tx: Transaction, correctsId: number, mineral = 'cobalt', site = siteId) =>
      tx
        .insert(productionDeclarations)
        .values({ siteId: site, mineral, producedOn: '2024-02-01', wetOreKg: 0, dryOreKg: 0, gradeBasisPoints: 0, containedKg: 0, buyer: 'EGC', correctsId, correctionReason: 'test' })
        .returning({ id: productionDeclarations.id })
        .then((rows) => rows[0]!.id);

    it('reports a correction of another mineral', async () => {
      let id = 0;
      const problems = await problemsAfter(async (tx) => {
        id = await insertCorrection(tx, declarationIds.copper, 'cobalt');
      });
      expect(problems).toEqual({ 'sites.production_corrections': [`production declaration ${id} corrects ${declarationIds.copper}, a declaration of another mineral`] });
    });

    it('reports a correction of another site', async () => {
      let id = 0;
      const problems = await problemsAfter(async (tx) => {
        const [other] = await tx
          .insert(sites)
          .values({ code: 'OTHER', name: 'Other', province: 'Lualaba', town: 'Kolwezi', latitudeE6: 0, longitudeE6: 0, concessionHolder: 'EGC', cooperativeOrganisationId: cooperativeId })
          .returning();
        id = await insertCorrection(tx, declarationIds.cobalt, 'cobalt', other!.id);
      });
      expect(problems).toEqual({ 'sites.production_corrections': [`production declaration ${id} corrects ${declarationIds.cobalt}, a declaration of another site`] });
    });

    it('reports a correction of a declaration that does not exist (with the foreign key dropped), or of a later one', async () => {
      let missing = 0;
      let early = 0;
      let later = 0;
      const problems = await problemsAfter(async (tx) => {
        await tx.execute(sql`alter table production_declarations drop constraint production_corrects_fk`);
        missing = await insertCorrection(tx, 999_999);
        early = await insertCorrection(tx, declarationIds.cobalt);
        later = await declare({ producedOn: '2024-02-02', containedKg: 10 }, tx);
        await tx.execute(sql`alter table production_declarations disable trigger production_declarations_append_only`);
        await tx.execute(sql`update production_declarations set corrects_id = ${later} where id = ${early}`);
        await tx.execute(sql`alter table production_declarations enable trigger production_declarations_append_only`);
      });
      expect(problems).toEqual({
        'sites.production_corrections': [
          `production declaration ${missing} corrects 999999, which does not exist`,
          `production declaration ${early} corrects ${later}, which is not an earlier declaration`,
        ],
      });
    });

    it('reports a declaration corrected twice (with the unique index dropped)', async () => {
      let second = 0;
      const problems = await problemsAfter(async (tx) => {
        await tx.execute(sql`drop index production_corrects_idx`);
        second = await insertCorrection(tx, declarationIds.corrected);
      });
      expect(problems).toEqual({
        'sites.production_corrections': [`production declaration ${declarationIds.corrected} is corrected more than once (by ${declarationIds.correction}, ${second})`],
      });
    });
  });
});
