import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { registerWorkerListPage } from './register.tsx';
import { registerNewWorkerPages } from './new.tsx';
import { registerWorkerImportPages } from './import.tsx';
import { registerWorkerExitPages } from './exit.tsx';
import { registerWorkerPhotoPages } from './photo.tsx';

/** The worker register: the list, registering, exits, photos and imports. */
export function registerWorkersPages(pages: Hono<AppEnv>) {
  registerWorkerListPage(pages);
  registerNewWorkerPages(pages);
  registerWorkerImportPages(pages);
  registerWorkerExitPages(pages);
  registerWorkerPhotoPages(pages);
}
