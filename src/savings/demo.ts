import { asc, eq } from 'drizzle-orm';
import { demoActors } from '../accounts/public.ts';
import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { createGroup } from './commands/create-group.ts';
import { openCycle } from './commands/open-cycle.ts';
import { recordEnterpriseRevenue } from './commands/record-enterprise-revenue.ts';
import { recordMeeting, type MeetingInput } from './commands/record-meeting.ts';
import { registerEnterprise } from './commands/register-enterprise.ts';
import { shareOutCycle } from './commands/share-out.ts';
import { flatInterestMinor, loanMonths } from './ledger.ts';
import { enterpriseSectors, savingsLoans, savingsMeetings, savingsMembers, type committeeRoles } from './schema.ts';

/** The last day the demo records anything on: the same data set whatever day it is loaded. */
const demoUntil = '2026-11-17';
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** Kamilombe's neighbourhoods, where the groups meet. */
const communities = ['Kasulo', 'Musompo', 'Kanina', 'Mutoshi', 'Luilu', 'Dilala', 'Manika'];
const groupNames = ['Tujenge', 'Umoja', 'Tumaini', 'Upendo', 'Amani', 'Furaha', 'Neema', 'Baraka', 'Imani', 'Jitegemee', 'Mshikamano', 'Tusaidiane', 'Maendeleo', 'Bidii', 'Faraja', 'Nguvu', 'Pendo', 'Subira', 'Tuinuane', 'Uzima'];
const womenNames = ['Mwamini', 'Esther', 'Jeanne', 'Chantal', 'Furaha', 'Aline', 'Nadine', 'Sifa', 'Neema', 'Josephine', 'Mireille', 'Rachel', 'Mado', 'Clarisse', 'Bora', 'Dorcas', 'Anuarite', 'Solange'];
const menNames = ['Patrick', 'Jean', 'Pascal', 'Didier', 'Moïse', 'Héritier', 'Trésor', 'Blaise', 'Christian', 'Serge'];
const surnames = ['Kabange', 'Ngoy', 'Mbuyu', 'Ilunga', 'Kasongo', 'Mutombo', 'Kalenga', 'Banza', 'Mwenze', 'Kyungu', 'Nday', 'Mukalay', 'Kapend', 'Tshibangu', 'Kazadi'];
const roles: (typeof committeeRoles)[number][] = ['chair', 'secretary', 'treasurer', 'key_keeper', 'key_keeper', 'money_counter', 'money_counter'];

/** Amounts in CDF centimes: a share of 1 000 CDF, 200 CDF to the social fund, fines of 100 CDF. */
const sharePriceMinor = 100_000;
const socialFundMinor = 20_000;
const fineMinor = 10_000;

type Loan = { owedMinor: number; dueOn: string; repayOn: string };

/**
 * Twenty groups at Kamilombe. Fourteen started in 2025 and met weekly for a year, then shared out;
 * six started in 2026 and are mid-cycle, some loans late. Each meeting goes through `recordMeeting`,
 * so the demo obeys every rule a field officer meets; the simulation tracks what each member owes
 * with the ledger's own interest rule.
 */
