import type { OrebookModule } from '../web/module.ts';
import { registerFilesApi } from './routes.ts';

/** Evidence files (photos, receipts, reports), stored once by content and served by the rules of who may read them. */
export const filesModule: OrebookModule = { name: 'files', registerApi: registerFilesApi };
