import { z } from '@hono/zod-openapi';

/** The one error shape of the API. */
export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi('Error');

/** Response entries for the error statuses a route can give. */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(statuses.map((status) => [status, { description: 'Error', content: { 'application/json': { schema: ErrorSchema } } }]));
}

export function jsonResponse<T extends z.ZodType>(schema: T, description = 'OK') {
  return { description, content: { 'application/json': { schema } } };
}

/** Routes that need a signed-in user or an API token. */
export const signedInSecurity: Record<string, string[]>[] = [{ bearerAuth: [] }, { sessionCookie: [] }];
