import type { OrebookModule } from '../web/module.ts';

export const safetyModule: OrebookModule = {
  name: 'safety',
};
