/**
 * The public face of the journal module: what other modules, the CLI and the composition root may use.
 * Everything else in src/journal/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export { appendEvent, runCommand, signCheckpoint } from './commands.ts';
export type { CommandContext, JournalEvent } from './commands.ts';
export { NoSigningKeyError, adoptRestoredKeys, checkpointWitness, loadKeyring, memoryKeyring, openSealedKeys, publicKeyring, readStoredKeys, rotateKey, sealKeys } from './keys.ts';
export type { Keyring, SealedKeys, StoredKey } from './keys.ts';
export { JournalTreeCache, earliestCheckpointCovering, entryTypesAt, findEntries, journalSize, journalVersion, latestCheckpoint, listCheckpoints, listEntries, loadJournalTree, recentEvents } from './queries.ts';
export type { EntryFilter } from './queries.ts';
export { exportTiles } from './tiles-export.ts';
export { verifyJournal } from './verify.ts';
export { cosignedNote, parseWitnessList, witnessPolicyOf } from './witnesses.ts';
export type { WitnessEndpoint, WitnessPool, WitnessProblem } from './witnesses.ts';
