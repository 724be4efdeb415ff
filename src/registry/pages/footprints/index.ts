import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { registerFootprintDetailPage } from './detail.tsx';
import { registerFootprintListPages } from './list.tsx';

/** The footprint calculator's pages: a buyer's product lines and calculations, and one calculation with its coverage. */
export function registerFootprintsPages(pages: Hono<AppEnv>): void {
  registerFootprintListPages(pages);
  registerFootprintDetailPage(pages);
}
