import type { Queryable } from '../../db/connect.ts';
import { primary, publicShare, shown, suppressBreakdown, suppressPart, suppressionThreshold, type PublicCount } from '../../core/small-numbers.ts';
import { childrenFigures, type ChildrenFigures } from './figures.ts';

/** A year's figures as the public may see them: aggregates only, every small number suppressed. */
export function publicSummaryOf(figures: ChildrenFigures) {
  // Those identified in the year are part of its caseload; when the cases carried over from earlier
  // years are few, the caseload is hidden rather than the year's headline figure.
  const identifiedTotal = primary(figures.identified.total);
  const carriedOver = figures.caseload - figures.identified.total;
  const caseload: PublicCount = shown(identifiedTotal) && carriedOver < suppressionThreshold ? { suppressed: 'secondary' } : primary(figures.caseload);
  const identified = {
    total: identifiedTotal,
    byAgeGroup: suppressBreakdown(identifiedTotal, figures.identified.ageGroup),
    bySex: suppressBreakdown(identifiedTotal, figures.identified.sex),
    byActivity: suppressBreakdown(identifiedTotal, figures.identified.activity),
    bySite: suppressBreakdown(identifiedTotal, figures.identified.site),
  };
  const receivingSupport = suppressPart(figures.receivingSupport, caseload, figures.caseload);
  const followedUp = suppressPart(figures.followedUp, caseload, figures.caseload);
  const notInChildLabour = suppressPart(figures.notInChildLabour, followedUp, figures.followedUp);
  const closedTotal = suppressPart(figures.closed.total, caseload, figures.caseload);
  const closedByReason = suppressBreakdown(closedTotal, figures.closed.reason);
  const remediated = figures.closed.reason.remediated ?? 0;
  const averageDaysToClosure: PublicCount = remediated < suppressionThreshold ? { suppressed: 'fewer_than_5' } : { value: Math.round(figures.daysToRemediatedClosure / remediated) };
  return {
    year: figures.year,
    threshold: suppressionThreshold,
    identified,
    caseload,
    receivingSupport: { count: receivingSupport, sharePercent: publicShare(receivingSupport, caseload) },
    followedUp,
    notInChildLabour: { count: notInChildLabour, sharePercent: publicShare(notInChildLabour, followedUp) },
    closed: { total: closedTotal, byReason: closedByReason },
    averageDaysToRemediatedClosure: averageDaysToClosure,
  };
}

export type PublicChildrenSummary = ReturnType<typeof publicSummaryOf>;

export async function publicChildrenSummary(db: Queryable, year: number): Promise<PublicChildrenSummary> {
  return publicSummaryOf(await childrenFigures(db, year));
}
