import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../core/auth/roles.ts';
import { journalSize, runCommand, type CommandContext } from '../journal/public.ts';
import { expectCommandRefusal } from '../../test/expect.ts';
import { actorOf } from '../../test/factories/registry.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { insertPublishedStandard } from '../../test/factories/standard.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { saveAssessmentResponses } from './commands/assessments/save-assessment-responses.ts';
import { attachAssessmentEvidence } from './commands/assessments/attach-assessment-evidence.ts';
import { startAssessment } from './commands/assessments/start-assessment.ts';
import { submitAssessment } from './commands/assessments/submit-assessment.ts';
import { closeCorrectiveAction } from './commands/corrective-actions/close-corrective-action.ts';
import { raiseCorrectiveAction } from './commands/corrective-actions/raise-corrective-action.ts';
import { updateCorrectiveActionStatus } from './commands/corrective-actions/update-corrective-action-status.ts';
import { correctProduction } from './commands/production/correct-production.ts';
import { declareProduction } from './commands/production/declare-production.ts';
import { importProduction } from './commands/production/import-production.ts';
import { addOperatorGroup } from './commands/sites/add-operator-group.ts';
import { addPits } from './commands/sites/add-pits.ts';
import { createSite } from './commands/sites/create-site.ts';
import { recordQualification } from './commands/sites/record-qualification.ts';
import { updatePit } from './commands/sites/update-pit.ts';
import { createStandardVersion } from './commands/standard/create-standard-version.ts';
import { publishStandardVersion } from './commands/standard/publish-standard-version.ts';
import { updateDraftCriteria } from './commands/standard/update-draft-criteria.ts';
import { prepareVerificationStatement } from './commands/verifications/prepare-verification-statement.ts';
import { signVerificationStatement } from './commands/verifications/sign-verification-statement.ts';
import { submitStatementSignature } from './commands/verifications/submit-statement-signature.ts';
import { registerVerifierKey } from './commands/verifier-keys/register-verifier-key.ts';
import { retireVerifierKey } from './commands/verifier-keys/retire-verifier-key.ts';
import { setKeyCustody } from './commands/verifier-keys/set-key-custody.ts';
import { importWorkers } from './commands/workers/import-workers.ts';
import { readWorkerFile } from './worker-import-files.ts';
import { setWorkerPhoto } from './commands/workers/set-worker-photo.ts';
import { recordWorkerExit } from './commands/workers/record-worker-exit.ts';
import { registerWorker } from './commands/workers/register-worker.ts';

/**
 * Each command of the sites module asks the policy itself: called directly (not over HTTP) by a
 * role that may not, or by the right role of the wrong organisation, it is refused and writes nothing.
 */
let t: TestContext;
let siteId: number;
let siteCooperative: { id: number; code: string };
let otherCooperative: { id: number; code: string };
let assessmentId: number;
let correctiveActionId: number;
let declarationId: number;

beforeAll(async () => {
  t = await createTestContext();
  siteCooperative = await t.buildOrganisation({ kind: 'cooperative' });
  otherCooperative = await t.buildOrganisation({ kind: 'cooperative' });
  const { site } = await insertSite(t.db, { cooperativeOrganisationId: siteCooperative.id });
  siteId = site.id;
  await insertPublishedStandard(t.db);
  const verifierOrganisation = await t.buildOrganisation({ kind: 'verifier' });
  const verifier = actorOf({ ...verifierOrganisation, kind: 'verifier' }, 'verifier');
  assessmentId = (await runCommand(t.db, verifier, (ctx) => startAssessment(ctx, { siteId, periodStart: '2024-01-01', periodEnd: '2024-06-30' }))).id;
  correctiveActionId = (
    await runCommand(t.db, system, (ctx) => raiseCorrectiveAction(ctx, { siteId, title: 'Cover the pits', owner: 'Site manager', dueOn: '2025-06-30', costEstimate: '100', currency: 'USD' }))
  ).id;
  declarationId = (
    await runCommand(t.db, system, (ctx) =>
      declareProduction(ctx, { siteId, mineral: 'cobalt', producedOn: '2024-03-01', wetOreKg: 10_000, dryOreKg: 9_000, gradeBasisPoints: 500, buyer: 'EGC depot' }),
    )
  ).id;
});
afterAll(() => t.close());

/** Runs the command as this actor and expects the refusal, with the journal as it was. */
async function expectRefusedToActor(actor: Actor, command: (ctx: CommandContext) => Promise<unknown>, code = 'forbidden') {
  const before = await journalSize(t.db);
  await expectCommandRefusal(() => runCommand(t.db, actor, command), code, 403);
  expect(await journalSize(t.db)).toBe(before);
}

const anyOrganisation = () => ({ id: otherCooperative.id, code: otherCooperative.code });
const buyer = () => actorOf({ ...anyOrganisation(), kind: 'buyer' }, 'buyer');
const field = () => actorOf({ ...anyOrganisation(), kind: 'secretariat' }, 'field');
const cooperative = () => actorOf({ ...siteCooperative, kind: 'cooperative' }, 'cooperative');
const cooperativeOfAnotherSite = () => actorOf({ ...otherCooperative, kind: 'cooperative' }, 'cooperative');
/** A verifier acting for the organisation that operates the site: never independent of it. */
const verifierOfTheSite = () => actorOf({ ...siteCooperative, kind: 'verifier' }, 'verifier');

