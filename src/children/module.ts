import type { OrebookModule } from '../web/module.ts';

export const childrenModule: OrebookModule = {
  name: 'children',
};
