import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { notFound } from '../../core/errors.ts';
import { formatDate, formatNumber } from '../../core/i18n/format.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, StatusTag } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { groupCodePattern } from '../codes.ts';
import { shareOutCycle } from '../commands/share-out.ts';
import { textFor } from '../messages/pages.ts';
import { getCycle, getGroup, listGroups, type CycleDetail } from '../queries/groups.ts';
import { AddMemberForm, OpenCycleForm } from './forms.tsx';
import { attempt, cdf, percent } from './shared.tsx';

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

/** The cycle named in the path, or a 404; a cycle's ledger names its members, so only those who may read the groups' records get it. */
export async function cycleFromPath(c: Context<AppEnv>): Promise<CycleDetail> {
  authorize(c.get('actor'), 'savings.read');
  const code = c.req.param('code') ?? '';
  const number = Number(c.req.param('number'));
  const detail = groupCodePattern.test(code) && Number.isInteger(number) ? await getCycle(c.get('deps').db, code, number) : null;
  if (!detail) throw notFound();
  return detail;
}

function renderStatement(c: Context<AppEnv>, detail: CycleDetail, error?: string, heldOn?: string) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const { group, cycle, shareOut } = detail;
  const base = `/savings/groups/${group.code}/cycles/${cycle.number}`;
  const title = t('statement_title', { group: group.code, cycle: cycle.number });
  const lastMeeting = detail.meetings.at(-1)?.heldOn ?? cycle.startsOn;
  return renderPage(
    c,
    {
      title,
      breadcrumbs: [
        { href: '/savings/groups', label: t('groups_title') },
        { href: `/savings/groups/${group.code}`, label: group.code },
        { href: base, label: t('cycle_title', { group: group.code, cycle: cycle.number }) },
      ],
      children: (
        <>
          <h1>{title}</h1>
          <ErrorSummary locale={locale} errors={error ? { heldOn: error } : {}} />
          {shareOut ? (
            <>
              <p>{t('statement_lead', { fund: cdf(locale, shareOut.fundMinor), shares: formatNumber(locale, shareOut.totalShares) })}</p>
              <DataTable
                caption={`${t('statement_caption')} · ${formatDate(locale, shareOut.heldOn)}`}
                rows={detail.positions.filter((p) => p.payoutMinor !== null)}
                columns={[
                  { header: t('member_code'), cell: (p) => p.memberCode },
                  { header: t('name'), cell: (p) => p.name },
                  { header: t('shares'), cell: (p) => formatNumber(locale, p.shares), numeric: true },
                  { header: t('savings'), cell: (p) => cdf(locale, p.savingsMinor), numeric: true },
                  { header: t('payout'), cell: (p) => cdf(locale, p.payoutMinor), numeric: true },
                ]}
              />
            </>
          ) : (
            <>
              <p>{t('statement_pending')}</p>
              {can(c.get('actor'), 'savings.record') && (
                <form method="post" action={`${base}/statement`} novalidate>
                  <CsrfField token={c.get('csrfToken')} />
                  <Field name="heldOn" type="date" label={t('share_out_date')} hint={t('date_hint')} value={heldOn ?? (cycle.endsOn < isoDateOf(new Date()) ? cycle.endsOn : lastMeeting)} error={error} />
                  <p class="warning">{t('share_out_warning')}</p>
                  <button class="button warning" type="submit">
                    {t('share_out_now')}
                  </button>
                </form>
              )}
            </>
          )}
        </>
      ),
    },
    error ? 422 : 200,
  );
}

