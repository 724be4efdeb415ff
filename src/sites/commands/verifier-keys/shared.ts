import { authorize } from '../../../core/auth/policies.ts';
import { coreError } from '../../../core/errors.ts';
import type { CommandContext } from '../../../journal/public.ts';

/**
 * Asks the policy for the organisation a URL names (-1 when there is none, so that codes cannot be
 * probed), then refuses an organisation that does not exist. Returns its code for the event.
 */
export function authorizeKeyManagement(ctx: CommandContext, organisation: { id: number; code: string } | undefined): { id: number; code: string } {
  authorize(ctx.actor, 'verifier_key.manage', { orgId: organisation?.id ?? -1 });
  if (!organisation) throw coreError('not_found', 404);
  return organisation;
}
