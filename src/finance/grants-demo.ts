import { createOrganisation } from '../accounts/public.ts';
import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { createGrant, type CreateGrantProps } from './commands/create-grant.ts';
import { recordExpenditure, type RecordExpenditureProps } from './commands/record-expenditure.ts';
import { recordGrantMoney } from './commands/record-grant-receipt.ts';
import { recordPartnerCommitment } from './commands/record-partner-commitment.ts';
import { reviseGrantBudget, type BudgetLineProps } from './commands/revise-grant-budget.ts';
import type { CostCategory } from './grants-schema.ts';

/** Two donors invented for the demo, beside the EPRM that the accounts demo creates. */
const inventedDonors = [
  { code: 'lumen-fdn', name: 'Fondation Lumen pour les Mines Responsables (demo)', kind: 'donor' as const, country: 'CH' },
  { code: 'nordic-fund', name: 'Nordic Fund for Fair Supply Chains (demo)', kind: 'donor' as const, country: 'NO' },
];

const grants: (CreateGrantProps & { budget: BudgetLineProps[]; receipts: [string, number][] })[] = [
  {
    donor: 'eprm',
    reference: 'EPRM-2024-017',
    title: 'Scale and digitise the cobalt credit mechanism',
    purpose: 'To scale and digitise the cobalt credit mechanism: more artisanal sites in the Responsible Minerals Credit mechanism, and its records online for buyers and donors.',
    currency: 'EUR',
    totalMinor: 32_000_000,
    signedOn: '2024-01-22',
    periodStart: '2024-01-01',
    periodEnd: '2026-12-31',
    activities: ['CREDIT-DIGITAL'],
    areas: [],
    reportsDue: [
      { dueOn: '2025-03-31', description: 'Narrative and financial report 2024' },
      { dueOn: '2026-03-31', description: 'Narrative and financial report 2025' },
      { dueOn: '2027-03-31', description: 'Final report and audit' },
    ],
    budget: [2024, 2025, 2026].flatMap((year) => [
      { activity: 'CREDIT-DIGITAL', category: 'staff', year, amountMinor: 4_000_000 },
      { activity: 'CREDIT-DIGITAL', category: 'services_consultants', year, amountMinor: year === 2024 ? 3_500_000 : 2_500_000 },
      { activity: 'CREDIT-DIGITAL', category: 'travel', year, amountMinor: 800_000 },
      { activity: 'CREDIT-DIGITAL', category: 'equipment_supplies', year, amountMinor: 700_000 },
      { activity: 'CREDIT-DIGITAL', category: 'indirect_costs', year, amountMinor: 600_000 },
    ]),
    receipts: [['2024-02-20', 12_800_000], ['2025-02-18', 12_800_000]],
  },
  {
    donor: 'lumen-fdn',
    reference: 'LFMR-23-04',
    title: 'Children out of the mines, safer pits',
    purpose: 'Child labour remediation and occupational safety at Kamilombe.',
    currency: 'EUR',
    totalMinor: 15_000_000,
    signedOn: '2023-05-10',
    periodStart: '2023-06-01',
    periodEnd: '2025-12-31',
    activities: [],
    areas: ['child_labour', 'health_safety'],
    reportsDue: [{ dueOn: '2026-02-28', description: 'Final report' }],
    budget: [2024, 2025].flatMap((year) => [
      { activity: 'CHILD-REMEDIATION', category: 'grants_to_partners', year, amountMinor: 3_000_000 },
      { activity: 'OHS-KAM', category: 'equipment_supplies', year, amountMinor: 2_500_000 },
      { activity: 'OHS-KAM', category: 'staff', year, amountMinor: 1_500_000 },
    ]),
    receipts: [['2023-06-15', 7_500_000], ['2024-07-01', 7_500_000]],
  },
  {
    donor: 'nordic-fund',
    reference: 'NFFSC-2025-2',
    title: 'Savings groups and micro-enterprises',
    purpose: 'Start and accompany savings groups and members’ micro-enterprises around Kamilombe.',
    currency: 'EUR',
    totalMinor: 9_000_000,
    signedOn: '2025-01-14',
    periodStart: '2025-01-01',
    periodEnd: '2026-12-31',
    activities: [],
    areas: ['economic_resilience'],
    reportsDue: [{ dueOn: '2026-01-31', description: 'Annual report 2025' }],
    budget: [2025, 2026].flatMap((year) => [
      { activity: 'SAVINGS-GROUPS', category: 'staff', year, amountMinor: 2_000_000 },
      { activity: 'SAVINGS-GROUPS', category: 'grants_to_partners', year, amountMinor: 2_000_000 },
    ]),
    receipts: [['2025-02-03', 4_500_000]],
  },
];

