import { eq, inArray } from 'drizzle-orm';
import { findOrganisation } from '../../accounts/public.ts';
import { AppError } from '../../core/errors.ts';
import type { Localized } from '../../core/i18n/index.ts';
import type { Queryable } from '../../db/connect.ts';
import { convert } from '../../rates/public.ts';
import { financeActivities } from '../schema.ts';
import { financeGrantRestrictions, financeGrants } from '../grants-schema.ts';
import { financeLedgerAccounts, financeLedgerPostings } from '../ledger-schema.ts';
import { ledgerText, type LedgerMessage } from '../messages/ledger.ts';
import { readLedger, type DateOrder, type LedgerLine } from './read-ledger.ts';

export type LedgerAccountMapping = typeof financeLedgerAccounts.$inferSelect & { activityCode: string | null; activityAreaId: number | null; grantReference: string | null };

/** A posting that will become spending: the line, its account's mapping, and the payee as Orebook knows it. */
export type PlannedSpending = LedgerLine & {
  activity: string;
  activityId: number;
  category: string;
  /** The grant it is charged to, and the share in the grant's currency (converted at the day's rates when the posting is in another). */
  grant: { id: number; reference: string; amountMinor: number } | null;
  payTo: { organisationId: number; code: string } | { individual: string };
};

export type LedgerPlanProblem = { row: number; code: LedgerMessage; message: Localized };
export type UnmappedAccount = { account: string; name: string; postings: number; totals: Record<string, number> };

/** What an import of the file would do, and why it could not: the dry run, and the import's own plan. */
export type LedgerPlan = {
  sha256: string;
  format: 'csv' | 'xlsx';
  shape: 'flat' | 'grouped';
  postings: number;
  toImport: PlannedSpending[];
  notSpending: LedgerLine[];
  alreadyImported: LedgerLine[];
  unmappedAccounts: UnmappedAccount[];
  problems: LedgerPlanProblem[];
};

const message = (code: LedgerMessage, params: Record<string, string> = {}): Localized => ({ en: ledgerText.t('en', code, params), fr: ledgerText.t('fr', code, params) });

export async function ledgerAccountMappings(db: Queryable): Promise<LedgerAccountMapping[]> {
  return db
    .select({
      id: financeLedgerAccounts.id,
      code: financeLedgerAccounts.code,
      name: financeLedgerAccounts.name,
      treatment: financeLedgerAccounts.treatment,
      activityId: financeLedgerAccounts.activityId,
      costCategory: financeLedgerAccounts.costCategory,
      grantId: financeLedgerAccounts.grantId,
      updatedAt: financeLedgerAccounts.updatedAt,
      activityCode: financeActivities.code,
      activityAreaId: financeActivities.areaId,
      grantReference: financeGrants.reference,
    })
    .from(financeLedgerAccounts)
    .leftJoin(financeActivities, eq(financeActivities.id, financeLedgerAccounts.activityId))
    .leftJoin(financeGrants, eq(financeGrants.id, financeLedgerAccounts.grantId))
    .orderBy(financeLedgerAccounts.code);
}

/**
 * Reads the file and says, posting by posting, what importing it would do: spending to record
 * (on the mapped activity and category, charged to the mapped grant or to unrestricted funds),
 * postings on accounts that are not spending, postings imported before (by key), and every
 * posting that cannot be taken with its reason: unreadable, on an account not mapped yet, a credit
 * to a spending account, dated in the future, outside its grant's period or on an activity the
 * grant does not fund, or in another currency than its grant's with no rate that day. Writes nothing.
 */
