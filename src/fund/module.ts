import type { OrebookModule } from '../web/module.ts';

export const fundModule: OrebookModule = {
  name: 'fund',
};