/** Groups, one group, one cycle's ledger and its share-out statement: staff pages (member names appear). */
export function registerSavingsGroupPages(pages: Hono<AppEnv>) {
  pages.get('/savings/groups', async (c) => {
    authorize(c.get('actor'), 'savings.read');
    const locale = c.get('locale');
    const t = textFor(locale);
    const groups = await listGroups(c.get('deps').db);
    return renderPage(c, {
      title: t('groups_title'),
      breadcrumbs: [{ href: '/savings', label: t('dashboard_title') }],
      children: (
        <>
          <h1>{t('groups_title')}</h1>
          {can(c.get('actor'), 'savings.record') && (
            <p>
              <a class="button" href="/savings/groups/new">
                {t('new_group')}
              </a>
            </p>
          )}
          {groups.length === 0 ? (
            <EmptyState title={t('no_groups')} next={t('no_groups_next')} />
          ) : (
            <DataTable
              caption={t('groups_caption')}
              rows={groups}
              columns={[
                { header: t('code'), cell: (g) => <a href={`/savings/groups/${g.code}`}>{g.code}</a> },
                { header: t('name'), cell: (g) => g.name },
                { header: t('community'), cell: (g) => g.community },
                { header: t('members'), cell: (g) => formatNumber(locale, g.members), numeric: true },
                { header: t('share_of_women'), cell: (g) => percent(locale, g.members === 0 ? null : g.women / g.members), numeric: true },
                {
                  header: t('cycle'),
                  cell: (g) =>
                    g.currentCycle === null ? '–' : (
                      <a href={`/savings/groups/${g.code}/cycles/${g.currentCycle}`}>
                        {`${g.currentCycle} `}
                        <StatusTag tone={g.cycleStatus === 'open' ? 'blue' : 'green'}>{t(g.cycleStatus === 'open' ? 'status_open' : 'status_shared_out')}</StatusTag>
                      </a>
                    ),
                },
                { header: t('meetings'), cell: (g) => formatNumber(locale, g.meetings), numeric: true },
                { header: t('savings'), cell: (g) => cdf(locale, g.savingsMinor), numeric: true },
              ]}
            />
          )}
        </>
      ),
    });
  });

  pages.get('/savings/groups/:code', async (c) => {
    authorize(c.get('actor'), 'savings.read');
    const locale = c.get('locale');
    const t = textFor(locale);
    const group = await getGroup(c.get('deps').db, c.req.param('code'));
    if (!group) throw notFound();
    return renderPage(c, {
      title: `${group.code} · ${group.name}`,
      breadcrumbs: [
        { href: '/savings', label: t('dashboard_title') },
        { href: '/savings/groups', label: t('groups_title') },
      ],
      children: (
        <>
          <h1>{`${group.code} · ${group.name}`}</h1>
          <dl class="facts">
            <dt>{t('community')}</dt>
            <dd>{group.community}</dd>
            <dt>{t('facilitator')}</dt>
            <dd>{group.facilitator}</dd>
            <dt>{t('formed_on')}</dt>
            <dd>{formatDate(locale, group.formedOn)}</dd>
          </dl>
          <DataTable
            caption={t('cycles_caption')}
            rows={group.cycles}
            columns={[
              { header: t('cycle'), cell: (cy) => <a href={`/savings/groups/${group.code}/cycles/${cy.number}`}>{String(cy.number)}</a> },
              { header: t('runs'), cell: (cy) => `${formatDate(locale, cy.startsOn)} – ${formatDate(locale, cy.endsOn)}` },
              { header: t('share_price'), cell: (cy) => cdf(locale, cy.sharePriceMinor), numeric: true },
              { header: t('max_shares'), cell: (cy) => String(cy.maxSharesPerMeeting), numeric: true },
              { header: t('interest'), cell: (cy) => percent(locale, cy.monthlyInterestBps / 10_000), numeric: true },
              { header: t('social_fund'), cell: (cy) => cdf(locale, cy.socialFundContributionMinor), numeric: true },
              { header: '', cell: (cy) => <StatusTag tone={cy.status === 'open' ? 'blue' : 'green'}>{t(cy.status === 'open' ? 'status_open' : 'status_shared_out')}</StatusTag> },
            ]}
          />
          <DataTable
            caption={t('members_caption')}
            rows={group.members}
            columns={[
              { header: t('member_code'), cell: (m) => m.code },
              { header: t('name'), cell: (m) => m.name },
              { header: t('sex'), cell: (m) => t(`sex_${m.sex}`) },
              { header: t('role'), cell: (m) => t(`role_${m.committeeRole}`) },
              { header: t('joined_on'), cell: (m) => formatDate(locale, m.joinedOn) },
            ]}
          />
          {can(c.get('actor'), 'savings.record') && (
            <>
              <h2>{t('add_member')}</h2>
              <AddMemberForm c={c} groupCode={group.code} />
              <h2>{t('open_cycle')}</h2>
              <OpenCycleForm c={c} groupCode={group.code} />
            </>
          )}
        </>
      ),
    });
  });

  pages.get('/savings/groups/:code/cycles/:number', async (c) => {
    const locale = c.get('locale');
    const t = textFor(locale);
    const detail = await cycleFromPath(c);
    const { group, cycle } = detail;
    const base = `/savings/groups/${group.code}/cycles/${cycle.number}`;
    const title = t('cycle_title', { group: group.code, cycle: cycle.number });
    const riskBefore = addDays(isoDateOf(new Date()), -30);
    return renderPage(c, {
      title,
      breadcrumbs: [
        { href: '/savings/groups', label: t('groups_title') },
        { href: `/savings/groups/${group.code}`, label: group.code },
      ],
      children: (
        <>
          <h1>{title}</h1>
          <p>
            {cycle.status === 'open' && can(c.get('actor'), 'savings.record') && (
              <>
                <a class="button" href={`${base}/meetings/new`}>
                  {t('record_meeting')}
                </a>{' '}
              </>
            )}
            <a href={`${base}/statement`}>{t('statement')}</a>
          </p>
          <DataTable
            caption={t('positions_caption')}
            rows={detail.positions}
            columns={[
              { header: t('member_code'), cell: (p) => p.memberCode },
              { header: t('name'), cell: (p) => p.name },
              { header: t('present'), cell: (p) => formatNumber(locale, p.attended), numeric: true },
              { header: t('shares'), cell: (p) => formatNumber(locale, p.shares), numeric: true },
              { header: t('savings'), cell: (p) => cdf(locale, p.savingsMinor), numeric: true },
              { header: t('owed'), cell: (p) => cdf(locale, p.owedMinor), numeric: true },
              { header: t('payout'), cell: (p) => cdf(locale, p.payoutMinor), numeric: true },
            ]}
          />
          <DataTable
            caption={t('loans_caption')}
            rows={detail.loans}
            columns={[
              { header: t('member'), cell: (l) => l.memberCode },
              { header: t('issued_on'), cell: (l) => formatDate(locale, l.issuedOn) },
              { header: t('due_on'), cell: (l) => (l.balanceMinor > 0 && l.dueOn < riskBefore ? <StatusTag tone="red">{`${formatDate(locale, l.dueOn)} · ${t('overdue')}`}</StatusTag> : formatDate(locale, l.dueOn)) },
              { header: t('principal'), cell: (l) => cdf(locale, l.principalMinor), numeric: true },
              { header: t('interest_amount'), cell: (l) => cdf(locale, l.interestMinor), numeric: true },
              { header: t('repaid'), cell: (l) => cdf(locale, l.repaidMinor), numeric: true },
              { header: t('balance'), cell: (l) => cdf(locale, l.balanceMinor), numeric: true },
            ]}
          />
          <DataTable
            caption={t('meetings_caption')}
            rows={[...detail.meetings].reverse()}
            columns={[
              { header: t('date'), cell: (m) => formatDate(locale, m.heldOn) },
              { header: t('present'), cell: (m) => `${m.present} / ${m.expected}`, numeric: true },
              { header: t('shares'), cell: (m) => formatNumber(locale, m.shares), numeric: true },
              { header: t('social_fund'), cell: (m) => cdf(locale, m.socialFundMinor), numeric: true },
              { header: t('repayments'), cell: (m) => cdf(locale, m.repaymentsMinor), numeric: true },
              { header: t('loans_made'), cell: (m) => cdf(locale, m.loansMinor), numeric: true },
              { header: t('fines'), cell: (m) => cdf(locale, m.finesMinor), numeric: true },
            ]}
          />
        </>
      ),
    });
  });

  pages.get('/savings/groups/:code/cycles/:number/statement', async (c) => {
    return renderStatement(c, await cycleFromPath(c));
  });

  pages.post('/savings/groups/:code/cycles/:number/statement', async (c) => {
    const detail = await cycleFromPath(c);
    const form = await formOf(c);
    const error = await attempt(c, () =>
      runCommand(c.get('deps').db, c.get('actor'), (ctx) => shareOutCycle(ctx, { groupCode: detail.group.code, cycle: detail.cycle.number, heldOn: form.heldOn ?? '' })),
    );
    if (error) return renderStatement(c, detail, error, form.heldOn);
    return c.redirect(`/savings/groups/${detail.group.code}/cycles/${detail.cycle.number}/statement`, 303);
  });
}
