import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { registerBatchesPage } from './batches.tsx';
import { registerOverviewPage } from './overview.tsx';
import { registerRetirementsPage } from './retirements.tsx';
import { registerSerialsPage } from './serials.tsx';

/** The public registry, anonymous and in English and French: totals, batches, retirements, serials. */
export function registerPublicRegistryPages(pages: Hono<AppEnv>): void {
  registerOverviewPage(pages);
  registerBatchesPage(pages);
  registerRetirementsPage(pages);
  registerSerialsPage(pages);
}