const workerFields = { fullName: 'Amani Kabongo', sex: 'female', birthYear: 1990, operatorGroup: 'washers', registeredOn: '2024-02-01' };
const figures = { mineral: 'cobalt', producedOn: '2024-03-02', wetOreKg: 10_000, dryOreKg: 9_000, gradeBasisPoints: 500, buyer: 'EGC depot' };
const importCsv = Buffer.from('produced_on,mineral,lot_reference,wet_ore_t,dry_ore_t,grade_percent,buyer\n2024-04-01,cobalt,A1,10,9,7.5,EGC depot\n');

describe('Site administration (site.manage: the secretariat’s admins)', () => {
  const commands: Record<string, (ctx: CommandContext) => Promise<unknown>> = {
    createSite: (ctx) => createSite(ctx, { code: 'NEWS', name: 'New site', province: 'Lualaba', town: 'Kolwezi', latitudeE6: 0, longitudeE6: 0, concessionHolder: 'EGC', cooperative: siteCooperative.code }),
    recordQualification: (ctx) => recordQualification(ctx, { siteId, level: 'green', qualifiedOn: '2024-01-01', decidedBy: 'Mission' }),
    addPits: (ctx) => addPits(ctx, { siteId, pits: [{ code: 'P-1', covered: false }] }),
    updatePit: (ctx) => updatePit(ctx, { siteId, pitCode: 'P-1', covered: true }),
    addOperatorGroup: (ctx) => addOperatorGroup(ctx, { siteId, code: 'mechanics', labelEn: 'Mechanics', labelFr: 'Mécaniciens' }),
  };
  for (const [name, command] of Object.entries(commands)) {
    it(`${name} refuses the site’s cooperative and a field officer`, async () => {
      await expectRefusedToActor(cooperative(), command);
      await expectRefusedToActor(field(), command);
    });
  }
  it('asks before the site is known to exist', async () => {
    await expectRefusedToActor(cooperative(), (ctx) => addPits(ctx, { site: 'NOPE', pits: [{ code: 'P-1', covered: false }] }));
  });
});

describe('The worker register (worker.register: the secretariat and the site’s own cooperative)', () => {
  const commands: Record<string, (ctx: CommandContext) => Promise<unknown>> = {
    registerWorker: (ctx) => registerWorker(ctx, { siteId, ...workerFields }),
    recordWorkerExit: (ctx) => recordWorkerExit(ctx, { siteId, workerCode: 'w-nobody', exitedOn: '2024-03-01' }),
    setWorkerPhoto: (ctx) => setWorkerPhoto(ctx, { siteId, workerCode: 'w-nobody', filename: 'photo.jpg', content: Buffer.from([0xff, 0xd8, 0xff, 0xe0]) }),
    importWorkers: async (ctx) =>
      importWorkers(ctx, { siteId, file: await readWorkerFile({ filename: 'workers.csv', content: Buffer.from('full_name,sex,birth_year,operator_group,id_number,registered_on\nAmani Kabongo,F,1990,washers,,2024-02-01\n') }) }),
  };
  for (const [name, command] of Object.entries(commands)) {
    it(`${name} refuses a buyer, and the cooperative of another site`, async () => {
      await expectRefusedToActor(buyer(), command);
      await expectRefusedToActor(cooperativeOfAnotherSite(), command);
    });
  }
  it('asks before the site is known to exist', async () => {
    await expectRefusedToActor(cooperativeOfAnotherSite(), (ctx) => registerWorker(ctx, { site: 'NOPE', ...workerFields }));
  });
});

describe('Production (production.declare: admins and the site’s own cooperative)', () => {
  const commands: Record<string, (ctx: CommandContext) => Promise<unknown>> = {
    declareProduction: (ctx) => declareProduction(ctx, { siteId, ...figures }),
    correctProduction: (ctx) => correctProduction(ctx, { siteId, correctsId: declarationId, reason: 'Weighed again', wetOreKg: 9_000, dryOreKg: 8_000, gradeBasisPoints: 500 }),
    importProduction: (ctx) => importProduction(ctx, { siteId, filename: 'production.csv', content: importCsv }),
  };
  for (const [name, command] of Object.entries(commands)) {
    it(`${name} refuses a field officer, and the cooperative of another site`, async () => {
      await expectRefusedToActor(field(), command);
      await expectRefusedToActor(cooperativeOfAnotherSite(), command);
    });
  }
});

