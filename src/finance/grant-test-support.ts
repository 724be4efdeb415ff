import type { Actor } from '../core/auth/roles.ts';
import type { Database } from '../db/connect.ts';
import { runCommand } from '../journal/public.ts';
import { createGrant, type CreateGrantProps } from './commands/create-grant.ts';
import { recordExpenditure, type RecordExpenditureProps } from './commands/record-expenditure.ts';
import { reviseGrantBudget, type BudgetLineProps } from './commands/revise-grant-budget.ts';

/** A grant the rules accept: EUR 320,000 over 2024–2026 for the credit mechanism area, from the donor given. */
export function grantProps(donor: string, overrides: Partial<CreateGrantProps> = {}): CreateGrantProps {
  return {
    donor,
    reference: 'EPRM-2024-017',
    title: 'Scale and digitise the cobalt credit mechanism',
    purpose: 'To scale and digitise the cobalt credit mechanism.',
    currency: 'EUR',
    totalMinor: 32_000_000,
    signedOn: '2024-01-15',
    periodStart: '2024-01-01',
    periodEnd: '2026-12-31',
    activities: [],
    areas: ['credit_mechanism'],
    reportsDue: [{ dueOn: '2025-03-31', description: 'Narrative and financial report 2024' }],
    ...overrides,
  };
}

export const recordGrant = (db: Database, actor: Actor, props: CreateGrantProps) => runCommand(db, actor, (ctx) => createGrant(ctx, props));

export const setBudget = (db: Database, actor: Actor, grantId: number, lines: BudgetLineProps[], reason = 'Budget as signed') => runCommand(db, actor, (ctx) => reviseGrantBudget(ctx, { grantId, reason, lines }));

let voucher = 0;
/** Spending the rules accept: EUR 1,000 of services for the activity given, paid to the organisation, all to the unrestricted funds unless allocations are given. */
export function spendingProps(activity: string, payee: RecordExpenditureProps['payee'], overrides: Partial<RecordExpenditureProps> = {}): RecordExpenditureProps {
  const amountMinor = overrides.amountMinor ?? 100_000;
  return {
    kind: 'expenditure',
    reference: `V-${++voucher}`,
    spentOn: '2024-06-15',
    amountMinor,
    currency: 'EUR',
    activity,
    category: 'services_consultants',
    payee,
    description: 'Registry software development',
    allocations: [{ grantId: null, amountMinor }],
    ...overrides,
  };
}

export const recordSpending = (db: Database, actor: Actor, props: RecordExpenditureProps) => runCommand(db, actor, (ctx) => recordExpenditure(ctx, props));
