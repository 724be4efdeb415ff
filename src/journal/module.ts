import type { OrebookModule } from '../web/module.ts';
import { journalEventsPerMonth } from './indicators.ts';
import type { Keyring } from './keys.ts';
import { registerJournalPages } from './pages.tsx';
import type { JournalTreeCache } from './queries.ts';
import { registerJournalApi } from './routes.ts';

declare module '../web/context.ts' {
  interface Services {
    /** The keys that sign checkpoints (and the registry's certificates). */
    keyring: Keyring;
    /** The journal's Merkle tree, kept in memory and extended as entries arrive. */
    journalTree: JournalTreeCache;
  }
}

declare module '../web/module.ts' {
  interface DemoServices {
    /** The signing keys (certificates, checkpoints). */
    keyring: Keyring;
  }
}

/** The public journal: every event, signed checkpoints, inclusion and consistency proofs. */
export const journalModule: OrebookModule = {
  name: 'journal',
  registerApi: registerJournalApi,
  registerPages: registerJournalPages,
  indicators: [journalEventsPerMonth],
};