describe('The standard (standard.publish: admins)', () => {
  const commands: Record<string, (ctx: CommandContext) => Promise<unknown>> = {
    createStandardVersion: (ctx) => createStandardVersion(ctx, { version: '9.0', source: { kind: 'default' } }),
    updateDraftCriteria: (ctx) => updateDraftCriteria(ctx, { version: '9.0', criteria: [] }),
    publishStandardVersion: (ctx) => publishStandardVersion(ctx, { version: '9.0' }),
  };
  for (const [name, command] of Object.entries(commands)) {
    it(`${name} refuses a verifier and a field officer`, async () => {
      await expectRefusedToActor(actorOf({ ...anyOrganisation(), kind: 'verifier' }, 'verifier'), command);
      await expectRefusedToActor(field(), command);
    });
  }
});

describe('Assessments (assessment.write: an independent verifier)', () => {
  const commands: Record<string, (ctx: CommandContext) => Promise<unknown>> = {
    startAssessment: (ctx) => startAssessment(ctx, { siteId, periodStart: '2024-07-01', periodEnd: '2024-12-31' }),
    saveAssessmentResponses: (ctx) => saveAssessmentResponses(ctx, { assessmentId, responses: [{ criterionCode: 'HS.1', rating: 'met' }] }),
    attachAssessmentEvidence: (ctx) => attachAssessmentEvidence(ctx, { assessmentId, criterionCode: 'HS.1', filename: 'photo.jpg', contentType: 'image/jpeg', content: Buffer.from('x') }),
    submitAssessment: (ctx) => submitAssessment(ctx, { assessmentId }),
  };
  for (const [name, command] of Object.entries(commands)) {
    it(`${name} refuses an admin, and a verifier of the organisation that operates the site`, async () => {
      await expectRefusedToActor(system, command);
      await expectRefusedToActor(verifierOfTheSite(), command, 'assessment_not_independent');
    });
  }
});

describe('Corrective actions (corrective_action.manage: the secretariat, verifiers and the site’s own cooperative)', () => {
  const commands: Record<string, (ctx: CommandContext) => Promise<unknown>> = {
    raiseCorrectiveAction: (ctx) => raiseCorrectiveAction(ctx, { siteId, title: 'Fence the pond', owner: 'Site manager', dueOn: '2025-06-30', costEstimate: '100', currency: 'USD' }),
    updateCorrectiveActionStatus: (ctx) => updateCorrectiveActionStatus(ctx, { correctiveActionId, status: 'in_progress' }),
    closeCorrectiveAction: (ctx) => closeCorrectiveAction(ctx, { correctiveActionId, closureNote: 'Done', closedOn: '2025-01-01' }),
  };
  for (const [name, command] of Object.entries(commands)) {
    it(`${name} refuses a buyer, and the cooperative of another site`, async () => {
      await expectRefusedToActor(buyer(), command);
      await expectRefusedToActor(cooperativeOfAnotherSite(), command);
    });
  }
});

describe('Verification statements (verification.sign: an independent verifier)', () => {
  const sign = (ctx: CommandContext) => signVerificationStatement(ctx, { assessmentId, mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-06-30', responsibleKg: 1 });
  it('signVerificationStatement refuses an admin, and a verifier of the organisation that operates the site', async () => {
    await expectRefusedToActor(system, sign);
    await expectRefusedToActor(verifierOfTheSite(), sign);
  });
  it('asks at the site a URL names before the site is known to exist', async () => {
    await expectRefusedToActor(buyer(), (ctx) => signVerificationStatement(ctx, { site: 'NOPE', assessmentId, mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-06-30', responsibleKg: 1 }));
  });
});

describe('Keys a verifier organisation holds (verifier_key.manage: its own verifiers alone)', () => {
  const organisation = () => ({ id: otherCooperative.id, code: otherCooperative.code });
  const commands: Record<string, (ctx: CommandContext) => Promise<unknown>> = {
    registerVerifierKey: (ctx) => registerVerifierKey(ctx, { organisation: organisation(), publicKey: Buffer.alloc(32, 9).toString('base64') }),
    retireVerifierKey: (ctx) => retireVerifierKey(ctx, { organisation: organisation(), keyId: 1 }),
    setKeyCustody: (ctx) => setKeyCustody(ctx, { organisation: organisation(), custody: 'verifier' }),
  };
  for (const [name, command] of Object.entries(commands)) {
    it(`${name} refuses the system and admins, a verifier of another organisation, and a buyer`, async () => {
      await expectRefusedToActor(system, command);
      await expectRefusedToActor(actorOf({ ...siteCooperative, kind: 'verifier' }, 'verifier'), command);
      await expectRefusedToActor(buyer(), command);
    });
  }
  it('prepareVerificationStatement and submitStatementSignature refuse an admin, and a verifier of the organisation that operates the site', async () => {
    const prepare = (ctx: CommandContext) => prepareVerificationStatement(ctx, { assessmentId, mineral: 'cobalt', periodStart: '2024-01-01', periodEnd: '2024-06-30', responsibleKg: 1 });
    await expectRefusedToActor(system, prepare);
    await expectRefusedToActor(verifierOfTheSite(), prepare);
    await expectRefusedToActor(buyer(), (ctx) => submitStatementSignature(ctx, { draftId: 1, signature: Buffer.alloc(64).toString('base64') }));
  });
});