export async function planLedgerImport(db: Queryable, input: { content: Buffer; currency: string; dateOrder: DateOrder; today: string }): Promise<LedgerPlan> {
  const reading = await readLedger(input.content, { currency: input.currency, dateOrder: input.dateOrder });
  const problems: LedgerPlanProblem[] = reading.problems.map((p) => ({ row: p.row, code: p.code, message: message(p.code, { value: p.value }) }));
  const mappings = new Map((await ledgerAccountMappings(db)).map((mapping) => [mapping.code, mapping]));
  const known = new Set<string>();
  const keys = reading.lines.map((line) => line.key);
  for (let start = 0; start < keys.length; start += 1_000) {
    const rows = await db.select({ key: financeLedgerPostings.key }).from(financeLedgerPostings).where(inArray(financeLedgerPostings.key, keys.slice(start, start + 1_000)));
    for (const row of rows) known.add(row.key);
  }
  const grantIds = [...new Set([...mappings.values()].flatMap((m) => (m.grantId === null ? [] : [m.grantId])))];
  const grants = new Map(grantIds.length ? (await db.select().from(financeGrants).where(inArray(financeGrants.id, grantIds))).map((g) => [g.id, g]) : []);
  const restrictions = grantIds.length ? await db.select().from(financeGrantRestrictions).where(inArray(financeGrantRestrictions.grantId, grantIds)) : [];
  const funds = (grantId: number, activity: { id: number; areaId: number }) => restrictions.some((r) => r.grantId === grantId && (r.activityId === activity.id || r.areaId === activity.areaId));
  const payees = new Map<string, PlannedSpending['payTo']>();

  const plan: LedgerPlan = { sha256: reading.sha256, format: reading.format, shape: reading.shape, postings: reading.lines.length + reading.problems.length, toImport: [], notSpending: [], alreadyImported: [], unmappedAccounts: [], problems };
  const unmapped = new Map<string, UnmappedAccount>();
  for (const line of reading.lines) {
    if (known.has(line.key)) {
      plan.alreadyImported.push(line);
      continue;
    }
    const mapping = mappings.get(line.account);
    if (!mapping) {
      const entry = unmapped.get(line.account) ?? { account: line.account, name: line.accountName, postings: 0, totals: {} };
      entry.postings++;
      entry.totals[line.currency] = (entry.totals[line.currency] ?? 0) + line.amountMinor;
      unmapped.set(line.account, entry);
      problems.push({ row: line.row, code: 'account_unmapped', message: message('account_unmapped', { account: line.account }) });
      continue;
    }
    if (mapping.treatment === 'not_spending') {
      plan.notSpending.push(line);
      continue;
    }
    const refuse = (code: LedgerMessage, params: Record<string, string> = {}) => problems.push({ row: line.row, code, message: message(code, { account: line.account, ...params }) });
    if (line.amountMinor < 0) refuse('credit_posting');
    else if (line.amountMinor === 0) refuse('zero_posting');
    else if (line.date > input.today) refuse('future_date', { value: line.date });
    else {
      const activity = { id: mapping.activityId!, areaId: mapping.activityAreaId! };
      const grant = mapping.grantId === null ? null : grants.get(mapping.grantId)!;
      if (grant && (line.date < grant.periodStart || line.date > grant.periodEnd)) refuse('outside_grant_period', { value: line.date, grant: grant.reference, start: grant.periodStart, end: grant.periodEnd });
      else if (grant && !funds(grant.id, activity)) refuse('grant_does_not_fund', { grant: grant.reference, activity: mapping.activityCode ?? '' });
      else {
        let grantShare: number | null = grant ? line.amountMinor : null;
        if (grant && grant.currency !== line.currency) {
          try {
            grantShare = (await convert(db, { amountMinor: line.amountMinor, from: line.currency, to: grant.currency, on: line.date })).amountMinor;
          } catch (error) {
            if (!(error instanceof AppError)) throw error;
            problems.push({ row: line.row, code: 'conversion_refused', message: error.text });
            continue;
          }
        }
        let payee = payees.get(line.payee);
        if (!payee) {
          payee = await payeeOf(db, line.payee);
          payees.set(line.payee, payee);
        }
        plan.toImport.push({ ...line, activity: mapping.activityCode!, activityId: activity.id, category: mapping.costCategory!, grant: grant ? { id: grant.id, reference: grant.reference, amountMinor: grantShare! } : null, payTo: payee });
      }
    }
  }
  plan.unmappedAccounts = [...unmapped.values()].sort((a, b) => a.account.localeCompare(b.account));
  plan.problems.sort((a, b) => a.row - b.row);
  return plan;
}

/**
 * The payee as Orebook knows it: an organisation whose code or name the ledger gives (in any
 * case); anyone else is taken as an individual, whose name stays with the secretariat.
 */
async function payeeOf(db: Queryable, name: string): Promise<PlannedSpending['payTo']> {
  const trimmed = name.trim();
  if (trimmed !== '') {
    const byCode = await findOrganisation(db, { code: trimmed.toLowerCase() });
    if (byCode) return { organisationId: byCode.id, code: byCode.code };
    const byName = await findOrganisation(db, { name: trimmed });
    if (byName) return { organisationId: byName.id, code: byName.code };
  }
  return { individual: trimmed || 'not named in the ledger' };
}
