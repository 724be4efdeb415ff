import type { Database } from '../../db/connect.ts';
import { signCheckpoint } from '../../journal/commands.ts';
import type { Keyring } from '../../journal/keys.ts';
import type { JournalTreeCache } from '../../journal/queries.ts';

/**
 * What follows a committed retirement, outside its transaction: a checkpoint signed over the log
 * that now holds the retirement event (so its inclusion proof can be given at once). Idempotent:
 * calling it again for the same retirement changes nothing.
 */
export async function finishRetirement(deps: { db: Database; keyring: Keyring; journalTree?: JournalTreeCache }, retirementId: number): Promise<void> {
  void retirementId;
  await signCheckpoint(deps.db, deps.keyring, 'retirement', deps.journalTree);
}
