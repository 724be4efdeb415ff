import { demoActors } from '../accounts/public.ts';
import type { Actor } from '../core/auth/roles.ts';
import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { addSupport, type SupportKind } from './commands/add-support.ts';
import { closeCase } from './commands/close-case.ts';
import type { CaseCircumstances, ChildActivity } from './case-opening.ts';
import type { ChildCase } from './case-writes.ts';
import { activityForGroup, confirmReferral } from './commands/confirm-referral.ts';
import { openCase } from './commands/open-case.ts';
import { recordVisit } from './commands/record-visit.ts';
import { defaultFollowUpSchedule, latestEighteenthBirthday, scheduledVisits, type VisitOutcome } from './follow-up.ts';
import { listNewReferrals } from '../sites/public.ts';

/** The last day the demo records anything on: its data set is the same whatever day it is loaded. */
const demoUntil = '2026-11-20';
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

const communities = ['Kasulo', 'Musompo', 'Kanina', 'Mutoshi', 'Luilu', 'Dilala', 'Manika'];
const activities: [ChildActivity, number][] = [
  ['washing_sorting', 0.4],
  ['transporting', 0.25],
  ['digging', 0.15],
  ['selling', 0.15],
  ['other', 0.05],
];
/** Typical plans: a health check and a return to school or training, with a stipend or household support. */
const plans: SupportKind[][] = [
  ['health_check', 'school_enrolment', 'monthly_stipend'],
  ['health_check', 'catch_up_classes', 'siblings_school_support'],
  ['health_check', 'vocational_training', 'vocational_kit'],
  ['school_enrolment', 'household_savings_group'],
];
const unitCostMinor: Record<SupportKind, number> = {
  health_check: 1_500,
  school_enrolment: 6_000,
  catch_up_classes: 9_000,
  vocational_training: 18_000,
  monthly_stipend: 15 * 12 * 100,
  vocational_kit: 12_000,
  household_savings_group: 2_500,
  siblings_school_support: 8_000,
};

function weighted<T>(random: () => number, choices: [T, number][]): T {
  let r = random();
  for (const [value, weight] of choices) if ((r -= weight) <= 0) return value;
  return choices[0]![0];
}

function circumstances(random: () => number, caseOrganisationId: number): Omit<CaseCircumstances, 'identifiedOn' | 'identifiedBy'> {
  return {
    caseOrganisationId,
    activity: weighted(random, activities),
    community: communities[Math.floor(random() * communities.length)]!,
    householdHead: weighted(random, [
      ['one_parent', 0.4],
      ['both_parents', 0.3],
      ['grandparent', 0.15],
      ['other_relative', 0.1],
      ['child_headed', 0.05],
    ]),
    householdSize: 3 + Math.floor(random() * 8),
    riskLevel: weighted(random, [
      ['high', 0.35],
      ['medium', 0.45],
      ['low', 0.2],
    ]),
  };
}

