/**
 * The public face of the files module: what other modules, the CLI and the composition root may use.
 * Everything else in src/files/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export { maxFileBytes, storeFile } from './commands.ts';
export type { StoredFile } from './commands.ts';
export { findFile } from './queries.ts';
export { files } from './schema.ts';
