import type { Context, Hono } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, ErrorSummary, Field, SelectField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { recordMeeting, type MeetingInput } from '../commands/record-meeting.ts';
import { textFor } from '../messages/pages.ts';
import type { CycleDetail } from '../queries/groups.ts';
import { cycleFromPath } from './groups.tsx';
import { attempt, parseFrancs } from './shared.tsx';

/** Loan rows the form offers at first; “Add a loan” offers one more, up to a group's size several times over. */
const initialLoanRows = 3;
const maxLoanRows = 200;

/** How many loan rows a posted form had (and one more when the person asked for it). */
function loanRowsOf(form: Form) {
  const asked = Number(form.loan_rows);
  const rows = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, maxLoanRows) : initialLoanRows;
  return form.add_loan !== undefined ? Math.min(rows + 1, maxLoanRows) : rows;
}

/**
 * On a phone the ledger becomes one card per member, each amount with its own label: a six-column
 * table cannot be filled in at 390 px. Page-scoped, since only this form is such a grid.
 */
const ledgerCards = `@media (max-width: 640px) {
  table.ledger thead { position: absolute; left: -9999px; }
  table.ledger, table.ledger tbody, table.ledger tr, table.ledger th, table.ledger td { display: block; }
  table.ledger tr { border: 1px solid var(--line); background: var(--bg-soft); padding: 8px 12px; margin-bottom: 12px; }
  table.ledger th, table.ledger td { border: 0; padding: 4px 0; text-align: left; }
  table.ledger td { display: flex; justify-content: space-between; align-items: center; gap: 12px; }
  table.ledger td input[type=text] { width: 7em; font: inherit; padding: 4px; }
  table.ledger td input[type=checkbox] { width: 1.4em; height: 1.4em; }
}
@media (min-width: 641px) { table.ledger .cell-label { position: absolute; left: -9999px; } }`;

const francsOf = (minor: number) => (minor === 0 ? '' : String(minor / 100));