/** Plan, visits and closure of one demo case, as far as they had got by `demoUntil`. */
async function followCase(ctx: DemoContext, actor: Actor, created: ChildCase, provider: string): Promise<void> {
  const random = ctx.random;
  // One case in ten is still waiting for its plan (mostly the recent ones).
  if (random() < 0.1 || addDays(created.identifiedOn, 30) > demoUntil) return;
  const planStart = addDays(created.identifiedOn, 7 + Math.floor(random() * 25));
  const plan = plans[Math.floor(random() * plans.length)]!;
  for (const [i, kind] of plan.entries()) {
    const startedOn = addDays(planStart, i * 10);
    if (startedOn > demoUntil) break;
    await runCommand(ctx.db, actor, (c) => addSupport(c, { caseId: created.id, kind, provider, startedOn, endedOn: null, costMinor: unitCostMinor[kind], currency: 'USD' }));
  }
  const due = scheduledVisits({ planStartedOn: planStart, identifiedOn: created.identifiedOn, ageAtIdentification: created.ageAtIdentification }, defaultFollowUpSchedule);
  const outcomes: VisitOutcome[] = [];
  // What the 3- and 6-month visits found: the closure rule reads exactly these two.
  const atMonths = new Map<number, VisitOutcome>();
  let lastVisit = planStart;
  for (const visit of due) {
    const visitedOn = addDays(visit.dueOn, Math.floor(random() * 20));
    if (visitedOn > demoUntil) break;
    // Some visits are missed: they show as overdue for the field officer.
    if (random() < 0.1) continue;
    const outcome = weighted<VisitOutcome>(random, [
      ['in_school_or_training', 0.8],
      ['working', 0.12],
      ['not_found', 0.08],
    ]);
    await runCommand(ctx.db, actor, (c) => recordVisit(c, { caseId: created.id, visitedOn, outcome, dueMonths: visit.dueMonths }));
    outcomes.push(outcome);
    atMonths.set(visit.dueMonths, outcome);
    lastVisit = visitedOn;
    if (visit.dueMonths === 6) break;
  }
  const closedOn = addDays(lastVisit, 14 + Math.floor(random() * 40));
  if (closedOn > demoUntil) return;
  if (atMonths.get(3) === 'in_school_or_training' && atMonths.get(6) === 'in_school_or_training' && random() < 0.75) {
    await runCommand(ctx.db, actor, (c) => closeCase(c, { caseId: created.id, closedOn, reason: 'remediated' }));
  } else if (outcomes.filter((o) => o === 'not_found').length >= 1 && random() < 0.5) {
    await runCommand(ctx.db, actor, (c) => closeCase(c, { caseId: created.id, closedOn, reason: 'lost_to_follow_up' }));
  } else if (latestEighteenthBirthday(created.identifiedOn, created.ageAtIdentification) < closedOn) {
    await runCommand(ctx.db, actor, (c) => closeCase(c, { caseId: created.id, closedOn, reason: 'reached_18' }));
  }
}

/**
 * About 60 children at Kamilombe at every stage: just identified, plan started, visited at 3 and 6
 * months, closed as remediated, working again, not found. Most cases are managed by the partner
 * kolwezi-care, some by the secretariat's field officers; a few come from the worker register's
 * referrals. No names are recorded.
 */
export async function loadChildrenDemo(ctx: DemoContext): Promise<void> {
  const actors = await demoActors(ctx);
  const casework = actors['casework@orebook.demo']!;
  const field = actors['field@orebook.demo']!;
  const random = ctx.random;
  let cases = 0;

  for (const referral of (await listNewReferrals(ctx.db)).filter((r) => r.siteCode === 'KAM').slice(0, 4)) {
    const created = await runCommand(ctx.db, casework, (c) => confirmReferral(c, { ...circumstances(random, ctx.organisations['kolwezi-care']!), activity: activityForGroup(referral.groupCode), referralCode: referral.code }));
    await followCase(ctx, casework, created, 'kolwezi-care');
    cases += 1;
  }
  for (let i = 0; i < 58; i++) {
    const bySecretariat = random() < 0.15;
    const actor = bySecretariat ? field : casework;
    const organisation = bySecretariat ? 'fca' : 'kolwezi-care';
    const identifiedOn = addDays('2025-01-06', Math.floor(random() * 640));
    const created = await runCommand(ctx.db, actor, (c) =>
      openCase(c, {
        ...circumstances(random, ctx.organisations[organisation]!),
        siteCode: 'KAM',
        sex: random() < 0.55 ? 'female' : 'male',
        ageAtIdentification: weighted(random, [
          [9 + Math.floor(random() * 3), 0.2],
          [12 + Math.floor(random() * 3), 0.4],
          [15 + Math.floor(random() * 3), 0.4],
        ]),
        identifiedOn,
        identifiedBy: weighted(random, [
          ['community_monitor', 0.45],
          ['field_officer', 0.3],
          ['cooperative', 0.15],
          ['teacher', 0.1],
        ]),
      }),
    );
    await followCase(ctx, actor, created, organisation);
    cases += 1;
  }
  ctx.say(`children: ${cases} cases at KAM, followed until ${demoUntil}`);
}
