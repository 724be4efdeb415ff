import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';

export function registerFootprintsPages(pages: Hono<AppEnv>): void {
  void pages;
}
