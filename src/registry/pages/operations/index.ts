import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';

export function registerOperationsPages(pages: Hono<AppEnv>): void {
  void pages;
}
