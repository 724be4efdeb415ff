import { demoActors } from '../accounts/public.ts';
import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { saveAssessmentResponses } from './commands/assessments/save-assessment-responses.ts';
import { startAssessment } from './commands/assessments/start-assessment.ts';
import { submitAssessment } from './commands/assessments/submit-assessment.ts';
import { closeCorrectiveAction } from './commands/corrective-actions/close-corrective-action.ts';
import { raiseCorrectiveAction } from './commands/corrective-actions/raise-corrective-action.ts';
import { updateCorrectiveActionStatus } from './commands/corrective-actions/update-corrective-action-status.ts';
import { correctProduction } from './commands/production/correct-production.ts';
import { declareProduction } from './commands/production/declare-production.ts';
import { addPits } from './commands/sites/add-pits.ts';
import { createSite } from './commands/sites/create-site.ts';
import { recordQualification } from './commands/sites/record-qualification.ts';
import { createStandardVersion } from './commands/standard/create-standard-version.ts';
import { publishStandardVersion } from './commands/standard/publish-standard-version.ts';
import { signVerificationStatement } from './commands/verifications/sign-verification-statement.ts';
import { importWorkers } from './commands/workers/import-workers.ts';
import { readWorkerFile } from './worker-import-files.ts';
import { defaultStandard } from './default-standard.ts';
import { declaredContainedKg } from './queries/production.ts';
import type { ratings } from './schema.ts';

type Rating = (typeof ratings)[number];

const femaleNames = ['Bijou', 'Chantal', 'Dorcas', 'Esther', 'Furaha', 'Grâce', 'Jeanne', 'Mamie', 'Nadine', 'Neema', 'Rose', 'Sifa', 'Solange', 'Zawadi', 'Aline', 'Béatrice', 'Clarisse', 'Déborah', 'Espérance', 'Fatuma'];
const maleNames = ['Alain', 'Bienvenu', 'Christian', 'Dieudonné', 'Emmanuel', 'Fiston', 'Guy', 'Jean', 'Joseph', 'Kevin', 'Moïse', 'Patrick', 'Pierre', 'Serge', 'Trésor', 'Héritier', 'Jonathan', 'Junior', 'Olivier', 'Papy'];
const surnames = ['Ilunga', 'Kalenga', 'Kasongo', 'Kayembe', 'Kazadi', 'Lukusa', 'Mbuyi', 'Mujinga', 'Mukendi', 'Mulumba', 'Mwamba', 'Ngoy', 'Nkulu', 'Tshibangu', 'Umba', 'Banza', 'Kalala', 'Kabeya', 'Numbi', 'Kapend', 'Kyungu', 'Mwenze', 'Kitenge', 'Masengo', 'Ngandu'];

/** Operator groups of the pilot site, their share of the workforce and of women in them (invented, plausible). */
const workforce: { group: string; share: number; women: number }[] = [
  { group: 'diggers', share: 0.45, women: 0.03 },
  { group: 'washers', share: 0.2, women: 0.85 },
  { group: 'transporters', share: 0.12, women: 0.2 },
  { group: 'sellers', share: 0.08, women: 0.6 },
  { group: 'pit_owners', share: 0.05, women: 0.1 },
  { group: 'depot_workers', share: 0.04, women: 0.25 },
  { group: 'sanitation_agents', share: 0.03, women: 0.5 },
  { group: 'safety_captains', share: 0.03, women: 0.15 },
];

const pick = <T,>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const between = (random: () => number, low: number, high: number) => low + (high - low) * random();
const day = (date: Date) => date.toISOString().slice(0, 10);