export async function loadSavingsDemo(ctx: DemoContext): Promise<void> {
  const { random } = ctx;
  const actors = await demoActors(ctx);
  const field = actors['field@orebook.demo']!;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  let meetings = 0;
  for (let g = 0; g < 20; g += 1) {
    const code = `KAM-VSLA-${String(g + 1).padStart(2, '0')}`;
    const finished = g < 14;
    // Tuesdays: 2025-01-07 onwards for the first fourteen groups, 2026-01-06 onwards for the others.
    const startsOn = finished ? addDays('2025-01-07', g * 21) : addDays('2026-01-06', (g - 14) * 28);
    const size = 15 + Math.floor(random() * 11);
    const members = Array.from({ length: size }, (_, i) => {
      const female = random() < 0.78;
      return { name: `${pick(female ? womenNames : menNames)} ${pick(surnames)}`, sex: female ? ('female' as const) : ('male' as const), committeeRole: roles[i] ?? ('member' as const) };
    });
    await runCommand(ctx.db, field, (c) =>
      createGroup(c, { code, name: `${groupNames[g]!} ${g + 1}`, community: communities[g % communities.length]!, facilitator: g % 4 === 3 ? 'kolwezi-care' : 'fca', formedOn: addDays(startsOn, -14), members }),
    );
    const endsOn = addDays(startsOn, 51 * 7);
    const monthlyInterestBps = pick([500, 1000, 1000]);
    await runCommand(ctx.db, field, (c) => openCycle(c, { groupCode: code, startsOn, endsOn, sharePriceMinor, maxSharesPerMeeting: 5, monthlyInterestBps, socialFundContributionMinor: socialFundMinor }));

    const codes = members.map((_, i) => `${code}-M${String(i + 1).padStart(2, '0')}`);
    const loans = new Map<string, Loan>();
    let cashMinor = 0;
    for (let week = 0; week < 52; week += 1) {
      const meetingDate = addDays(startsOn, week * 7);
      if (meetingDate > demoUntil) break;
      const lastMeeting = week === 51;
      const rows: MeetingInput['members'] = codes.map((memberCode) => {
        const present = random() < 0.9;
        const loan = loans.get(memberCode);
        // A member repays her whole loan at the meeting she planned to; the last meeting clears every loan before the share-out.
        const repaying = loan && (loan.repayOn <= meetingDate || lastMeeting);
        const shares = present ? 1 + Math.floor(random() * random() * 5) : 0;
        const fine = present && random() < 0.05 ? fineMinor : 0;
        if (repaying) loans.delete(memberCode);
        const repaymentMinor = repaying ? loan.owedMinor : 0;
        cashMinor += shares * sharePriceMinor + fine + repaymentMinor;
        return { memberCode, present, shares, socialFundMinor: present ? socialFundMinor : 0, repaymentMinor, fineMinor: fine };
      });
      const newLoans: MeetingInput['loans'] = [];
      // Loans from the fourth meeting, due before the last eight weeks so the cycle can close.
      if (week >= 3 && week <= 40) {
        for (const memberCode of codes) {
          if (loans.has(memberCode) || random() > 0.08) continue;
          const principalMinor = Math.min(cashMinor, (5 + Math.floor(random() * 26)) * 500_000);
          if (principalMinor < 500_000) break;
          const dueDate = addDays(meetingDate, 7 * (4 + Math.floor(random() * 9)));
          const interestMinor = flatInterestMinor(principalMinor, monthlyInterestBps, loanMonths(meetingDate, dueDate));
          // One loan in twelve is repaid seven weeks late: what portfolio at risk measures.
          const repayOn = random() < 1 / 12 ? addDays(dueDate, 49) : dueDate;
          loans.set(memberCode, { owedMinor: principalMinor + interestMinor, dueOn: dueDate, repayOn });
          cashMinor -= principalMinor;
          newLoans.push({ memberCode, principalMinor, dueDate });
        }
      }
      await runCommand(ctx.db, field, (c) => recordMeeting(c, { groupCode: code, cycle: 1, meetingDate, members: rows, loans: newLoans }));
      meetings += 1;
    }
    if (finished) await runCommand(ctx.db, field, (c) => shareOutCycle(c, { groupCode: code, cycle: 1, heldOn: endsOn }));
  }

  // Forty enterprises: three in five started with a group loan a week after it was made.
  const loanRows = await ctx.db
    .select({ id: savingsLoans.id, memberCode: savingsMembers.code, issuedOn: savingsMeetings.heldOn })
    .from(savingsLoans)
    .innerJoin(savingsMembers, eq(savingsMembers.id, savingsLoans.memberId))
    .innerJoin(savingsMeetings, eq(savingsMeetings.id, savingsLoans.meetingId))
    .orderBy(asc(savingsLoans.id));
  const memberRows = await ctx.db.select({ code: savingsMembers.code, joinedOn: savingsMembers.joinedOn }).from(savingsMembers).orderBy(asc(savingsMembers.id));
  const owners = new Set<string>();
  for (let e = 0; e < 40; e += 1) {
    const financed = e % 5 < 3;
    const loan = financed ? pick(loanRows.filter((l) => !owners.has(l.memberCode))) : null;
    const owner = loan ? { code: loan.memberCode, joinedOn: loan.issuedOn } : pick(memberRows.filter((m) => !owners.has(m.code)));
    owners.add(owner.code);
    const planned = addDays(owner.joinedOn, 7 + Math.floor(random() * 60));
    const startedOn = planned < demoUntil ? planned : demoUntil;
    const enterprise = await runCommand(ctx.db, field, (c) => registerEnterprise(c, { ownerMemberCode: owner.code, sector: pick(enterpriseSectors), startedOn, financingLoanId: loan?.id ?? null }));
    const base = (20 + Math.floor(random() * 180)) * 1_000_000;
    for (const month of ['2026-08', '2026-09', '2026-10']) {
      if (`${month}-28` < startedOn) continue;
      await runCommand(ctx.db, field, (c) => recordEnterpriseRevenue(c, { enterpriseCode: enterprise.code, month, revenueMinor: Math.round(base * (0.8 + random() * 0.4)) }));
    }
  }
  ctx.say(`20 savings groups, ${meetings} meetings, 14 share-outs, 40 enterprises`);
}
