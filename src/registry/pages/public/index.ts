import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';

export function registerPublicRegistryPages(pages: Hono<AppEnv>): void {
  void pages;
}
