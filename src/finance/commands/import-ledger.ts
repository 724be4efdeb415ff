import { authorize } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import type { Queryable } from '../../db/connect.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { storeFile } from '../../files/public.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { financeAllocations, financeExpenditures } from '../grants-schema.ts';
import { financeLedgerImports, financeLedgerPostings } from '../ledger-schema.ts';
import { planLedgerImport, type LedgerPlan } from '../ledger/plan.ts';
import type { DateOrder } from '../ledger/read-ledger.ts';
import { ledgerError } from '../messages/ledger.ts';

export type ImportLedgerProps = { filename: string; content: Buffer; currency: string; dateOrder: DateOrder };

/** The secretariat's dry run: what importing the file would do and every posting it could not take. A read: it writes nothing. */
export async function dryRunLedgerImport(db: Queryable, actor: Actor, props: Omit<ImportLedgerProps, 'filename'>): Promise<LedgerPlan> {
  authorize(actor, 'finance.manage');
  return planLedgerImport(db, { ...checked(props), today: isoDateOf(new Date()) });
}

function checked<P extends Omit<ImportLedgerProps, 'filename'>>(props: P) {
  if (!Buffer.isBuffer(props.content) || props.content.length === 0) throw ledgerError('ledger_file_required', 422);
  if (props.dateOrder !== 'dmy' && props.dateOrder !== 'mdy') throw ledgerError('ledger_date_order_invalid', 422);
  return props;
}

/**
 * Imports a general-ledger export: every new posting on a spending account becomes an expenditure
 * (IATI type 4) on its account's activity and cost category, charged wholly to its account's grant
 * or to unrestricted funds. Postings taken before (by key) are skipped, so importing the same or an
 * overlapping export again adds nothing. Refused whole, with nothing written, while any posting
 * cannot be taken (the dry run lists them). The file is kept as restricted evidence (it names
 * people); the journal records one event for the import, with the file's SHA-256 and each
 * expenditure, payees that are people as "individual".
 */
export async function importLedger(ctx: CommandContext, props: ImportLedgerProps) {
  authorize(ctx.actor, 'finance.manage');
  const plan = await planLedgerImport(ctx.tx, { ...checked(props), today: isoDateOf(ctx.now) });
  if (plan.problems.length > 0) throw ledgerError('ledger_has_problems', 422, { count: String(plan.problems.length) }, { problems: plan.problems.slice(0, 200), unmappedAccounts: plan.unmappedAccounts });
  const file = await storeFile(ctx, { filename: props.filename || `ledger.${plan.format}`, contentType: plan.format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv', content: props.content, visibility: 'personal' });
  const [ledgerImport] = await ctx.tx
    .insert(financeLedgerImports)
    .values({ fileId: file.id, fileSha256: plan.sha256, currency: props.currency, postings: plan.postings, imported: plan.toImport.length, alreadyImported: plan.alreadyImported.length, notSpending: plan.notSpending.length, createdAt: ctx.now })
    .returning();
  const imported: { key: string; expenditureId: number; account: string }[] = [];
  const facts: Record<string, string | number | null>[] = [];
  for (let start = 0; start < plan.toImport.length; start += 500) {
    const batch = plan.toImport.slice(start, start + 500);
    const rows = await ctx.tx
      .insert(financeExpenditures)
      .values(
        batch.map((line) => ({
          transactionType: 4,
          reference: `GL-${line.key.slice(0, 24)}`,
          spentOn: line.date,
          amountMinor: line.amountMinor,
          currency: line.currency,
          activityId: line.activityId,
          costCategory: line.category,
          payeeOrganisationId: 'organisationId' in line.payTo ? line.payTo.organisationId : null,
          payeeIndividualName: 'individual' in line.payTo ? line.payTo.individual : null,
          description: [line.description || line.accountName || line.account, line.reference && `(${line.reference})`].filter(Boolean).join(' ').slice(0, 500),
          createdAt: ctx.now,
        })),
      )
      .returning({ id: financeExpenditures.id });
    await ctx.tx.insert(financeAllocations).values(
      batch.map((line, i) => ({ expenditureId: rows[i]!.id, grantId: line.grant?.id ?? null, amountMinor: line.amountMinor, grantAmountMinor: line.grant?.amountMinor ?? null })),
    );
    batch.forEach((line, i) => {
      imported.push({ key: line.key, expenditureId: rows[i]!.id, account: line.account });
      facts.push({
        expenditureId: rows[i]!.id,
        key: line.key,
        spentOn: line.date,
        amountMinor: line.amountMinor,
        currency: line.currency,
        activity: line.activity,
        category: line.category,
        // A person is never named outside the secretariat, the public journal included.
        payee: 'code' in line.payTo ? line.payTo.code : 'individual',
        grant: line.grant?.reference ?? null,
      });
    });
  }
  const postings = [...imported.map((p) => ({ ...p, importId: ledgerImport!.id })), ...plan.notSpending.map((line) => ({ key: line.key, account: line.account, expenditureId: null, importId: ledgerImport!.id }))];
  for (let start = 0; start < postings.length; start += 1_000) await ctx.tx.insert(financeLedgerPostings).values(postings.slice(start, start + 1_000));
  await appendEvent(ctx, {
    type: 'finance.ledger_imported',
    subject: `ledger-import:${ledgerImport!.id}`,
    payload: { importId: ledgerImport!.id, fileSha256: plan.sha256, postings: plan.postings, alreadyImported: plan.alreadyImported.length, notSpending: plan.notSpending.length, expenditures: facts },
  });
  return { import: ledgerImport!, plan };
}