/** The ledger page: one row per member (present, shares, social fund, repayment, fine), then the loans made. */
function renderMeetingForm(c: Context<AppEnv>, detail: CycleDetail, values: Form, errors: FieldErrors = {}, status?: 200 | 422) {
  // A command's form is shown only to those who may run it.
  authorize(c.get('actor'), 'savings.record');
  const locale = c.get('locale');
  const t = textFor(locale);
  const { group, cycle } = detail;
  const base = `/savings/groups/${group.code}/cycles/${cycle.number}`;
  const title = t('meeting_title', { group: group.code, cycle: cycle.number });
  const fresh = Object.keys(values).length === 0;
  const loanRows = loanRowsOf(values);
  const cell = (name: string, label: string, visibleLabel: string, value: string | undefined, inputmode: 'numeric' | 'decimal') => (
    <td class="num">
      <label class="cell-label" for={name}>
        {visibleLabel}
      </label>
      <input id={name} name={name} type="text" inputmode={inputmode} size={6} value={value ?? ''} aria-label={label} />
    </td>
  );
  return renderPage(
    c,
    {
      title,
      breadcrumbs: [
        { href: `/savings/groups/${group.code}`, label: group.code },
        { href: base, label: t('cycle_title', { group: group.code, cycle: cycle.number }) },
      ],
      children: (
        <>
          <style>{ledgerCards}</style>
          <h1>{title}</h1>
          <p>{t('meeting_lead')}</p>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={`${base}/meetings/new`} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="meetingDate" type="date" label={t('meeting_date')} hint={t('date_hint')} value={values.meetingDate ?? isoDateOf(new Date())} error={errors.meetingDate} />
            <div class="table-wrap">
              <table class="ledger">
                <caption>{t('ledger_caption')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('member')}</th>
                    <th scope="col">{t('present')}</th>
                    <th scope="col" class="num">{`${t('shares')} (≤ ${cycle.maxSharesPerMeeting})`}</th>
                    <th scope="col" class="num">{t('social_fund_paid')}</th>
                    <th scope="col" class="num">{t('repayment')}</th>
                    <th scope="col" class="num">{t('fine')}</th>
                  </tr>
                </thead>
                <tbody>
                  {detail.positions.map((p) => {
                    const key = p.memberCode;
                    const present = fresh || values[`present_${key}`] === 'on';
                    return (
                      <tr>
                        <th scope="row">
                          {p.name} <span class="hint">{key}</span>
                        </th>
                        <td>
                          <label class="cell-label" for={`present_${key}`}>
                            {t('present')}
                          </label>
                          <input id={`present_${key}`} name={`present_${key}`} type="checkbox" checked={present} aria-label={`${t('present')} ${key}`} />
                        </td>
                        {cell(`shares_${key}`, `${t('shares')} ${key}`, `${t('shares')} (≤ ${cycle.maxSharesPerMeeting})`, values[`shares_${key}`], 'numeric')}
                        {cell(`social_${key}`, `${t('social_fund_paid')} ${key}`, t('social_fund_paid'), fresh ? francsOf(cycle.socialFundContributionMinor) : values[`social_${key}`], 'decimal')}
                        {cell(`repayment_${key}`, `${t('repayment')} ${key}`, t('repayment'), values[`repayment_${key}`], 'decimal')}
                        {cell(`fine_${key}`, `${t('fine')} ${key}`, t('fine'), values[`fine_${key}`], 'decimal')}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <h2>{t('loans_title')}</h2>
            <input type="hidden" name="loan_rows" value={String(loanRows)} />
            {Array.from({ length: loanRows }, (_, i) => (
              <fieldset class="inline-fields">
                <SelectField
                  name={`loan_member_${i}`}
                  label={t('loan_member')}
                  value={values[`loan_member_${i}`] ?? ''}
                  options={[{ value: '', label: t('none') }, ...detail.positions.map((p) => ({ value: p.memberCode, label: `${p.memberCode} · ${p.name}` }))]}
                />
                <Field name={`loan_amount_${i}`} label={t('loan_amount')} value={values[`loan_amount_${i}`]} />
                <Field name={`loan_due_${i}`} type="date" label={t('loan_due')} value={values[`loan_due_${i}`]} />
              </fieldset>
            ))}
            {loanRows < maxLoanRows && (
              <p>
                <button class="button button-secondary" type="submit" name="add_loan" value="1" formnovalidate>
                  {t('add_loan_row')}
                </button>
              </p>
            )}
            <button class="button" type="submit">
              {t('save_meeting')}
            </button>
          </form>
        </>
      ),
    },
    status ?? (Object.keys(errors).length > 0 ? 422 : 200),
  );
}

/** Reads the ledger form into the meeting's plain JSON; amounts it cannot read are named, field by field. */
function meetingFromForm(detail: CycleDetail, form: Form): { input: MeetingInput; unreadable: string[] } {
  const unreadable: string[] = [];
  const amount = (field: string) => {
    const minor = parseFrancs(form[field]);
    if (minor === null) unreadable.push(field);
    return minor ?? 0;
  };
  const members = detail.positions.map((p) => {
    const key = p.memberCode;
    const sharesText = (form[`shares_${key}`] ?? '').trim();
    const shares = sharesText === '' ? 0 : /^\d{1,2}$/.test(sharesText) ? Number(sharesText) : (unreadable.push(`shares_${key}`), 0);
    return {
      memberCode: key,
      present: form[`present_${key}`] === 'on',
      shares,
      socialFundMinor: amount(`social_${key}`),
      repaymentMinor: amount(`repayment_${key}`),
      fineMinor: amount(`fine_${key}`),
    };
  });
  const loans = Array.from({ length: loanRowsOf(form) }, (_, i) => i)
    .filter((i) => (form[`loan_member_${i}`] ?? '') !== '')
    .map((i) => ({ memberCode: form[`loan_member_${i}`]!, principalMinor: amount(`loan_amount_${i}`), dueDate: form[`loan_due_${i}`] ?? '' }));
  return { input: { groupCode: detail.group.code, cycle: detail.cycle.number, meetingDate: form.meetingDate ?? '', members, loans }, unreadable };
}

export function registerSavingsMeetingPages(pages: Hono<AppEnv>) {
  pages.get('/savings/groups/:code/cycles/:number/meetings/new', async (c) => {
    return renderMeetingForm(c, await cycleFromPath(c), {});
  });

  pages.post('/savings/groups/:code/cycles/:number/meetings/new', async (c) => {
    const detail = await cycleFromPath(c);
    const form = await formOf(c);
    // “Add a loan” comes back with one more loan row and everything typed so far, nothing recorded.
    if (form.add_loan !== undefined) return renderMeetingForm(c, detail, form, {}, 200);
    const { input, unreadable } = meetingFromForm(detail, form);
    if (unreadable.length > 0) {
      const message = textFor(c.get('locale'))('amount_not_understood');
      return renderMeetingForm(c, detail, form, Object.fromEntries(unreadable.map((field) => [field, message])));
    }
    const error = await attempt(c, () => runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordMeeting(ctx, input)));
    if (error) return renderMeetingForm(c, detail, form, { meetingDate: error });
    return c.redirect(`/savings/groups/${detail.group.code}/cycles/${detail.cycle.number}`, 303);
  });
}
