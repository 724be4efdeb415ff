import type { z } from '@hono/zod-openapi';
import { isIsoDate, isoDateOf } from '../core/calendar.ts';
import { coreError } from '../core/errors.ts';
import type { CommandContext } from '../journal/public.ts';
import { savingsError } from './messages/errors.ts';

/** Props checked against their schema by the command itself, so every caller (API, page, import, demo) meets the same rules. */
export function parseProps<S extends z.ZodType>(schema: S, props: unknown): z.output<S> {
  const result = schema.safeParse(props);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), code: issue.code, message: issue.message }));
  const fields = [...new Set(issues.map((issue) => issue.path || '(body)'))].join(', ');
  throw coreError('validation_failed', 400, { fields }, issues);
}

/** A date a field officer gives: a real calendar day, not after today. */
export function checkPastDate(ctx: CommandContext, date: string): void {
  if (!isIsoDate(date)) throw savingsError('date_invalid', 422, { date });
  if (date > isoDateOf(ctx.now)) throw savingsError('date_in_future', 422, { date });
}
