import type { Locale } from '../../core/i18n/index.ts';
import { DataTable } from '../../web/components.tsx';
import type { Fund } from '../ledger.ts';
import type { Proposal, RecordedVote } from '../queries/committee.ts';
import { voteChoices, type VoteChoice } from '../schema.ts';
import { ProposalStatusTag, translator } from './shared.tsx';

const tally = (votes: readonly RecordedVote[], choice: VoteChoice) => votes.filter((v) => v.vote === choice).length;

/**
 * How the committee voted on a decided proposal: the outcome and the count, then each member's
 * vote where the committee publishes its members' names, otherwise the votes of each group.
 */
export function DecisionVotes({ locale, fund, proposal, votes, groupName }: { locale: Locale; fund: Fund; proposal: Proposal; votes: readonly RecordedVote[]; groupName: (code: string) => string }) {
  const t = translator(locale);
  const outcome = proposal.status === 'rejected' ? 'rejected' : 'approved';
  const groups = [...new Set(votes.map((v) => v.groupCode))].map((code) => ({ code, votes: votes.filter((v) => v.groupCode === code) }));
  return (
    <>
      <p>
        <ProposalStatusTag locale={locale} status={outcome} /> {t('decision_line', { yes: tally(votes, 'yes'), no: tally(votes, 'no'), abstain: tally(votes, 'abstain') })}
      </p>
      {votes.length === 0 ? (
        <p>{t('no_votes')}</p>
      ) : fund.publishMemberNames ? (
        <DataTable
          caption={t('votes_caption_names', { title: proposal.title })}
          rows={[...votes]}
          columns={[
            { header: t('col_member'), cell: (v) => v.personName },
            { header: t('col_group'), cell: (v) => groupName(v.groupCode) },
            { header: t('col_vote'), cell: (v) => t(`vote_${v.vote}`) },
          ]}
        />
      ) : (
        <DataTable
          caption={t('votes_caption_groups', { title: proposal.title })}
          rows={groups}
          columns={[
            { header: t('col_group'), cell: (g) => groupName(g.code) },
            ...voteChoices.map((choice) => ({ header: t(`col_${choice}`), cell: (g: (typeof groups)[number]) => String(tally(g.votes, choice)), numeric: true })),
          ]}
        />
      )}
    </>
  );
}
