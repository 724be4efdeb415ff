import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, coreError, databaseErrorCode, loggableError } from '../core/errors.ts';
import type { AppEnv } from './context.ts';

/**
 * SQLSTATEs of values the database cannot hold (class 22, data exception): the request's fault, not
 * the server's, whatever check a route forgot (an id past int4, text in a number's place).
 */
const refusedValueStates = new Set([
  '22001', // string_data_right_truncation
  '22003', // numeric_value_out_of_range
  '22007', // invalid_datetime_format
  '22008', // datetime_field_overflow
  '22021', // character_not_in_repertoire
  '22P02', // invalid_text_representation
  '22P05', // untranslatable_character
]);

/** Turns anything thrown into the AppError a client sees; unknown errors become a logged 500. */
export function toAppError(error: unknown, c: Context<AppEnv>): AppError {
  if (error instanceof AppError) return error;
  const sqlState = databaseErrorCode(error);
  if (sqlState && refusedValueStates.has(sqlState)) {
    // Usually a check a route forgot; kept visible (without the values) in case it is a computation's overflow.
    c.get('deps')?.logger.warn({ requestId: c.get('requestId'), method: c.req.method, route: c.req.routePath, sqlState }, 'database refused a value');
    return coreError('invalid_value', 400);
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) return coreError('payload_too_large', 413, { limit: c.get('deps').bodyLimitBytes }, undefined, { Connection: 'close' });
    if (error.status === 415) return coreError('unsupported_media_type', 415);
    if (error.status === 400 && /malformed json/i.test(error.message)) return coreError('malformed_json', 400);
    if (error.status === 400) return coreError('validation_failed', 400, { fields: error.message });
  }
  const requestId = c.get('requestId') ?? 'unknown';
  // The route pattern, never the concrete URL; the error without the values of a failed query.
  c.get('deps')?.logger.error({ requestId, method: c.req.method, route: c.req.routePath, err: loggableError(error) }, 'unhandled error');
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
