import type { OrebookModule } from '../web/module.ts';

export const importsModule: OrebookModule = {
  name: 'imports',
};
