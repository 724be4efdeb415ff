import type { Context, Hono } from 'hono';
import { can } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { notFound } from '../../core/errors.ts';
import { formatDate, formatMoney } from '../../core/i18n/format.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, TextareaField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { decideProposal } from '../commands/decide-proposal.ts';
import { authorizeOnFund, fundOf } from '../ledger.ts';
import { recordMeeting } from '../commands/record-meeting.ts';
import { committeeGroupNames, inOfficeOn, listMeetings, listMembers, listProposals, votesOn, type CommitteeMember } from '../queries/committee.ts';
import { countDecision } from '../committee-rules.ts';
import type { Fund } from '../ledger.ts';
import { voteChoices, type VoteChoice } from '../schema.ts';
import { formWithFiles, refusalOnForm, type Form } from '../../web/forms.ts';
import { fundCrumbs, translator } from './shared.tsx';
import { DecisionVotes } from './votes.tsx';

/** What the committee's rules make of an attendance before it is recorded: whether the meeting could decide, and if not, why. */
function attendanceCheck(fund: Fund, inOffice: readonly CommitteeMember[], attendeeIds: readonly number[]) {
  const present = inOffice.filter((m) => attendeeIds.includes(m.id));
  const count = countDecision(fund, { membersInOffice: inOffice.length, presentGroups: present.map((m) => m.groupCode), votes: [] });
  return { ...count, canDecide: count.present >= count.quorumNeeded && count.missingGroups.length === 0 };
}

