/**
 * The public face of the imports module: what other modules, the CLI and the composition root may use.
 * Everything else in src/imports/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export { importSubmissions } from './commands/import-submissions.ts';
export { reportLines, writeFieldForms } from './export-forms.ts';
export { fieldForm } from './forms/registry.ts';
