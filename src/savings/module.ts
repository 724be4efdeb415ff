import type { OrebookModule } from '../web/module.ts';

export const savingsModule: OrebookModule = {
  name: 'savings',
};
