import { and, eq } from 'drizzle-orm';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { workerError } from '../../messages/workers.ts';
import { workers } from '../../schema.ts';
import { isIsoDate, isoDateOf } from '../../../core/calendar.ts';
import { siteForAction, type SiteRef } from '../../site-access.ts';
import type { Worker } from '../../worker-records.ts';

/** Records the day a worker left the site; from the next day on they no longer count in the headcount. */
export async function recordWorkerExit(ctx: CommandContext, props: SiteRef & { workerCode: string; exitedOn: string }): Promise<Worker> {
  const site = await siteForAction(ctx, 'worker.register', props);
  const [worker] = await ctx.tx
    .select()
    .from(workers)
    .where(and(eq(workers.siteId, site.id), eq(workers.code, props.workerCode)));
  if (!worker) throw workerError('worker_not_found', 404, { worker: props.workerCode });
  if (!isIsoDate(props.exitedOn)) throw workerError('exited_on_invalid', 422, { value: props.exitedOn });
  if (props.exitedOn > isoDateOf(ctx.now)) throw workerError('date_in_future', 422, { date: props.exitedOn });
  if (worker.exitedOn) throw workerError('worker_already_exited', 409, { date: worker.exitedOn });
  if (props.exitedOn < worker.registeredOn) throw workerError('exit_before_registration', 422, { exitedOn: props.exitedOn, registeredOn: worker.registeredOn });
  const [updated] = await ctx.tx.update(workers).set({ exitedOn: props.exitedOn }).where(eq(workers.id, worker.id)).returning();
  await appendEvent(ctx, {
    type: 'sites.worker_exited',
    subject: `worker:${worker.code}`,
    payload: { site: site.code, worker: worker.code, exitedOn: props.exitedOn },
  });
  return updated!;
}
