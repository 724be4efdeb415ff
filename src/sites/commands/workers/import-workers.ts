import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { workerError } from '../../messages/workers.ts';
import { childReferrals, workers } from '../../schema.ts';
import { isoDateOf } from '../../../core/calendar.ts';
import { siteForAction, type SiteRef } from '../../site-access.ts';
import { newReferralRecord, newWorkerRecord } from '../../worker-records.ts';
import { type ImportResult, insertBatch, planImport, type WorkerFile } from '../../worker-import-files.ts';

/**
 * Imports a register file, all or nothing: if any row is wrong nothing is written. Adults not yet
 * registered are registered; people under 18 not yet referred are referred for child protection;
 * everyone already known (same identity hash) is skipped, so importing the same file twice changes
 * nothing the second time. One event records the whole import, with pseudonymous codes and
 * commitments only. Callers run it only when the dry run says something would change.
 */
export async function importWorkers(ctx: CommandContext, props: SiteRef & { file: WorkerFile }): Promise<ImportResult> {
  const { id: siteId } = await siteForAction(ctx, 'worker.register', props);
  const plan = await planImport(ctx.tx, { siteId, file: props.file, today: isoDateOf(ctx.now) });
  const { site, report } = plan;
  if (report.issues.length > 0) {
    throw workerError('import_has_errors', 422, { count: report.issues.length }, { report: { ...report, issues: report.issues.map(({ row, column, code }) => ({ row, column, code })) } });
  }
  const records = plan.register.map((planned) => newWorkerRecord(site, planned.worker, planned.identityHash));
  for (let i = 0; i < records.length; i += insertBatch) {
    await ctx.tx.insert(workers).values(records.slice(i, i + insertBatch).map((record) => record.values));
  }
  const referrals = plan.refer.map((planned) => newReferralRecord(ctx, site, planned.worker, planned.identityHash, 'worker_import'));
  for (let i = 0; i < referrals.length; i += insertBatch) {
    await ctx.tx.insert(childReferrals).values(referrals.slice(i, i + insertBatch));
  }
  const referred = referrals.map((referral) => referral.code);
  await appendEvent(ctx, {
    type: 'sites.workers_imported',
    subject: `site:${site.code}`,
    payload: {
      site: site.code,
      fileSha256: report.fileSha256,
      registered: records.map((record) => ({ code: record.code, personalData: record.personalData })),
      referred,
      skipped: report.alreadyRegistered + report.alreadyReferred,
    },
  });
  return { report, registered: records.map((record) => record.code), referred };
}
