import type { Queryable } from '../db/connect.ts';
import { listOperatorGroups } from '../sites/public.ts';
import { fundError } from './messages/errors.ts';
import type { Fund } from './ledger.ts';

/** The groups a committee member may represent: the alliance, the cooperative, and the site's operator groups. */
export async function committeeGroups(db: Queryable, siteId: number): Promise<string[]> {
  return ['alliance', 'cooperative', ...(await listOperatorGroups(db, siteId)).map((g) => g.code)];
}

/** Refuses a group the site's committee has no seat for. */
export async function assertGroups(db: Queryable, fund: Fund, groups: readonly string[]) {
  const known = await committeeGroups(db, fund.siteId);
  const unknown = groups.find((g) => !known.includes(g));
  if (unknown !== undefined) throw fundError('group_unknown', 422, { group: unknown, groups: known.join(', ') });
}
