import { and, eq } from 'drizzle-orm';
import { databaseErrorCode } from '../../../db/transaction.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { workerError } from '../../messages/workers.ts';
import { childReferrals, workers } from '../../schema.ts';
import { isoDateOf } from '../../../core/calendar.ts';
import { siteForAction, type SiteRef } from '../../site-access.ts';
import { adultAge, checkWorkerFields, type ChildReferral, loadOperatorGroups, newReferralRecord, newWorkerRecord, type Worker, type WorkerFields, workerIdentityHash, type WorkerIssue } from '../../worker-records.ts';

export type RegistrationOutcome = { outcome: 'registered'; worker: Worker } | { outcome: 'referred'; referral: ChildReferral };

/**
 * Registers an adult for site work. A person whose birth year makes them under 18 is not
 * registered: a child-protection referral is recorded instead (no name kept), and the outcome says
 * so, for the caller to answer with `worker_under_18`. A person already referred is not referred twice.
 */
export async function registerWorker(ctx: CommandContext, props: WorkerFields & SiteRef): Promise<RegistrationOutcome> {
  const site = await siteForAction(ctx, 'worker.register', props);
  const groups = await loadOperatorGroups(ctx.tx, site.id);
  const checked = checkWorkerFields(props, groups, isoDateOf(ctx.now));
  if (!checked.worker) {
    const [first] = checked.issues as [WorkerIssue];
    throw workerError(first.code, 422, first.params, { issues: checked.issues.map((issue) => ({ column: issue.column, code: issue.code })) });
  }
  const worker = checked.worker;
  const identityHash = workerIdentityHash({ siteCode: site.code, fullName: worker.fullName, birthYear: worker.birthYear, sex: worker.sex });
  const [existing] = await ctx.tx
    .select({ code: workers.code })
    .from(workers)
    .where(and(eq(workers.siteId, site.id), eq(workers.identityHash, identityHash)));
  if (existing) throw workerError('worker_already_registered', 409, { worker: existing.code }, { worker: existing.code });

  if (worker.ageYears < adultAge) {
    const [referred] = await ctx.tx
      .select({ code: childReferrals.code })
      .from(childReferrals)
      .where(and(eq(childReferrals.siteId, site.id), eq(childReferrals.identityHash, identityHash)));
    if (referred) throw workerError('worker_under_18', 422, { age: worker.ageYears, referralCode: referred.code }, { referralCode: referred.code });
    const [referral] = await ctx.tx.insert(childReferrals).values(newReferralRecord(ctx, site, worker, identityHash, 'worker_registration')).returning();
    await appendEvent(ctx, {
      type: 'sites.child_referred',
      // The public journal says only that a child was referred at this site: no code, age or sex
      // that could, with what a neighbour knows, point at one child.
      subject: `child_referral:${referral!.id}`,
      payload: { referral: referral!.id, site: site.code },
    });
    return { outcome: 'referred', referral: referral! };
  }

  const record = newWorkerRecord(site, worker, identityHash);
  let inserted: Worker;
  try {
    [inserted] = (await ctx.tx.insert(workers).values(record.values).returning()) as [Worker];
  } catch (error) {
    if (databaseErrorCode(error) === '23505') throw workerError('worker_already_registered', 409, { worker: '—' });
    throw error;
  }
  await appendEvent(ctx, {
    type: 'sites.worker_registered',
    subject: `worker:${record.code}`,
    payload: { site: site.code, worker: record.code, group: worker.group.code, sex: worker.sex, personalData: record.personalData },
  });
  return { outcome: 'registered', worker: inserted };
}
