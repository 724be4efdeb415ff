import type { z } from 'zod';
import type { FieldErrors } from '../../web/components.tsx';

/** Field errors from a zod failure, keyed by field name, in the reader's language where we have words for it. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) errors[String(issue.path[0] ?? 'form')] ??= issue.message;
  return errors;
}