function workerFile(random: () => number, count: number, start: number): string {
  const seen = new Set<string>();
  const lines = ['full_name,sex,birth_year,operator_group,id_number,registered_on'];
  for (let i = 0; i < count; i++) {
    const r = random();
    let cumulative = 0;
    const role = workforce.find((w) => (cumulative += w.share) >= r) ?? workforce[0]!;
    const sex = random() < role.women ? 'F' : 'M';
    let name = '';
    let birthYear = 0;
    do {
      name = `${pick(random, sex === 'F' ? femaleNames : maleNames)} ${pick(random, surnames)} ${pick(random, surnames)}`;
      birthYear = Math.floor(between(random, 1966, 2006));
    } while (seen.has(`${name}|${birthYear}|${sex}`));
    seen.add(`${name}|${birthYear}|${sex}`);
    const registered = new Date(Date.UTC(2023, 0, 9) + Math.floor(random() * 1000) * 86_400_000);
    const idNumber = random() < 0.4 ? `CD-LUA-${String(start + i).padStart(6, '0')}` : '';
    lines.push(`${name},${sex},${birthYear},${role.group},${idNumber},${day(registered)}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The pilot site, modelled on Kamilombe (Kolwezi): about 5,000 workers, 270 pits of which 147
 * covered (the 2023 census), monthly cobalt production for 2023 and 2024 and daily production since,
 * a verified assessment for each of 2023 and 2024, two for 2025 (the first with findings the
 * second shows fixed), and signed verifications for 2023, 2024 and the second half of 2025.
 */
export async function loadSitesDemo(ctx: DemoContext): Promise<void> {
  const actors = await demoActors(ctx);
  const verifier = actors['verifier@orebook.demo']!;
  const cooperative = actors['cooperative@orebook.demo']!;
  const admin = ctx.system;
  const random = ctx.random;

  await runCommand(ctx.db, admin, (c) => createStandardVersion(c, { version: defaultStandard.version, source: { kind: 'default' } }));
  await runCommand(ctx.db, admin, (c) => publishStandardVersion(c, { version: defaultStandard.version }));

  const site = await runCommand(ctx.db, admin, (c) =>
    createSite(c, {
      code: 'KAM',
      name: 'Kamilombe',
      province: 'Lualaba',
      town: 'Kolwezi',
      latitudeE6: -10_735_400,
      longitudeE6: 25_440_900,
      concessionHolder: 'Entreprise Générale du Cobalt (EGC)',
      cooperative: 'cmds',
    }),
  );
  await runCommand(ctx.db, admin, (c) => recordQualification(c, { siteId: site.id, level: 'yellow', qualifiedOn: '2024-03-15', decidedBy: 'Joint mission of the mining administration and SAEMAPE' }));
  await runCommand(ctx.db, admin, (c) => recordQualification(c, { siteId: site.id, level: 'green', qualifiedOn: '2026-02-10', decidedBy: 'Joint mission of the mining administration and SAEMAPE' }));
  const pits = Array.from({ length: 270 }, (_, i) => ({ code: `P${String(i + 1).padStart(3, '0')}`, covered: i < 147 }));
  await runCommand(ctx.db, admin, (c) => addPits(c, { siteId: site.id, pits }));

  let workers = 0;
  for (let batch = 0; batch < 5; batch++) {
    const content = Buffer.from(workerFile(random, 1000, batch * 1000), 'utf8');
    const file = await readWorkerFile({ filename: `kamilombe-register-${batch + 1}.csv`, content });
    const result = await runCommand(ctx.db, cooperative, (c) => importWorkers(c, { siteId: site.id, file }));
    workers += result.registered.length;
  }
  ctx.say(`site KAM: ${workers} workers, ${pits.length} pits`);

  const ratingsFor = (findings: Record<string, Rating>, fallback: (code: string) => Rating) =>
    defaultStandard.criteria.map((criterion) => ({ criterionCode: criterion.code, rating: findings[criterion.code] ?? fallback(criterion.code), notes: '' }));

  // Before Orebook the cooperative kept monthly summaries: one declaration a month for 2023 and
  // 2024, entered from its ledgers, each verified for its year. The 2023 credits are the ones the
  // first buyer retired.
  const history = [
    { year: 2023, wetOreKg: [520_000, 610_000], share: 0.85 },
    { year: 2024, wetOreKg: [640_000, 780_000], share: 0.9 },
  ];
  const verifiedYears: string[] = [];
  for (const { year, wetOreKg: [low, high], share } of history) {
    for (let month = 1; month <= 12; month++) {
      const wetOreKg = Math.round(between(random, low!, high!));
      const producedOn = `${year}-${String(month).padStart(2, '0')}-28`;
      await runCommand(ctx.db, cooperative, (c) =>
        declareProduction(c, {
          siteId: site.id,
          mineral: 'cobalt',
          producedOn,
          lotReference: `KAM-${year}${String(month).padStart(2, '0')}-M`,
          wetOreKg,
          dryOreKg: Math.round(wetOreKg * (1 - between(random, 0.09, 0.12))),
          gradeBasisPoints: Math.round(between(random, 160, 260)),
          buyer: 'Entreprise Générale du Cobalt (EGC), Kolwezi depot',
        }),
      );
    }
    const assessment = await runCommand(ctx.db, verifier, (c) => startAssessment(c, { siteId: site.id, periodStart: `${year}-01-01`, periodEnd: `${year}-12-31` }));
    await runCommand(ctx.db, verifier, (c) => saveAssessmentResponses(c, { assessmentId: assessment.id, responses: ratingsFor({}, (code) => (code.endsWith('7') ? 'partly_met' : 'met')) }));
    await runCommand(ctx.db, verifier, (c) => submitAssessment(c, { assessmentId: assessment.id }));
    const declared = await declaredContainedKg(ctx.db, { siteId: site.id, mineral: 'cobalt', from: `${year}-01-01`, to: `${year}-12-31` });
    const responsibleKg = Math.floor((declared * share) / 1000) * 1000;
    await runCommand(ctx.db, verifier, (c) =>
      signVerificationStatement(c, { assessmentId: assessment.id, mineral: 'cobalt', periodStart: `${year}-01-01`, periodEnd: `${year}-12-31`, responsibleKg }),
    );
    verifiedYears.push(`${year}: ${responsibleKg / 1000} t`);
  }
  ctx.say(`site KAM: monthly production and verifications for ${verifiedYears.join(', ')}`);

  // Daily production from January 2025 to yesterday, six days a week: 30 to 60 t of wet ore,
  // 8 to 14 % moisture, 1.2 to 3.5 % cobalt.
  const declarations: number[] = [];
  const yesterday = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate() - 1));
  for (let date = new Date(Date.UTC(2025, 0, 1)); date <= yesterday; date = new Date(date.getTime() + 86_400_000)) {
    if (date.getUTCDay() === 0) continue;
    const wetOreKg = Math.round(between(random, 30_000, 60_000));
    const dryOreKg = Math.round(wetOreKg * (1 - between(random, 0.08, 0.14)));
    const declaration = await runCommand(ctx.db, cooperative, (c) =>
      declareProduction(c, {
        siteId: site.id,
        mineral: 'cobalt',
        producedOn: day(date),
        lotReference: `KAM-${day(date).replace(/-/g, '')}`,
        wetOreKg,
        dryOreKg,
        gradeBasisPoints: Math.round(between(random, 120, 350)),
        buyer: random() < 0.7 ? 'Entreprise Générale du Cobalt (EGC), Kolwezi depot' : 'Comptoir Lualaba Minerals',
      }),
    );
    declarations.push(declaration.id);
  }
  const corrected = declarations[40]!;
  await runCommand(ctx.db, cooperative, (c) =>
    correctProduction(c, { siteId: site.id, correctsId: corrected, reason: 'Assay certificate received: grade was 2.10 %, not 2.90 %', wetOreKg: 41_200, dryOreKg: 36_900, gradeBasisPoints: 210, buyer: 'Entreprise Générale du Cobalt (EGC), Kolwezi depot' }),
  );
  ctx.say(`site KAM: ${declarations.length} production declarations`);

  const first = await runCommand(ctx.db, verifier, (c) => startAssessment(c, { siteId: site.id, periodStart: '2025-01-01', periodEnd: '2025-06-30' }));
  const firstFindings: Record<string, Rating> = { 'HS-01': 'partly_met', 'HS-02': 'not_met', 'LT-02': 'partly_met', 'HS-04': 'not_met', 'HS-05': 'partly_met', 'CG-03': 'not_met', 'EN-03': 'partly_met' };
  await runCommand(ctx.db, verifier, (c) => saveAssessmentResponses(c, { assessmentId: first.id, responses: ratingsFor(firstFindings, (code) => (code.endsWith('7') ? 'partly_met' : 'met')) }));
  await runCommand(ctx.db, verifier, (c) => submitAssessment(c, { assessmentId: first.id }));

  const actions = [
    { criterionCode: 'HS-01', title: 'Timber or close the three flooded tunnel entries in the north sector', owner: 'Safety captains, CMDS', cost: '4500' },
    { criterionCode: 'HS-02', title: 'Name a safety captain for every work zone and give them the right to stop work', owner: 'CMDS management', cost: '1200' },
    { criterionCode: 'LT-02', title: 'Register the transporters who work without a cooperative card', owner: 'CMDS registration office', cost: '800' },
    { criterionCode: 'HS-04', title: 'Provide wader boots and gloves to washers', owner: 'CMDS with the premium fund', cost: '6000' },
  ];
  const raised: { id: number }[] = [];
  for (const action of actions) {
    raised.push(
      await runCommand(ctx.db, verifier, (c) =>
        raiseCorrectiveAction(c, { siteId: site.id, assessmentId: first.id, criterionCode: action.criterionCode, title: action.title, owner: action.owner, dueOn: '2026-12-31', costEstimate: action.cost, currency: 'USD' }),
      ),
    );
  }
  const today = day(new Date());
  for (const action of raised.slice(0, 3)) {
    await runCommand(ctx.db, cooperative, (c) => closeCorrectiveAction(c, { correctiveActionId: action.id, closureNote: 'Done and checked on site by the verifier.', closedOn: today }));
  }
  await runCommand(ctx.db, cooperative, (c) => updateCorrectiveActionStatus(c, { correctiveActionId: raised[3]!.id, status: 'in_progress' }));

  const second = await runCommand(ctx.db, verifier, (c) => startAssessment(c, { siteId: site.id, periodStart: '2025-07-01', periodEnd: '2025-12-31' }));
  await runCommand(ctx.db, verifier, (c) =>
    saveAssessmentResponses(c, { assessmentId: second.id, responses: ratingsFor({ 'HS-04': 'partly_met', 'EN-04': 'partly_met' }, () => 'met') }),
  );
  await runCommand(ctx.db, verifier, (c) => submitAssessment(c, { assessmentId: second.id }));

  // The verifier confirms nine tenths of what was declared: lots bought from outside the
  // registered workforce were set aside.
  const declaredKg = await declaredContainedKg(ctx.db, { siteId: site.id, mineral: 'cobalt', from: '2025-07-01', to: '2025-12-31' });
  const responsibleKg = Math.floor((declaredKg * 0.9) / 1000) * 1000;
  const statement = await runCommand(ctx.db, verifier, (c) =>
    signVerificationStatement(c, { assessmentId: second.id, mineral: 'cobalt', periodStart: '2025-07-01', periodEnd: '2025-12-31', responsibleKg }),
  );
  ctx.say(`site KAM: 2 assessments, verification #${statement.id} of ${responsibleKg / 1000} t of cobalt`);
}
