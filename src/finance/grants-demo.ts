import { createOrganisation } from '../accounts/public.ts';
import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { createGrant, type CreateGrantProps } from './commands/create-grant.ts';
import { recordExpenditure, type RecordExpenditureProps } from './commands/record-expenditure.ts';
import { recordGrantMoney } from './commands/record-grant-receipt.ts';
import { recordPartnerCommitment, type RecordPartnerCommitmentProps } from './commands/record-partner-commitment.ts';
import { reviseGrantBudget, type BudgetLineProps } from './commands/revise-grant-budget.ts';
import type { CostCategory } from './grants-schema.ts';
import { recordDemoRates } from './rates-demo.ts';

/** Two donors invented for the demo, beside the EPRM that the accounts demo creates. */
const inventedDonors = [
  { code: 'lumen-fdn', name: 'Fondation Lumen pour les Mines Responsables (demo)', kind: 'donor' as const, country: 'CH' },
  { code: 'nordic-fund', name: 'Nordic Fund for Fair Supply Chains (demo)', kind: 'donor' as const, country: 'NO' },
];

/** An implementing partner of the savings groups, invented for the demo. */
const inventedPartners = [{ code: 'tujenge', name: 'Association Tujenge pour l’Épargne (demo)', kind: 'partner' as const, country: 'CD' }];

/** The donors and the partner the finance demo invents: before the activities, which name the partner. */
export async function createFinanceDemoOrganisations(ctx: DemoContext): Promise<void> {
  for (const organisation of [...inventedDonors, ...inventedPartners]) ctx.organisations[organisation.code] = (await runCommand(ctx.db, ctx.system, (c) => createOrganisation(c, organisation))).id;
}

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

type SpendingLine = {
  category: CostCategory;
  payee: RecordExpenditureProps['payee'];
  amountMinor: number;
  /** EUR unless said: the field office pays in US dollars and francs, the Geneva meetings in francs suisses. */
  currency?: string;
  description: string;
  /** The month it is paid in; by default March, May, July... in the order of the lines. */
  month?: number;
  /** A disbursement, paying this outgoing commitment (by its reference). */
  disburses?: string;
};

/** Where the demo's spending goes, per activity: the grant that pays part of it (by reference), the categories and payees. */
const spendingPlan: { activity: string; grant: string | null; years: number[]; lines: SpendingLine[] }[] = [
  {
    activity: 'CREDIT-DIGITAL',
    grant: 'EPRM-2024-017',
    years: [2024, 2025],
    lines: [
      { category: 'staff', payee: { organisation: 'fca' }, amountMinor: 3_700_000, description: 'Registry and data team salaries' },
      { category: 'services_consultants', payee: { individual: 'Didier Mbuyi (demo)' }, amountMinor: 1_800_000, description: 'Software development contract' },
      { category: 'travel', payee: { organisation: 'fca' }, amountMinor: 1_300_000, description: 'Site visits Kolwezi' },
      { category: 'equipment_supplies', payee: { organisation: 'cmds' }, amountMinor: 420_000, description: 'Tablets for site records' },
      { category: 'travel', payee: { organisation: 'fca' }, amountMinor: 640_000, currency: 'USD', month: 10, description: 'Field team flights Lubumbashi–Kolwezi and per diems' },
      { category: 'indirect_costs', payee: { organisation: 'fca' }, amountMinor: 450_000, month: 12, description: 'Share of the secretariat’s office and audit' },
    ],
  },
  {
    activity: 'CHILD-REMEDIATION',
    grant: 'LFMR-23-04',
    years: [2024, 2025],
    lines: [{ category: 'grants_to_partners', payee: { organisation: 'kolwezi-care' }, amountMinor: 2_600_000, description: 'Case management and schooling', disburses: 'KC-2024-01', month: 8 }],
  },
  {
    activity: 'OHS-KAM',
    grant: 'LFMR-23-04',
    years: [2024, 2025],
    lines: [
      { category: 'equipment_supplies', payee: { organisation: 'cmds' }, amountMinor: 2_900_000, month: 6, description: 'Pit shoring and protective equipment' },
      { category: 'staff', payee: { individual: 'Aline Kasongo (demo)' }, amountMinor: 1_200_000, month: 7, description: 'Safety trainer' },
      { category: 'equipment_supplies', payee: { organisation: 'cmds' }, amountMinor: 950_000_000, currency: 'CDF', month: 9, description: 'First-aid posts restocked, bought in Kolwezi' },
      { category: 'services_consultants', payee: { organisation: 'cmds' }, amountMinor: 380_000, month: 11, description: 'Pit safety inspections' },
    ],
  },
  {
    activity: 'SAVINGS-GROUPS',
    grant: 'NFFSC-2025-2',
    years: [2025],
    lines: [
      { category: 'staff', payee: { organisation: 'cmds' }, amountMinor: 1_700_000, description: 'Savings group facilitators' },
      { category: 'grants_to_partners', payee: { organisation: 'tujenge' }, amountMinor: 1_800_000, description: 'Savings group training and lockboxes', disburses: 'TJ-2025-01', month: 6 },
      { category: 'equipment_supplies', payee: { organisation: 'tujenge' }, amountMinor: 260_000, currency: 'USD', month: 9, description: 'Starter kits for micro-enterprises' },
    ],
  },
  {
    activity: 'SITE-QUALIFICATION',
    grant: null,
    years: [2023],
    lines: [
      { category: 'services_consultants', payee: { organisation: 'cmds' }, amountMinor: 1_100_000, month: 9, description: 'Qualification mission preparation' },
      { category: 'equipment_supplies', payee: { organisation: 'cmds' }, amountMinor: 380_000, month: 11, description: 'Boundary markers and GPS survey of the site' },
    ],
  },
  { activity: 'SITE-QUALIFICATION', grant: null, years: [2024], lines: [{ category: 'services_consultants', payee: { organisation: 'cmds' }, amountMinor: 1_100_000, month: 2, description: 'Qualification mission and its report' }] },
  {
    activity: 'SECRETARIAT',
    grant: null,
    years: [2023, 2024, 2025],
    lines: [
      { category: 'staff', payee: { organisation: 'fca' }, amountMinor: 6_000_000, description: 'Secretariat salaries' },
      { category: 'indirect_costs', payee: { organisation: 'fca' }, amountMinor: 1_500_000, description: 'Office and audit' },
      { category: 'travel', payee: { organisation: 'fca' }, amountMinor: 1_450_000, currency: 'CHF', month: 6, description: 'Board and members’ meeting in Geneva' },
      { category: 'services_consultants', payee: { individual: 'Hélène Marchal (demo)' }, amountMinor: 900_000, month: 10, description: 'Annual Impact and Finance Report: editing and translation' },
    ],
  },
];

