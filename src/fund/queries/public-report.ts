import type { Locale } from '../../core/i18n/index.ts';
import type { Queryable } from '../../db/connect.ts';
import { fundOf, type Fund } from '../ledger.ts';
import { fundAreas, reportingCurrency, type FundArea, type IncomeSource, type ProposalStatus } from '../schema.ts';
import { budgetLinesOf, inOfficeOn, listMembers, listProposals, publicPhotosOf } from './committee.ts';
import { listTransactions, ratesOfTransactions, reportingAmount, spendTiming, type SpendTiming } from './ledger.ts';

type Money = { amountMinor: number; currency: string; usdMinor: number };

export type PublicFundReport = {
  site: { code: string; name: string };
  reportingCurrency: string;
  moneyIn: (Money & { source: IncomeSource })[];
  moneyOut: (Money & { area: FundArea })[];
  committedOpen: (Money & { area: FundArea })[];
  projects: {
    id: number;
    title: string;
    area: FundArea;
    status: ProposalStatus;
    currency: string;
    requestedMinor: number;
    approvedMinor: number | null;
    disbursedMinor: number;
    decidedOn: string | null;
    completion: { completedOn: string; summary: string; finalCostMinor: number; budgetMinor: number; photos: { fileId: number; url: string }[] } | null;
    cancelReason: string | null;
  }[];
  ratesUsed: { currency: string; rateOn: string; unitsPerUsdMicro: number; source: string }[];
  spendTiming: SpendTiming[];
  committee: { membersInOffice: number; groups: string[]; members: { name: string; group: string }[] | null };
};

function addTo<K extends string>(totals: Map<string, Money & Record<string, unknown>>, key: K, extra: Record<string, string>, line: { amountMinor: number; currency: string }, usdMinor: number) {
  const id = `${key}:${line.currency}`;
  const current = totals.get(id) ?? { ...extra, amountMinor: 0, currency: line.currency, usdMinor: 0 };
  current.amountMinor += line.amountMinor;
  current.usdMinor += usdMinor;
  totals.set(id, current);
}

/**
 * The public account of a site's fund: money in by source and out by area and project, in each
 * currency and in US dollars at the rate of each transaction's date (the rates used listed),
 * every project's status with its completion evidence and public photos, how fast premium is
 * spent, and the committee as figures (names only when the committee decided to publish them).
 * Nothing here names a person otherwise.
 */
export async function publicFundReport(db: Queryable, siteCode: string, asOf: string): Promise<PublicFundReport & { fund: Fund }> {
  const fund = await fundOf(db, siteCode);
  const [lines, rates, proposals, members] = await Promise.all([listTransactions(db, fund.id), ratesOfTransactions(db, fund.id), listProposals(db, fund.id), listMembers(db, fund.id)]);
  const moneyIn = new Map<string, Money & Record<string, unknown>>();
  const moneyOut = new Map<string, Money & Record<string, unknown>>();
  const open = new Map<string, Money & Record<string, unknown>>();
  const areaOf = new Map(proposals.map((p) => [p.id, p.area]));
  const disbursedBy = new Map<number, number>();
  const usedRates = new Map<string, NonNullable<ReturnType<typeof reportingAmount>['rate']>>();
  for (const line of lines) {
    const { usdMinor, rate } = reportingAmount(rates, line);
    if (rate) usedRates.set(`${rate.currency}:${rate.rateOn}`, rate);
    const area = line.proposalId === null ? undefined : areaOf.get(line.proposalId)!;
    if (line.kind === 'income') addTo(moneyIn, line.source!, { source: line.source! }, line, usdMinor);
    if (line.kind === 'disbursement') {
      addTo(moneyOut, area!, { area: area! }, line, usdMinor);
      disbursedBy.set(line.proposalId!, (disbursedBy.get(line.proposalId!) ?? 0) + line.amountMinor);
    }
    if (line.kind === 'commitment') addTo(open, area!, { area: area! }, line, usdMinor);
    if (line.kind === 'disbursement' || line.kind === 'release') addTo(open, area!, { area: area! }, { ...line, amountMinor: -line.amountMinor }, -usdMinor);
  }
  const ids = proposals.map((p) => p.id);
  const [budget, photos] = await Promise.all([budgetLinesOf(db, ids), publicPhotosOf(db, ids)]);
  const inOffice = inOfficeOn(members, asOf);
  const order = (area: string) => fundAreas.indexOf(area as FundArea);
  return {
    fund,
    site: { code: fund.siteCode, name: fund.siteName },
    reportingCurrency,
    moneyIn: [...moneyIn.values()] as PublicFundReport['moneyIn'],
    moneyOut: ([...moneyOut.values()] as PublicFundReport['moneyOut']).sort((a, b) => order(a.area) - order(b.area)),
    committedOpen: ([...open.values()] as PublicFundReport['committedOpen']).filter((m) => m.amountMinor !== 0).sort((a, b) => order(a.area) - order(b.area)),
    projects: proposals
      .filter((p) => p.status !== 'draft')
      .map((p) => {
        const lines = budget.filter((b) => b.proposalId === p.id);
        return {
          id: p.id,
          title: p.title,
          area: p.area,
          status: p.status,
          currency: p.currency,
          requestedMinor: p.requestedMinor,
          approvedMinor: p.approvedMinor,
          disbursedMinor: disbursedBy.get(p.id) ?? 0,
          decidedOn: p.decidedOn,
          completion:
            p.status === 'completed'
              ? {
                  completedOn: p.completedOn!,
                  summary: p.completionSummary!,
                  finalCostMinor: lines.reduce((s, l) => s + (l.finalCostMinor ?? 0), 0),
                  budgetMinor: lines.reduce((s, l) => s + l.amountMinor, 0),
                  photos: photos.filter((ph) => ph.proposalId === p.id).map((ph) => ({ fileId: ph.fileId, url: `/api/v1/files/${ph.fileId}` })),
                }
              : null,
          cancelReason: p.cancelReason,
        };
      }),
    ratesUsed: [...usedRates.values()].map((r) => ({ currency: r.currency, rateOn: r.rateOn, unitsPerUsdMicro: r.unitsPerUsdMicro, source: r.source })).sort((a, b) => a.rateOn.localeCompare(b.rateOn)),
    spendTiming: spendTiming(lines, asOf),
    committee: {
      membersInOffice: inOffice.length,
      groups: [...new Set(inOffice.map((m) => m.groupCode))].sort(),
      members: fund.publishMemberNames ? inOffice.map((m) => ({ name: m.personName, group: m.groupCode })) : null,
    },
  };
}

export const areaLabel: Record<FundArea, Record<Locale, string>> = {
  health_safety: { en: 'Health and safety', fr: 'Santé et sécurité' },
  child_rights: { en: 'Child rights', fr: 'Droits de l’enfant' },
  cooperative_governance: { en: 'Cooperative governance', fr: 'Gouvernance coopérative' },
  environment: { en: 'Environment', fr: 'Environnement' },
};
