import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../web/context.ts';

export function registerFootprintsApi(api: OpenAPIHono<AppEnv>): void {
  void api;
}
