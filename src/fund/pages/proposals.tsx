import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { notFound } from '../../core/errors.ts';
import { formatDate, formatMoney } from '../../core/i18n/format.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, ErrorSummary, Field, FileField, SelectField, TextareaField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { cancelProject, completeProject } from '../commands/close-project.ts';
import { disburseTranche } from '../commands/disburse-tranche.ts';
import { draftProposal, submitProposal } from '../commands/draft-proposal.ts';
import { accountBalance, assertAmount, assertDate, authorizeOnFund, cleanText, fundOf } from '../ledger.ts';
import { fundError } from '../messages/errors.ts';
import { parseMoney } from '../../core/quantities.ts';
import { budgetLinesOf, committeeGroupNames, findProposal, listMeetings, listProposals, votesOn } from '../queries/committee.ts';
import { listTransactions } from '../queries/ledger.ts';
import { areaLabel } from '../queries/public-report.ts';
import { fundAreas } from '../schema.ts';
import { formWithFiles, refusalOnForm, type Form } from '../../web/forms.ts';
import { fundCrumbs, ProposalStatusTag, translator, uploaded } from './shared.tsx';
import { DecisionVotes } from './votes.tsx';

async function proposalsPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const db = c.get('deps').db;
  await authorizeOnFund(db, c.get('actor'), 'fund.read', c.req.param('site')!);
  const locale = c.get('locale');
  const t = translator(locale);
  const fund = await fundOf(db, c.req.param('site')!);
  const proposals = await listProposals(db, fund.id);
  return renderPage(
    c,
    {
      title: t('proposals_title', { site: fund.siteName }),
      breadcrumbs: fundCrumbs(locale, fund.siteCode, true),
      children: (
        <>
          <h1>{t('proposals_title', { site: fund.siteName })}</h1>
          <DataTable
            caption={t('projects_caption')}
            rows={proposals}
            columns={[
              { header: t('col_project'), cell: (p) => <a href={`/funds/${fund.siteCode}/proposals/${p.id}`}>{p.title}</a> },
              { header: t('col_area'), cell: (p) => areaLabel[p.area][locale] },
              { header: t('col_status'), cell: (p) => <ProposalStatusTag locale={locale} status={p.status} /> },
              { header: t('col_amount'), cell: (p) => formatMoney(locale, p.requestedMinor, p.currency), numeric: true },
            ]}
          />
          {can(c.get('actor'), 'fund.proposal.write', fund) && (
            <>
              <h2>{t('new_proposal_title')}</h2>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action={`/funds/${fund.siteCode}/proposals`} novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <Field name="title" label={t('title_label')} value={values.title} />
                <SelectField name="area" label={t('area_label')} value={values.area} options={fundAreas.map((a) => ({ value: a, label: areaLabel[a][locale] }))} />
                <TextareaField name="description" label={t('description_label')} value={values.description} />
                <TextareaField name="expectedBenefit" label={t('benefit_label')} value={values.expectedBenefit} />
                <TextareaField name="measure" label={t('measure_label')} value={values.measure} />
                <Field name="currency" label={t('currency_label')} value={values.currency ?? 'USD'} />
                <TextareaField name="budget" label={t('budget_label')} hint={t('budget_hint')} value={values.budget} error={errors.budget} />
                <button class="button" type="submit">{t('draft_button')}</button>
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

/** The confirmation each action on a proposal leaves on its page (`?done=`). */
const donePanels = { submitted: 'submitted_panel', disbursed: 'disbursed_panel', completed: 'completed_panel', cancelled: 'cancelled_panel' } as const;

async function proposalPage(c: Context<AppEnv>, errors: FieldErrors = {}, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const db = c.get('deps').db;
  await authorizeOnFund(db, c.get('actor'), 'fund.read', c.req.param('site')!);
  const locale = c.get('locale');
  const t = translator(locale);
  const fund = await fundOf(db, c.req.param('site')!);
  const proposal = await findProposal(db, fund.id, Number(c.req.param('id')));
  if (!proposal) throw notFound();
  const [lines, transactions, votes, groupName, meetings] = await Promise.all([
    budgetLinesOf(db, [proposal.id]),
    listTransactions(db, fund.id, { proposalId: proposal.id }),
    votesOn(db, [proposal.id]),
    committeeGroupNames(db, fund.siteId, locale),
    proposal.decisionMeetingId === null ? [] : listMeetings(db, fund.id),
  ]);
  const decisionMeeting = meetings.find((m) => m.id === proposal.decisionMeetingId);
  const tranches = transactions.filter((tr) => tr.kind === 'disbursement');
  const remaining = await accountBalance(db, { fundId: fund.id, currency: proposal.currency, kind: 'committed', proposalId: proposal.id });
  const money = (minor: number) => formatMoney(locale, minor, proposal.currency);
  const actor = c.get('actor');
  const csrf = <CsrfField token={c.get('csrfToken')} />;
  const base = `/funds/${fund.siteCode}/proposals/${proposal.id}`;
  const panel = donePanels[c.req.query('done') as keyof typeof donePanels];
  return renderPage(
    c,
    {
      title: t('proposal_title', { id: proposal.id, title: proposal.title }),
      breadcrumbs: [...fundCrumbs(locale, fund.siteCode, true), { href: `/funds/${fund.siteCode}/proposals`, label: t('proposals_link') }],
      children: (
        <>
          {panel && (
            <div class="panel" role="status">
              {t(panel)}
            </div>
          )}
          <h1>{t('proposal_title', { id: proposal.id, title: proposal.title })}</h1>
          <p><ProposalStatusTag locale={locale} status={proposal.status} /> {areaLabel[proposal.area][locale]} · {proposal.proposerName ?? ''}</p>
          <ErrorSummary locale={locale} errors={errors} />
          <h2>{t('description_label')}</h2>
          <p>{proposal.description}</p>
          <h2>{t('benefit_label')}</h2>
          <p>{proposal.expectedBenefit}</p>
          <h2>{t('measure_label')}</h2>
          <p>{proposal.measure}</p>
          <DataTable
            caption={t('budget_caption')}
            rows={lines}
            columns={[
              { header: t('col_line'), cell: (l) => l.description },
              { header: t('col_budget'), cell: (l) => money(l.amountMinor), numeric: true },
              { header: t('col_final'), cell: (l) => (l.finalCostMinor === null ? '—' : money(l.finalCostMinor)), numeric: true },
            ]}
          />
          {decisionMeeting && (
            <>
              <h2>{t('decision_title')}</h2>
              <p>
                <a href={`/funds/${fund.siteCode}/meetings/${decisionMeeting.id}`}>{t('decision_at_meeting', { date: formatDate(locale, decisionMeeting.heldOn) })}</a>
              </p>
              <DecisionVotes locale={locale} fund={fund} proposal={proposal} votes={votes} groupName={groupName} />
            </>
          )}
          {proposal.cancelReason && <p>{t('cancelled_because', { reason: proposal.cancelReason })}</p>}
          {proposal.completionSummary && <p>{proposal.completionSummary}</p>}
          {proposal.status === 'draft' && can(actor, 'fund.proposal.write', fund) && (
            <form method="post" action={`${base}/submit`}>
              {csrf}
              <button class="button" type="submit">{t('submit_button')}</button>
            </form>
          )}
          {proposal.approvedMinor !== null && (
            <>
              <h2>{t('tranches_title')}</h2>
              <p>{t('remaining_text', { approved: money(proposal.approvedMinor), remaining: money(remaining) })}</p>
              <DataTable
                caption={t('tranches_caption')}
                rows={tranches}
                columns={[
                  { header: t('col_paid_on'), cell: (tr) => formatDate(locale, tr.occurredOn) },
                  { header: t('col_payee'), cell: (tr) => tr.counterparty ?? '' },
                  { header: t('col_amount'), cell: (tr) => money(tr.amountMinor), numeric: true },
                  { header: t('col_receipt'), cell: (tr) => <a href={`/api/v1/files/${tr.receiptFileId}`}>{t('receipt_link')}</a> },
                ]}
              />
            </>
          )}
          {(proposal.status === 'approved' || proposal.status === 'in_progress') && can(actor, 'fund.disburse') && (
            <>
              <h2>{t('disburse_title')}</h2>
              <form method="post" action={`${base}/tranches/check`} novalidate>
                {csrf}
                <Field name="amount" label={t('amount_label', { currency: proposal.currency })} />
                <Field name="paidOn" type="date" label={t('paid_on_label')} value={isoDateOf(new Date())} />
                <Field name="counterparty" label={t('payee_label')} />
                <button class="button" type="submit">{t('continue_button')}</button>
              </form>
            </>
          )}
          {proposal.status === 'in_progress' && can(actor, 'fund.manage') && (
            <>
              <h2>{t('complete_title')}</h2>
              <form method="post" action={`${base}/completion`} enctype="multipart/form-data" novalidate>
                {csrf}
                <Field name="completedOn" type="date" label={t('paid_on_label')} value={isoDateOf(new Date())} />
                <TextareaField name="summary" label={t('summary_label')} />
                {lines.map((l) => <Field name={`cost-${l.id}`} label={t('final_cost_label', { line: l.description })} />)}
                <FileField name="photos" label={t('photos_label')} accept="image/jpeg,image/png" />
                <button class="button" type="submit">{t('complete_button')}</button>
              </form>
            </>
          )}
          {['draft', 'submitted', 'approved', 'in_progress'].includes(proposal.status) && can(actor, 'fund.manage') && (
            <>
              <h2>{t('cancel_title')}</h2>
              <form method="post" action={`${base}/cancel`} novalidate>
                {csrf}
                <TextareaField name="reason" label={t('reason_label')} />
                <button class="button button-warning" type="submit">{t('cancel_button')}</button>
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

/**
 * A payment cannot be undone, so the secretariat sees exactly what it is about to pay before it
 * attaches the receipt and confirms. The checks are the command's own rules, read without writing
 * anything; the command checks again, under lock, when it runs.
 */
async function trancheConfirmation(c: Context<AppEnv>, form: Form) {
  authorize(c.get('actor'), 'fund.disburse');
  const locale = c.get('locale');
  const t = translator(locale);
  const db = c.get('deps').db;
  const fund = await fundOf(db, c.req.param('site')!);
  const proposal = await findProposal(db, fund.id, Number(c.req.param('id')));
  if (!proposal) throw notFound();
  const amountMinor = parseMoney(form.amount ?? '', proposal.currency) ?? 0;
  assertAmount(amountMinor);
  const paidOn = (form.paidOn ?? '').trim();
  assertDate(paidOn, isoDateOf(new Date()));
  const counterparty = cleanText(form.counterparty, 200);
  if (counterparty === null) throw fundError('counterparty_required', 422);
  const remaining = await accountBalance(db, { fundId: fund.id, currency: proposal.currency, kind: 'committed', proposalId: proposal.id });
  const money = (minor: number) => formatMoney(locale, minor, proposal.currency);
  if (amountMinor > remaining) throw fundError('exceeds_commitment', 422, (l) => ({ amount: formatMoney(l, amountMinor, proposal.currency), remaining: formatMoney(l, remaining, proposal.currency) }));
  const base = `/funds/${fund.siteCode}/proposals/${proposal.id}`;
  return renderPage(c, {
    title: t('confirm_tranche_title'),
    breadcrumbs: [...fundCrumbs(locale, fund.siteCode, true), { href: `/funds/${fund.siteCode}/proposals`, label: t('proposals_link') }, { href: base, label: proposal.title }],
    children: (
      <>
        <h1>{t('confirm_tranche_title')}</h1>
        <div class="panel">
          <p>{t('confirm_tranche_text', { amount: money(amountMinor), payee: counterparty, date: formatDate(locale, paidOn), project: proposal.title, left: money(remaining - amountMinor) })}</p>
          <p>{t('confirm_tranche_final')}</p>
        </div>
        <form method="post" action={`${base}/tranches`} enctype="multipart/form-data" novalidate>
          <CsrfField token={c.get('csrfToken')} />
          <input type="hidden" name="amount" value={form.amount ?? ''} />
          <input type="hidden" name="paidOn" value={paidOn} />
          <input type="hidden" name="counterparty" value={counterparty} />
          <FileField name="receipt" label={t('receipt_label')} accept="application/pdf,image/jpeg,image/png" />
          <button class="button button-warning" type="submit">{t('disburse_button')}</button>
        </form>
        <p>
          <a href={base}>{t('confirm_tranche_back')}</a>
        </p>
      </>
    ),
  });
}

/** “Tarpaulins: 1200” lines to budget lines in minor units; null when a line does not read. */
function parseBudget(text: string, currency: string) {
  const lines = text.split('\n').map((line) => line.trim()).filter(Boolean);
  const parsed = lines.map((line) => {
    const at = line.lastIndexOf(':');
    const amountMinor = at > 0 ? parseMoney(line.slice(at + 1), currency) : null;
    return amountMinor === null ? null : { description: line.slice(0, at).trim(), amountMinor };
  });
  return parsed.every((l) => l !== null) ? parsed : null;
}

/** Proposals and projects: the list and a new draft; a project's page with submission, tranches, completion report and cancellation. */
export function registerProposalPages(pages: Hono<AppEnv>) {
  const site = (c: Context<AppEnv>) => c.req.param('site')!;
  const back = (c: Context<AppEnv>, done: string) => c.redirect(`/funds/${site(c)}/proposals/${c.req.param('id')}?done=${done}`, 303);
  const onProposal = (run: (c: Context<AppEnv>, form: Form, files: Record<string, File[]>) => Promise<unknown>, done: string) => async (c: Context<AppEnv>) => {
    const { form, files } = await formWithFiles(c);
    try {
      await run(c, form, files);
      return back(c, done);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return proposalPage(c, refusal.errors, refusal.status);
    }
  };

  pages.get('/funds/:site{[A-Z]{3,6}}/proposals', (c) => proposalsPage(c));
  pages.post('/funds/:site{[A-Z]{3,6}}/proposals', async (c) => {
    const { form } = await formWithFiles(c);
    const currency = (form.currency ?? '').trim().toUpperCase();
    const budgetLines = /^[A-Z]{3}$/.test(currency) ? parseBudget(form.budget ?? '', currency) : null;
    if (!budgetLines) return proposalsPage(c, form, { budget: translator(c.get('locale'))('field_invalid') }, 400);
    try {
      const proposal = await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        draftProposal(ctx, { site: site(c), title: form.title ?? '', area: form.area ?? '', description: form.description ?? '', expectedBenefit: form.expectedBenefit ?? '', measure: form.measure ?? '', currency, budgetLines }),
      );
      return c.redirect(`/funds/${site(c)}/proposals/${proposal.id}`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return proposalsPage(c, form, refusal.errors, refusal.status);
    }
  });
  pages.get('/funds/:site{[A-Z]{3,6}}/proposals/:id{[0-9]+}', (c) => proposalPage(c));
  pages.post(
    '/funds/:site{[A-Z]{3,6}}/proposals/:id{[0-9]+}/submit',
    onProposal((c) => runCommand(c.get('deps').db, c.get('actor'), (ctx) => submitProposal(ctx, { proposalId: Number(c.req.param('id')) })), 'submitted'),
  );
  pages.post('/funds/:site{[A-Z]{3,6}}/proposals/:id{[0-9]+}/tranches/check', async (c) => {
    try {
      return await trancheConfirmation(c, (await formWithFiles(c)).form);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return proposalPage(c, refusal.errors, refusal.status);
    }
  });
  pages.post(
    '/funds/:site{[A-Z]{3,6}}/proposals/:id{[0-9]+}/tranches',
    onProposal(async (c, form, files) => {
      const proposalId = Number(c.req.param('id'));
      const fund = await fundOf(c.get('deps').db, site(c));
      const proposal = await findProposal(c.get('deps').db, fund.id, proposalId);
      if (!proposal) throw notFound();
      const receipt = files.receipt?.[0];
      return runCommand(c.get('deps').db, c.get('actor'), async (ctx) =>
        disburseTranche(ctx, {
          proposalId,
          amountMinor: parseMoney(form.amount ?? '', proposal.currency) ?? 0,
          paidOn: form.paidOn ?? '',
          counterparty: form.counterparty ?? '',
          receipt: receipt ? await uploaded(receipt) : { filename: '', contentType: '', content: Buffer.alloc(0) },
        }),
      );
    }, 'disbursed'),
  );
  pages.post(
    '/funds/:site{[A-Z]{3,6}}/proposals/:id{[0-9]+}/completion',
    onProposal(async (c, form, files) => {
      const photos = await Promise.all((files.photos ?? []).map(uploaded));
      const fund = await fundOf(c.get('deps').db, site(c));
      const currency = (await findProposal(c.get('deps').db, fund.id, Number(c.req.param('id'))))?.currency ?? 'USD';
      const finalCosts: Record<number, number> = {};
      for (const [name, value] of Object.entries(form)) {
        if (name.startsWith('cost-')) finalCosts[Number(name.slice(5))] = value.trim() === '0' ? 0 : (parseMoney(value, currency) ?? -1);
      }
      return runCommand(c.get('deps').db, c.get('actor'), (ctx) => completeProject(ctx, { proposalId: Number(c.req.param('id')), completedOn: form.completedOn ?? '', summary: form.summary ?? '', finalCosts, photos }));
    }, 'completed'),
  );
  pages.post(
    '/funds/:site{[A-Z]{3,6}}/proposals/:id{[0-9]+}/cancel',
    onProposal((c, form) => runCommand(c.get('deps').db, c.get('actor'), (ctx) => cancelProject(ctx, { proposalId: Number(c.req.param('id')), reason: form.reason ?? '' })), 'cancelled'),
  );
}
