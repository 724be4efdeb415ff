import fs from 'node:fs';
import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { dryRunLedgerImport, importLedger, type ImportLedgerProps } from './commands/import-ledger.ts';
import { mapLedgerAccount, type MapLedgerAccountProps } from './commands/map-ledger-account.ts';
import { readLedger } from './ledger/read-ledger.ts';
import { recordDemoRates } from './rates-demo.ts';

/**
 * The Kolwezi field office's books for 2023–2025 as Xero exports them ("Account Transactions",
 * in US dollars, dates day first): rent, utilities, payroll, travel, the qualification mission,
 * safety supplies for Kamilombe and bank charges, each with its bank and VAT lines. Invented.
 */
export const demoLedger: ImportLedgerProps = {
  filename: 'xero-account-transactions-kolwezi-2023-2025.csv',
  content: fs.readFileSync(new URL('./demo-ledger.csv', import.meta.url)),
  currency: 'USD',
  dateOrder: 'dmy',
};

/** What the secretariat mapped before its first import: the spending accounts and the bank. */
export const demoLedgerAccounts: MapLedgerAccountProps[] = [
  { account: '090', name: 'Equity BCDC USD current account', mapping: { treatment: 'not_spending' } },
  { account: '6100', name: 'Office rent and utilities', mapping: { treatment: 'spending', activity: 'SECRETARIAT', category: 'indirect_costs' } },
  { account: '6200', name: 'Field office salaries', mapping: { treatment: 'spending', activity: 'SECRETARIAT', category: 'staff' } },
  { account: '6210', name: 'Registry data clerks (EPRM)', mapping: { treatment: 'spending', activity: 'CREDIT-DIGITAL', category: 'staff', grant: 'EPRM-2024-017' } },
  { account: '6300', name: 'Travel and vehicles', mapping: { treatment: 'spending', activity: 'SECRETARIAT', category: 'travel' } },
  { account: '6310', name: 'Site qualification travel', mapping: { treatment: 'spending', activity: 'SITE-QUALIFICATION', category: 'travel' } },
  { account: '6400', name: 'Safety equipment and supplies', mapping: { treatment: 'spending', activity: 'OHS-KAM', category: 'equipment_supplies', grant: 'LFMR-23-04' } },
  { account: '6500', name: 'Bank charges', mapping: { treatment: 'spending', activity: 'SECRETARIAT', category: 'indirect_costs' } },
];

/** The account the first dry run finds unmapped, which the secretariat then marks as not spending. */
export const demoLedgerVatAccount = '820';

/**
 * Part of the demo's spending arrives as the secretariat's would: it maps its accounts, checks
 * the export (the dry run lists the VAT account it forgot), marks that account as not spending,
 * and imports the file through the command the ledger page uses. The grant-funded accounts are
 * in US dollars and their grants in euros: the rates of those days are recorded first.
 */
export async function loadLedgerDemo(ctx: DemoContext): Promise<void> {
  for (const account of demoLedgerAccounts) await runCommand(ctx.db, ctx.system, (c) => mapLedgerAccount(c, account));
  const reading = await readLedger(demoLedger.content, demoLedger);
  await recordDemoRates(ctx, reading.lines.map((line) => ({ currency: 'EUR', on: line.date })));
  const check = await dryRunLedgerImport(ctx.db, ctx.system, demoLedger);
  const unmapped = check.unmappedAccounts.map((account) => account.account);
  if (unmapped.join() !== demoLedgerVatAccount) throw new Error(`the demo ledger's dry run should find only account ${demoLedgerVatAccount} unmapped, not ${unmapped.join(', ')}`);
  await runCommand(ctx.db, ctx.system, (c) => mapLedgerAccount(c, { account: demoLedgerVatAccount, name: check.unmappedAccounts[0]!.name, mapping: { treatment: 'not_spending' } }));
  const { plan } = await runCommand(ctx.db, ctx.system, (c) => importLedger(c, demoLedger));
  ctx.say(`finance: ledger export of ${plan.postings} postings imported, ${plan.toImport.length} of them spending`);
}
