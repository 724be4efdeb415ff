import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { registerProductionListPage } from './list.tsx';
import { registerDeclarePages } from './declare.tsx';
import { registerCorrectionPages } from './correct.tsx';
import { registerProductionImportPages } from './import.tsx';

/** The production pages: monthly totals and declarations, declaring, correcting and importing. */
export function registerProductionPages(pages: Hono<AppEnv>) {
  registerProductionListPage(pages);
  registerDeclarePages(pages);
  registerCorrectionPages(pages);
  registerProductionImportPages(pages);
}
