import { createOrganisation, findOrganisation } from '../accounts/public.ts';
import type { OrganisationKind } from '../core/auth/roles.ts';
import { addMonths } from '../core/calendar.ts';
import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { createMembership, type CreateMembershipProps } from './commands/members/create-membership.ts';
import { issueContributionCalls } from './commands/members/issue-contribution-calls.ts';
import { recordContributionPayment } from './commands/members/record-contribution-payment.ts';
import { setContributionRate } from './commands/members/set-contribution-rate.ts';
import type { MembershipCategory } from './contribution-rule.ts';

/** The members that joined in 2024 and are not yet organisations of the demo. */
const newOrganisations: { code: string; name: string; kind: OrganisationKind; country: string }[] = [
  { code: 'northvolt', name: 'Northvolt AB', kind: 'member', country: 'SE' },
  { code: 'telf', name: 'Telf AG', kind: 'member', country: 'CH' },
];

const usd = (dollars: number) => dollars * 100;

/** The yearly rates, in US dollars: the fixed amount of each category, and its scale (per tonne of declared cobalt, floor, cap). */
const ratesByCategory: Record<MembershipCategory, { fixed: number[]; perTonne: number; floor: number; cap: number }> = {
  // Members' contributions pay for the secretariat and the Kolwezi office, which no grant funds.
  upstream: { fixed: [20_000, 20_000, 20_000], perTonne: 40, floor: 10_000, cap: 100_000 },
  midstream: { fixed: [60_000, 60_000, 64_000], perTonne: 60, floor: 30_000, cap: 160_000 },
  downstream: { fixed: [100_000, 100_000, 110_000], perTonne: 80, floor: 40_000, cap: 240_000 },
  civil_society: { fixed: [4_000, 4_000, 4_000], perTonne: 4, floor: 2_000, cap: 4_000 },
  associate: { fixed: [10_000, 10_000, 10_000], perTonne: 20, floor: 4_000, cap: 20_000 },
};
const years = [2023, 2024, 2025];

/**
 * The alliance's members: the demo's two companies, and the three that joined in 2024 (Northvolt,
 * the Alliance for Responsible Mining, Telf AG). Categories and dates are illustrative; so are the
 * declared cobalt uses and every amount. Nordcell (invented) is the member that pays late.
 */
const demoMembers: CreateMembershipProps[] = [
  { organisation: 'fairphone', category: 'downstream', memberSince: '2022-05-01', rule: 'category_fixed' },
  { organisation: 'nordcell', category: 'downstream', memberSince: '2023-01-16', rule: 'cobalt_scaled', declaredCobaltKg: 850_500 },
  { organisation: 'arm', category: 'civil_society', memberSince: '2024-02-12', rule: 'category_fixed' },
  { organisation: 'northvolt', category: 'downstream', memberSince: '2024-03-04', rule: 'cobalt_scaled', declaredCobaltKg: 1_200_000 },
  { organisation: 'telf', category: 'midstream', memberSince: '2024-06-17', rule: 'category_fixed' },
];

/** How each call was paid: [member, year, part of the amount in percent, received on], in the order received. Nordcell's 2025 call stays part paid, in arrears. */
const demoPayments: [string, number, number, string][] = [
  ['fairphone', 2023, 100, '2023-03-08'],
  ['nordcell', 2023, 100, '2023-04-20'],
  ['fairphone', 2024, 100, '2024-03-12'],
  ['nordcell', 2024, 50, '2024-04-02'],
  ['arm', 2024, 100, '2024-05-06'],
  ['northvolt', 2024, 100, '2024-05-21'],
  ['nordcell', 2024, 50, '2024-06-28'],
  ['telf', 2024, 100, '2024-09-30'],
  ['fairphone', 2025, 100, '2025-03-05'],
  ['arm', 2025, 100, '2025-03-17'],
  ['northvolt', 2025, 100, '2025-03-26'],
  ['telf', 2025, 100, '2025-03-28'],
  ['nordcell', 2025, 30, '2025-05-15'],
];

/** Members, the rates of 2023–2025, their calls (one member at a time as they joined, then all of 2025 at once) and payments. */
export async function loadMembersDemo(ctx: DemoContext): Promise<void> {
  const act = <T>(command: Parameters<typeof runCommand<T>>[2]) => runCommand(ctx.db, ctx.system, command);
  for (const organisation of newOrganisations) {
    if (await findOrganisation(ctx.db, { code: organisation.code })) continue;
    ctx.organisations[organisation.code] = (await act((c) => createOrganisation(c, organisation))).id;
  }
  for (const [index, year] of years.entries()) {
    for (const [category, rate] of Object.entries(ratesByCategory)) {
      await act((c) => setContributionRate(c, { year, category, currency: 'USD', fixedAmountMinor: usd(rate.fixed[index]!), perTonneMinor: usd(rate.perTonne), floorMinor: usd(rate.floor), capMinor: usd(rate.cap) }));
    }
  }
  for (const member of demoMembers) await act((c) => createMembership(c, member));
  const calls = new Map<string, { number: string; amountMinor: number }>();
  for (const year of years.slice(0, -1)) {
    for (const member of demoMembers.filter((m) => m.memberSince <= `${year}-12-31`)) {
      const issuedOn = member.memberSince > `${year}-01-15` ? member.memberSince : `${year}-01-15`;
      const [call] = await act((c) => issueContributionCalls(c, { year, organisation: member.organisation, issuedOn, dueOn: addMonths(issuedOn, 2) }));
      calls.set(`${member.organisation}:${year}`, call!);
    }
  }
  for (const call of await act((c) => issueContributionCalls(c, { year: 2025, issuedOn: '2025-01-15', dueOn: '2025-03-31' }))) calls.set(`${call.organisation}:2025`, call);
  for (const [member, year, percent, receivedOn] of demoPayments) {
    const call = calls.get(`${member}:${year}`)!;
    const amountMinor = Math.round((call.amountMinor * percent) / 100);
    await act((c) => recordContributionPayment(c, { call: call.number, amountMinor, currency: 'USD', receivedOn, reference: `DEMO-${call.number}-${receivedOn}` }));
  }
  ctx.say(`finance: ${demoMembers.length} members, ${calls.size} contribution calls, ${demoPayments.length} payments`);
}
