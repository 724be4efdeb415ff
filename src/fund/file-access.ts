import { eq } from 'drizzle-orm';
import { can } from '../core/auth/policies.ts';
import type { Actor } from '../core/auth/roles.ts';
import type { Database } from '../db/connect.ts';
import { sites } from '../sites/public.ts';
import { funds, fundTransactions } from './schema.ts';

/**
 * Whether the actor may read the fund whose disbursement cites restricted file `fileId` as its
 * receipt (fund.read at the fund's site). Undefined when no fund transaction cites it.
 */
export async function fundRecordCitingFileIsReadable(db: Database, actor: Actor, fileId: number): Promise<boolean | undefined> {
  const rows = await db
    .select({ cooperative: sites.cooperativeOrganisationId })
    .from(fundTransactions)
    .innerJoin(funds, eq(funds.id, fundTransactions.fundId))
    .innerJoin(sites, eq(sites.id, funds.siteId))
    .where(eq(fundTransactions.receiptFileId, fileId));
  if (rows.length === 0) return undefined;
  return rows.some((row) => can(actor, 'fund.read', { siteCooperativeOrgId: row.cooperative }));
}
