import type { Context } from 'hono';
import { AppError } from '../core/errors.ts';
import type { Locale } from '../core/i18n/index.ts';
import type { FieldErrors } from './components.tsx';
import type { AppEnv } from './context.ts';

/** A posted form's text fields by name. */
export type Form = Record<string, string>;

/** The text fields of a posted form (a field sent twice keeps its last value); files are left out. */
export async function formOf(c: Context<AppEnv>): Promise<Form> {
  const body = await c.req.parseBody();
  return Object.fromEntries(Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/**
 * A posted multipart form: its text fields (a field sent more than once, such as ticked boxes,
 * joined by commas) and its non-empty files by field name.
 */
export async function formWithFiles(c: Context<AppEnv>): Promise<{ form: Form; files: Record<string, File[]> }> {
  const body = await c.req.parseBody({ all: true });
  const form: Form = {};
  const files: Record<string, File[]> = {};
  for (const [name, value] of Object.entries(body)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item instanceof File) {
        if (item.size > 0) (files[name] ??= []).push(item);
      } else if (typeof item === 'string') form[name] = name in form ? `${form[name]},${item}` : item;
    }
  }
  return { form, files };
}

/** The statuses a refused command shows on its form: a number typed wrong (404), a conflict (409), a rule broken (422). */
export type RefusalStatus = 404 | 409 | 422;
const formStatuses: readonly number[] = [404, 409, 422];

/** Which field of the form a refusal concerns: by a function of the error, or by its code (anything else goes at the top, `form`). */
export type FieldOfRefusal = ((error: AppError) => string) | Record<string, string>;

/**
 * A command's refusal as the errors of the form it came from: beside the field `fieldOf` names for
 * it, else at the top of the form. Anything else (401 and 403 included) is not the form's to show
 * and is thrown on, to the sign-in or error page.
 */
export function refusalOnForm(error: unknown, locale: Locale, fieldOf: FieldOfRefusal = {}): { errors: FieldErrors; status: RefusalStatus } {
  if (!(error instanceof AppError) || !formStatuses.includes(error.status)) throw error;
  const field = typeof fieldOf === 'function' ? fieldOf(error) : (fieldOf[error.code] ?? 'form');
  return { errors: { [field]: error.text[locale] }, status: error.status as RefusalStatus };
}