async function meetingsPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, status: 200 | 404 | 409 | 422 = 200, warning?: ReturnType<typeof attendanceCheck>) {
  const db = c.get('deps').db;
  await authorizeOnFund(db, c.get('actor'), 'fund.read', c.req.param('site')!);
  const locale = c.get('locale');
  const t = translator(locale);
  const fund = await fundOf(db, c.req.param('site')!);
  const [meetings, members, groupName] = await Promise.all([listMeetings(db, fund.id), listMembers(db, fund.id), committeeGroupNames(db, fund.siteId, locale)]);
  const heldOn = values.heldOn ?? isoDateOf(new Date());
  const chosen = new Set((values.attendees ?? '').split(',').filter(Boolean));
  const inOffice = inOfficeOn(members, heldOn);
  const rules = attendanceCheck(fund, inOffice, []);
  const required = new Set(fund.requiredGroups);
  return renderPage(
    c,
    {
      title: t('meetings_title', { site: fund.siteName }),
      breadcrumbs: fundCrumbs(locale, fund.siteCode, true),
      children: (
        <>
          <h1>{t('meetings_title', { site: fund.siteName })}</h1>
          {meetings.length === 0 ? (
            <EmptyState title={t('no_meetings')} next={t('new_meeting_title')} />
          ) : (
            <DataTable
              caption={t('meetings_caption')}
              rows={meetings}
              columns={[
                { header: t('col_held_on'), cell: (m) => <a href={`/funds/${fund.siteCode}/meetings/${m.id}`}>{formatDate(locale, m.heldOn)}</a> },
                { header: t('col_present'), cell: (m) => String(m.attendeeIds.length), numeric: true },
              ]}
            />
          )}
          {can(c.get('actor'), 'fund.meeting.record', fund) && (
            <>
              <h2>{t('new_meeting_title')}</h2>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action={`/funds/${fund.siteCode}/meetings`} novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <Field name="heldOn" type="date" label={t('held_on_label')} value={heldOn} />
                <TextareaField name="agenda" label={t('agenda_label')} value={values.agenda} />
                <TextareaField name="minutes" label={t('minutes_label')} value={values.minutes} rows={8} />
                <SelectField name="minutesLanguage" label={t('minutes_language_label')} value={values.minutesLanguage ?? locale} options={[{ value: 'fr', label: t('language_fr') }, { value: 'en', label: t('language_en') }]} />
                <fieldset id="attendees" aria-describedby="attendees-hint">
                  <legend>
                    <strong>{t('attendance_label')}</strong>
                  </legend>
                  <p class="hint" id="attendees-hint">
                    {t('can_decide_needs', {
                      needed: rules.quorumNeeded,
                      members: rules.membersInOffice,
                      groups: fund.requiredGroups.length > 0 ? t('can_decide_groups', { groups: fund.requiredGroups.map(groupName).join(', ') }) : '',
                    })}
                  </p>
                  {inOffice.map((m) => (
                    <label class="radio">
                      <input type="checkbox" name="attendees" value={String(m.id)} checked={chosen.has(String(m.id))} />
                      <span>
                        {t('member_of_group', { name: m.personName, group: groupName(m.groupCode) })}
                        {required.has(m.groupCode) && <span class="hint"> · {t('required_mark')}</span>}
                      </span>
                    </label>
                  ))}
                </fieldset>
                {warning && !warning.canDecide && (
                  <div class="panel" role="alert" id="cannot-decide">
                    <h3>{t('cannot_decide_title')}</h3>
                    <ul>
                      {warning.present < warning.quorumNeeded && <li>{t('cannot_decide_quorum', { present: warning.present, needed: warning.quorumNeeded })}</li>}
                      {warning.missingGroups.length > 0 && <li>{t('cannot_decide_groups', { groups: warning.missingGroups.map(groupName).join(', ') })}</li>}
                    </ul>
                    <p>{t('cannot_decide_lead')}</p>
                    <label class="radio">
                      <input type="checkbox" name="recordAnyway" value="1" />
                      <span>{t('record_anyway_label')}</span>
                    </label>
                  </div>
                )}
                <button class="button" type="submit">{t('record_meeting_button')}</button>
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

async function meetingPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, status: 200 | 404 | 409 | 422 = 200) {
  const db = c.get('deps').db;
  await authorizeOnFund(db, c.get('actor'), 'fund.read', c.req.param('site')!);
  const locale = c.get('locale');
  const t = translator(locale);
  const fund = await fundOf(db, c.req.param('site')!);
  const meeting = (await listMeetings(db, fund.id)).find((m) => m.id === Number(c.req.param('id')));
  if (!meeting) throw notFound();
  const [members, proposals, groupName] = await Promise.all([listMembers(db, fund.id), listProposals(db, fund.id), committeeGroupNames(db, fund.siteId, locale)]);
  const present = members.filter((m) => meeting.attendeeIds.includes(m.id));
  const waiting = proposals.filter((p) => p.status === 'submitted');
  const decidedHere = proposals.filter((p) => p.decisionMeetingId === meeting.id);
  const votes = await votesOn(db, decidedHere.map((p) => p.id));
  const decided = c.req.query('decided');
  const memberLabel = (m: CommitteeMember) => t('member_of_group', { name: m.personName, group: groupName(m.groupCode) });
  return renderPage(
    c,
    {
      title: t('meeting_title', { date: formatDate(locale, meeting.heldOn) }),
      breadcrumbs: [...fundCrumbs(locale, fund.siteCode, true), { href: `/funds/${fund.siteCode}/meetings`, label: t('meetings_link') }],
      children: (
        <>
          {c.req.query('recorded') === '1' && <div class="panel" role="status">{t('meeting_recorded_panel')}</div>}
          {decided && <div class="panel" role="status">{t('decided_panel', { outcome: t(decided === 'approved' ? 'status_approved' : 'status_rejected') })}</div>}
          <h1>{t('meeting_title', { date: formatDate(locale, meeting.heldOn) })}</h1>
          <h2>{t('agenda_label')}</h2>
          <p>{meeting.agenda}</p>
          <h2>{t('minutes_label')}</h2>
          <p lang={meeting.minutesLanguage}>{meeting.minutes}</p>
          <h2>{t('col_present')}</h2>
          <ul>{present.map((m) => <li>{memberLabel(m)}</li>)}</ul>
          <p>{t('rules_summary', { quorum: `${fund.quorumBasisPoints / 100} %`, majority: `${fund.majorityBasisPoints / 100} %`, groups: fund.requiredGroups.map(groupName).join(', ') || '—' })}</p>
          <h2>{t('decisions_title')}</h2>
          {decidedHere.length === 0 && <p>{t('no_decisions')}</p>}
          {decidedHere.map((p) => (
            <section>
              <h3>
                <a href={`/funds/${fund.siteCode}/proposals/${p.id}`}>{t('proposal_title', { id: p.id, title: p.title })}</a>
              </h3>
              <DecisionVotes locale={locale} fund={fund} proposal={p} votes={votes.filter((v) => v.proposalId === p.id)} groupName={groupName} />
            </section>
          ))}
          <ErrorSummary locale={locale} errors={errors} />
          {waiting.length === 0 && <p>{t('no_submitted')}</p>}
          {can(c.get('actor'), 'fund.meeting.record', fund) &&
            waiting.map((p) => {
              const refused = values.proposal === String(p.id);
              return (
                <section>
                  <h2>{t('decide_title', { title: p.title })}</h2>
                  <p>{t('decide_lead', { amount: formatMoney(locale, p.requestedMinor, p.currency) })}</p>
                  <form method="post" action={`/funds/${fund.siteCode}/meetings/${meeting.id}/decisions`}>
                    <CsrfField token={c.get('csrfToken')} />
                    <input type="hidden" name="proposal" value={String(p.id)} />
                    {present.map((m) => (
                      <SelectField
                        name={`vote-${m.id}`}
                        label={memberLabel(m)}
                        value={refused ? (values[`vote-${m.id}`] ?? 'none') : 'none'}
                        options={[{ value: 'none', label: t('vote_none') }, ...voteChoices.map((v) => ({ value: v, label: t(`vote_${v}`) }))]}
                      />
                    ))}
                    <button class="button" type="submit">{t('decide_button', { id: p.id })}</button>
                  </form>
                </section>
              );
            })}
        </>
      ),
    },
    status,
  );
}

/** Committee meetings: the list and a new meeting with its attendance; one meeting and the decisions it records, vote by vote. */
export function registerMeetingPages(pages: Hono<AppEnv>) {
  pages.get('/funds/:site{[A-Z]{3,6}}/meetings', (c) => meetingsPage(c));
  pages.post('/funds/:site{[A-Z]{3,6}}/meetings', async (c) => {
    const { form } = await formWithFiles(c);
    const attendeeIds = (form.attendees ?? '').split(',').filter(Boolean).map(Number);
    const fund = await fundOf(c.get('deps').db, c.req.param('site'));
    if (form.recordAnyway !== '1' && attendeeIds.length > 0 && can(c.get('actor'), 'fund.meeting.record', fund)) {
      // A meeting that cannot decide is worth recording, but rarely on purpose: ask once before recording it.
      const check = attendanceCheck(fund, inOfficeOn(await listMembers(c.get('deps').db, fund.id), form.heldOn ?? ''), attendeeIds);
      if (check.membersInOffice > 0 && !check.canDecide) return meetingsPage(c, form, {}, 200, check);
    }
    try {
      const meeting = await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        recordMeeting(ctx, {
          site: c.req.param('site'),
          heldOn: form.heldOn ?? '',
          agenda: form.agenda ?? '',
          minutes: form.minutes ?? '',
          minutesLanguage: form.minutesLanguage === 'en' ? 'en' : 'fr',
          attendeeIds,
        }),
      );
      return c.redirect(`/funds/${c.req.param('site')}/meetings/${meeting.id}?recorded=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return meetingsPage(c, form, refusal.errors, refusal.status);
    }
  });
  pages.get('/funds/:site{[A-Z]{3,6}}/meetings/:id{[0-9]+}', (c) => meetingPage(c));
  pages.post('/funds/:site{[A-Z]{3,6}}/meetings/:id{[0-9]+}/decisions', async (c) => {
    const { form } = await formWithFiles(c);
    const votes = Object.entries(form)
      .filter(([name, value]) => name.startsWith('vote-') && (voteChoices as readonly string[]).includes(value))
      .map(([name, value]) => ({ memberId: Number(name.slice(5)), vote: value as VoteChoice }));
    try {
      const { proposal } = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => decideProposal(ctx, { meetingId: Number(c.req.param('id')), proposalId: Number(form.proposal), votes }));
      return c.redirect(`/funds/${c.req.param('site')}/meetings/${c.req.param('id')}?decided=${proposal.status}`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return meetingPage(c, form, refusal.errors, refusal.status);
    }
  });
}
