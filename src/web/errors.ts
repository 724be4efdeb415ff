import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, coreError } from '../core/errors.ts';
import type { AppEnv } from './context.ts';

/** Turns anything thrown into the AppError a client sees; unknown errors become a logged 500. */
export function toAppError(error: unknown, c: Context<AppEnv>): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return coreError('payload_too_large', 413, { limit: c.get('deps').bodyLimitBytes });
    if (error.status === 415) return coreError('unsupported_media_type', 415);
    if (error.status === 400 && /malformed json/i.test(error.message)) return coreError('malformed_json', 400);
    if (error.status === 400) return coreError('validation_failed', 400, { fields: error.message });
  }
  const requestId = c.get('requestId') ?? 'unknown';
  c.get('deps')?.logger.error({ requestId, err: { message: (error as Error)?.message, stack: (error as Error)?.stack } }, 'unhandled error');
  return coreError('internal_error', 500, { requestId });
}

export function errorBody(error: AppError, c: Context<AppEnv>) {
  const locale = c.get('locale') ?? 'en';
  return { error: { code: error.code, message: error.text[locale], ...(error.details === undefined ? {} : { details: error.details }) } };
}

/** zod-openapi's hook: a request that fails its schema gets `validation_failed` with every issue. */
export function validationHook(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string; code: string }[] } }) {
  if (result.success) return;
  const issues = (result.error?.issues ?? []).map((issue) => ({
    path: issue.path.map(String).join('.'),
    code: issue.code,
    message: issue.message,
  }));
  const fields = [...new Set(issues.map((issue) => issue.path || '(body)'))].join(', ');
  throw coreError('validation_failed', 400, { fields }, issues);
}
