import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { organisations } from '../../accounts/public.ts';
import { files } from '../../files/public.ts';
import type { Queryable } from '../../db/connect.ts';
import { listOperatorGroups } from '../../sites/public.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { fundPageText } from '../messages/pages.ts';
import { fundBudgetLines, fundCommitteeMembers, fundCompletionPhotos, fundMeetingAttendance, fundMeetings, fundProposals, fundVotes, type VoteChoice } from '../schema.ts';

export type CommitteeMember = typeof fundCommitteeMembers.$inferSelect;
export type Meeting = typeof fundMeetings.$inferSelect & { attendeeIds: number[] };
export type Proposal = typeof fundProposals.$inferSelect & { proposerName: string | null };
export type BudgetLine = typeof fundBudgetLines.$inferSelect;

export async function listMembers(db: Queryable, fundId: number): Promise<CommitteeMember[]> {
  return db.select().from(fundCommitteeMembers).where(eq(fundCommitteeMembers.fundId, fundId)).orderBy(asc(fundCommitteeMembers.groupCode), asc(fundCommitteeMembers.id));
}

/** Members in office on a day. */
export const inOfficeOn = (members: readonly CommitteeMember[], day: string) => members.filter((m) => m.termStart <= day && m.termEnd >= day);

export async function listMeetings(db: Queryable, fundId: number): Promise<Meeting[]> {
  const meetings = await db.select().from(fundMeetings).where(eq(fundMeetings.fundId, fundId)).orderBy(desc(fundMeetings.heldOn), desc(fundMeetings.id));
  if (meetings.length === 0) return [];
  const attendance = await db.select().from(fundMeetingAttendance).where(inArray(fundMeetingAttendance.meetingId, meetings.map((m) => m.id)));
  return meetings.map((m) => ({ ...m, attendeeIds: attendance.filter((a) => a.meetingId === m.id).map((a) => a.memberId) }));
}

const proposalColumns = { proposal: fundProposals, proposerName: organisations.name };

export async function listProposals(db: Queryable, fundId: number): Promise<Proposal[]> {
  const rows = await db.select(proposalColumns).from(fundProposals).leftJoin(organisations, eq(organisations.id, fundProposals.proposerOrganisationId)).where(eq(fundProposals.fundId, fundId)).orderBy(desc(fundProposals.id));
  return rows.map((r) => ({ ...r.proposal, proposerName: r.proposerName }));
}

export async function findProposal(db: Queryable, fundId: number, proposalId: number): Promise<Proposal | undefined> {
  if (!Number.isSafeInteger(proposalId)) return undefined;
  const [row] = await db
    .select(proposalColumns)
    .from(fundProposals)
    .leftJoin(organisations, eq(organisations.id, fundProposals.proposerOrganisationId))
    .where(and(eq(fundProposals.fundId, fundId), eq(fundProposals.id, proposalId)));
  return row && { ...row.proposal, proposerName: row.proposerName };
}

export async function budgetLinesOf(db: Queryable, proposalIds: number[]): Promise<BudgetLine[]> {
  if (proposalIds.length === 0) return [];
  return db.select().from(fundBudgetLines).where(inArray(fundBudgetLines.proposalId, proposalIds)).orderBy(asc(fundBudgetLines.proposalId), asc(fundBudgetLines.position));
}

/** Completion photos of projects, only those stored as public files. */
export async function publicPhotosOf(db: Queryable, proposalIds: number[]) {
  if (proposalIds.length === 0) return [];
  return db
    .select({ proposalId: fundCompletionPhotos.proposalId, fileId: files.id, filename: files.filename })
    .from(fundCompletionPhotos)
    .innerJoin(files, eq(files.id, fundCompletionPhotos.fileId))
    .where(and(inArray(fundCompletionPhotos.proposalId, proposalIds), sql`${files.visibility} = 'public'`))
    .orderBy(asc(files.id));
}

/** A recorded vote with who cast it: personal data, shown by name only where the committee publishes its members' names. */
export type RecordedVote = { proposalId: number; meetingId: number; memberId: number; personName: string; groupCode: string; vote: VoteChoice };

/** The votes recorded on these proposals, by group then member. */
export async function votesOn(db: Queryable, proposalIds: number[]): Promise<RecordedVote[]> {
  if (proposalIds.length === 0) return [];
  return db
    .select({ proposalId: fundVotes.proposalId, meetingId: fundVotes.meetingId, memberId: fundVotes.memberId, personName: fundCommitteeMembers.personName, groupCode: fundCommitteeMembers.groupCode, vote: fundVotes.vote })
    .from(fundVotes)
    .innerJoin(fundCommitteeMembers, eq(fundCommitteeMembers.id, fundVotes.memberId))
    .where(inArray(fundVotes.proposalId, proposalIds))
    .orderBy(asc(fundCommitteeMembers.groupCode), asc(fundCommitteeMembers.id));
}

/** The names of a site's committee groups in a language: the alliance, the cooperative and the site's operator groups (by their labels), a code nobody named as itself. */
export async function committeeGroupNames(db: Queryable, siteId: number, locale: Locale): Promise<(code: string) => string> {
  const names = new Map<string, string>([
    ['alliance', fundPageText.t(locale, 'group_alliance')],
    ['cooperative', fundPageText.t(locale, 'group_cooperative')],
  ]);
  for (const group of await listOperatorGroups(db, siteId)) names.set(group.code, locale === 'fr' ? group.labelFr : group.labelEn);
  return (code) => names.get(code) ?? code;
}