/** The outgoing commitments (contracts) with implementing partners, which disbursements pay. */
const partnerCommitments: RecordPartnerCommitmentProps[] = [
  { reference: 'KC-2024-01', partner: 'kolwezi-care', activity: 'CHILD-REMEDIATION', amountMinor: 5_200_000, currency: 'EUR', signedOn: '2024-06-10', description: 'Child remediation case management 2024–2025' },
  { reference: 'TJ-2025-01', partner: 'tujenge', activity: 'SAVINGS-GROUPS', amountMinor: 3_600_000, currency: 'EUR', signedOn: '2025-02-10', description: 'Savings group training and accompaniment 2025–2026' },
];

/**
 * The alliance's grants and spending: the EPRM grant of EUR 320,000 for 2024–2026, two invented
 * donors' grants with their tranches, the contracts with two implementing partners, and spending
 * for 2023–2025 across the programme areas and cost categories, part of it charged to the grants
 * (with partners' disbursements, an overspent line, spending in US dollars, francs suisses and
 * Congolese francs converted at the day's rates, and individual payees, whose names stay with the
 * secretariat).
 */
export async function loadGrantsDemo(ctx: DemoContext): Promise<void> {
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
  for (const commitment of partnerCommitments) await runCommand(ctx.db, ctx.system, (c) => recordPartnerCommitment(c, commitment));
  let voucher = 0;
  for (const plan of spendingPlan) {
    const grant = plan.grant ? grants.find((g) => g.reference === plan.grant)! : null;
    for (const year of plan.years) {
      for (const [index, line] of plan.lines.entries()) {
        const currency = line.currency ?? 'EUR';
        const spentOn = `${year}-${String(line.month ?? 3 + index * 2).padStart(2, '0')}-15`;
        // Spending in another currency than its grant's is charged at that day's rates.
        if (grant && currency !== grant.currency) await recordDemoRates(ctx, [{ currency, on: spentOn }, { currency: grant.currency, on: spentOn }]);
        // Two thirds to the grant, the rest from unrestricted funds.
        const grantShare = grant ? Math.round((line.amountMinor * 2) / 3) : 0;
        const allocations = grant ? [{ grantId: grantIds.get(grant.reference)!, amountMinor: grantShare }, { grantId: null, amountMinor: line.amountMinor - grantShare }] : [{ grantId: null, amountMinor: line.amountMinor }];
        await runCommand(ctx.db, ctx.system, (c) =>
          recordExpenditure(c, {
            kind: line.disburses ? 'disbursement' : 'expenditure',
            reference: `FCA-${year}-${String(++voucher).padStart(4, '0')}`,
            spentOn,
            amountMinor: line.amountMinor,
            currency,
            activity: plan.activity,
            category: line.category,
            payee: line.payee,
            description: line.description,
            ...(line.disburses ? { partnerCommitment: line.disburses } : {}),
            allocations,
          }),
        );
      }
    }
  }
  ctx.say(`finance: ${grants.length} grants from ${inventedDonors.length + 1} donors, ${partnerCommitments.length} partner contracts, ${voucher} payments`);
}
