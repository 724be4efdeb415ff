import { expect } from 'vitest';
import { AppError } from '../src/core/errors.ts';

export type ApiErrorBody = { error: { code: string; message: string; details?: unknown } };

/**
 * Expects an API answer to be this refusal: the status, the stable code and a message a person can
 * read. The caller checks that nothing changed (the journal's size, a module's state).
 */
export async function expectApiRefusal(response: Response, status: number, code: string): Promise<ApiErrorBody['error']> {
  const body = (await response.json()) as ApiErrorBody;
  expect(response.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.message.length).toBeGreaterThan(10);
  return body.error;
}

/**
 * Expects a command to be refused with this code and status, with a French message of its own,
 * and, given `unchanged` (a read of the state the command would change), that it changed nothing.
 */
export async function expectCommandRefusal(run: () => Promise<unknown>, code: string, status: number, options: { unchanged?: () => Promise<unknown> } = {}): Promise<AppError> {
  const before = options.unchanged ? await options.unchanged() : undefined;
  const error = await run().then(
    () => {
      throw new Error(`expected ${code}, but it succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect({ code: (error as AppError).code, status: (error as AppError).status }).toEqual({ code, status });
  expect((error as AppError).text.fr.length).toBeGreaterThan(10);
  expect((error as AppError).text.fr).not.toEqual((error as AppError).text.en);
  if (options.unchanged) expect(await options.unchanged()).toEqual(before);
  return error as AppError;
}