/** Where the demo's spending goes, per activity: the grant that pays part of it (by reference), the categories and payees. */
const spendingPlan: { activity: string; grant: string | null; years: number[]; lines: { category: CostCategory; payee: RecordExpenditureProps['payee']; amountMinor: number; description: string; kind?: 'disbursement' }[] }[] = [
  {
    activity: 'CREDIT-DIGITAL',
    grant: 'EPRM-2024-017',
    years: [2024, 2025],
    lines: [
      { category: 'staff', payee: { organisation: 'fca' }, amountMinor: 3_700_000, description: 'Registry and data team salaries' },
      { category: 'services_consultants', payee: { individual: 'Didier Mbuyi (demo)' }, amountMinor: 1_800_000, description: 'Software development contract' },
      { category: 'travel', payee: { organisation: 'fca' }, amountMinor: 1_300_000, description: 'Site visits Kolwezi' },
      { category: 'equipment_supplies', payee: { organisation: 'cmds' }, amountMinor: 420_000, description: 'Tablets for site records' },
    ],
  },
  {
    activity: 'CHILD-REMEDIATION',
    grant: 'LFMR-23-04',
    years: [2024, 2025],
    lines: [{ category: 'grants_to_partners', payee: { organisation: 'kolwezi-care' }, amountMinor: 2_600_000, description: 'Case management and schooling', kind: 'disbursement' }],
  },
  {
    activity: 'OHS-KAM',
    grant: 'LFMR-23-04',
    years: [2024, 2025],
    lines: [
      { category: 'equipment_supplies', payee: { organisation: 'cmds' }, amountMinor: 2_900_000, description: 'Pit shoring and protective equipment' },
      { category: 'staff', payee: { individual: 'Aline Kasongo (demo)' }, amountMinor: 1_200_000, description: 'Safety trainer' },
    ],
  },
  { activity: 'SAVINGS-GROUPS', grant: 'NFFSC-2025-2', years: [2025], lines: [{ category: 'staff', payee: { organisation: 'cmds' }, amountMinor: 1_700_000, description: 'Savings group facilitators' }] },
  { activity: 'SITE-QUALIFICATION', grant: null, years: [2023, 2024], lines: [{ category: 'services_consultants', payee: { organisation: 'cmds' }, amountMinor: 1_100_000, description: 'Qualification mission preparation' }] },
  {
    activity: 'SECRETARIAT',
    grant: null,
    years: [2023, 2024, 2025],
    lines: [
      { category: 'staff', payee: { organisation: 'fca' }, amountMinor: 6_000_000, description: 'Secretariat salaries' },
      { category: 'indirect_costs', payee: { organisation: 'fca' }, amountMinor: 1_500_000, description: 'Office and audit' },
    ],
  },
];

/**
 * The alliance's grants and spending: the EPRM grant of EUR 320,000 for 2024–2026, two invented
 * donors' grants, and spending for 2023–2025 across the programme areas, part of it charged to the
 * grants (with a partner's disbursement, an overspent line and individual payees, whose names stay
 * with the secretariat).
 */
export async function loadGrantsDemo(ctx: DemoContext): Promise<void> {
  for (const donor of inventedDonors) ctx.organisations[donor.code] = (await runCommand(ctx.db, ctx.system, (c) => createOrganisation(c, donor))).id;
  const grantIds = new Map<string, number>();
  for (const { budget, receipts, ...props } of grants) {
    const grant = await runCommand(ctx.db, ctx.system, (c) => createGrant(c, props));
    grantIds.set(grant.reference, grant.id);
    await runCommand(ctx.db, ctx.system, (c) => recordGrantMoney(c, { grantId: grant.id, kind: 'commitment', amountMinor: grant.totalMinor, valueOn: grant.signedOn, reference: grant.reference }));
    await runCommand(ctx.db, ctx.system, (c) => reviseGrantBudget(c, { grantId: grant.id, reason: 'Budget as signed', lines: budget }));
    for (const [index, [valueOn, amountMinor]] of receipts.entries()) {
      await runCommand(ctx.db, ctx.system, (c) => recordGrantMoney(c, { grantId: grant.id, kind: 'receipt', amountMinor, valueOn, reference: `${grant.reference}-T${index + 1}` }));
    }
  }
  await runCommand(ctx.db, ctx.system, (c) =>
    recordPartnerCommitment(c, { reference: 'KC-2024-01', partner: 'kolwezi-care', activity: 'CHILD-REMEDIATION', amountMinor: 5_200_000, currency: 'EUR', signedOn: '2024-06-10', description: 'Child remediation case management 2024–2025' }),
  );
  let voucher = 0;
  for (const plan of spendingPlan) {
    for (const year of plan.years) {
      for (const [index, line] of plan.lines.entries()) {
        const grantId = plan.grant ? grantIds.get(plan.grant)! : null;
        // Two thirds to the grant (if it funds the activity that year), the rest from unrestricted funds.
        const grantShare = grantId ? Math.round((line.amountMinor * 2) / 3) : 0;
        const allocations = grantShare > 0 ? [{ grantId, amountMinor: grantShare }, { grantId: null, amountMinor: line.amountMinor - grantShare }] : [{ grantId: null, amountMinor: line.amountMinor }];
        await runCommand(ctx.db, ctx.system, (c) =>
          recordExpenditure(c, {
            kind: line.kind ?? 'expenditure',
            reference: `FCA-${year}-${String(++voucher).padStart(4, '0')}`,
            spentOn: `${year}-${String(3 + index * 2).padStart(2, '0')}-15`,
            amountMinor: line.amountMinor,
            currency: 'EUR',
            activity: plan.activity,
            category: line.category,
            payee: line.payee,
            description: line.description,
            ...(line.kind === 'disbursement' ? { partnerCommitment: 'KC-2024-01' } : {}),
            allocations,
          }),
        );
      }
    }
  }
  ctx.say(`finance: ${grants.length} grants from ${inventedDonors.length + 1} donors, ${voucher} payments`);
}
