import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { authorize } from '../../core/auth/policies.ts';
import { organisationOf } from '../../core/auth/roles.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { AppError } from '../../core/errors.ts';
import { formatDate, formatMoney, formatNumber } from '../../core/i18n/format.ts';
import { findOrganisation } from '../../accounts/public.ts';
import { runCommand } from '../../journal/public.ts';
import { renderBarChart, ChartFrame } from '../../web/chart.tsx';
import { CardGrid, CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, StatusTag, SummaryCard, type FieldErrors, type TagTone } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { assertReadsReferrals, authorizeCaseRead, loadCaseDetail, nameKeyOf } from '../case-access.ts';
import type { CaseCircumstances } from '../case-opening.ts';
import { addSupport, supportCurrencies, type SupportKind } from '../commands/add-support.ts';
import { closeCase, type ClosureReason } from '../commands/close-case.ts';
import { confirmReferral } from '../commands/confirm-referral.ts';
import { openCase } from '../commands/open-case.ts';
import { recordVisit } from '../commands/record-visit.ts';
import { loadFollowUpSchedule, type VisitOutcome } from '../follow-up.ts';
import type { ChildrenTextKey } from '../messages/pages.ts';
import { caseStages, listCases, type CaseDetail, type CaseStage } from '../queries/cases.ts';
import { childActivities, closureReasons, householdHeads, identificationSources, riskLevels, supportKinds, visitOutcomes } from '../schema.ts';
import { textFor } from './public.tsx';
import { listNewReferrals } from '../../sites/public.ts';

const stageTone: Record<CaseStage, TagTone> = { identified: 'yellow', plan_started: 'blue', visited_3_months: 'blue', visited_6_months: 'blue', closed_remediated: 'green', closed_other: 'grey' };
const outcomeTone: Record<VisitOutcome, TagTone> = { in_school_or_training: 'green', working: 'red', not_found: 'yellow' };

/** "45.50" in a currency with two minor digits → 4550; null when it is not such an amount. */
function parseCost(text: string): number | null {
  const match = /^(\d{1,12})(?:[.,](\d{1,2}))?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ''));
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null;
}

/** The choices of a required field, after an empty “Choose…”: where no answer is more likely than another, a default would be a guess. */
const options = (locale: 'en' | 'fr', prefix: string, values: readonly string[]) => [
  { value: '', label: textFor(locale)('choose') },
  ...values.map((value) => ({ value, label: textFor(locale)(`${prefix}${value}` as ChildrenTextKey) })),
];

/** Runs a command from a form; a refusal the person can fix comes back as the form's error. */
async function attempt(c: Context<AppEnv>, run: () => Promise<unknown>): Promise<string | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (error instanceof AppError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 403) return error.text[c.get('locale')];
    throw error;
  }
}

function CircumstancesFields({ c, values, errors }: { c: Context<AppEnv>; values: Form; errors: FieldErrors }) {
  const locale = c.get('locale');
  const t = textFor(locale);
  return (
    <>
      <SelectField name="activity" label={t('activity')} value={values.activity} error={errors.activity} options={options(locale, 'activity_', childActivities)} />
      <Field name="community" label={t('community')} value={values.community} error={errors.community} />
      <SelectField name="householdHead" label={t('household_head')} value={values.householdHead} options={options(locale, 'head_', householdHeads)} />
      <Field name="householdSize" type="number" label={t('household_size')} value={values.householdSize} error={errors.householdSize} />
      <SelectField name="riskLevel" label={t('risk')} value={values.riskLevel} options={options(locale, 'risk_', riskLevels)} />
      <Field name="name" label={t('name')} hint={t('name_hint')} value={values.name} error={errors.name} autocomplete="off" />
    </>
  );
}

const circumstancesOf = (c: Context<AppEnv>, form: Form): Omit<CaseCircumstances, 'identifiedOn' | 'identifiedBy'> => ({
  caseOrganisationId: organisationOf(c.get('actor')) ?? -1,
  activity: form.activity as CaseCircumstances['activity'],
  community: form.community ?? '',
  householdHead: form.householdHead as CaseCircumstances['householdHead'],
  householdSize: Number(form.householdSize),
  riskLevel: form.riskLevel as CaseCircumstances['riskLevel'],
  name: form.name,
  nameKey: form.name?.trim() ? nameKeyOf(c) : null,
});

function renderNewCase(c: Context<AppEnv>, values: Form, error?: string) {
  const locale = c.get('locale');
  const t = textFor(locale);
  return renderPage(
    c,
    {
      title: t('new_case_title'),
      breadcrumbs: [{ href: '/children/cases', label: t('dashboard_title') }],
      children: (
        <>
          <h1>{t('new_case_title')}</h1>
          <ErrorSummary locale={locale} errors={error ? { site: error } : {}} />
          <form method="post" action="/children/cases/new" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="site" label={t('site')} value={values.site ?? 'KAM'} />
            <SelectField name="sex" label={t('sex')} value={values.sex} options={options(locale, 'child_sex_', ['female', 'male'])} />
            <Field name="ageAtIdentification" type="number" label={t('age')} hint={t('age_hint')} value={values.ageAtIdentification} />
            <Field name="identifiedOn" type="date" label={t('identified_on')} hint={t('date_hint')} value={values.identifiedOn ?? isoDateOf(new Date())} />
            <SelectField name="identifiedBy" label={t('identified_by')} value={values.identifiedBy} options={options(locale, 'by_', identificationSources.filter((s) => s !== 'worker_register'))} />
            <CircumstancesFields c={c} values={values} errors={{}} />
            <button class="button" type="submit">
              {t('save')}
            </button>
          </form>
        </>
      ),
    },
    error ? 422 : 200,
  );
}

/** The confirmation each action on a case leaves on its page (`?done=`). */
const doneNotices = { opened: 'done_opened', confirmed: 'done_confirmed', supports: 'done_supports', visits: 'done_visits', close: 'done_close' } as const;

async function renderCase(c: Context<AppEnv>, detail: CaseDetail, errors: FieldErrors = {}, values: Form = {}) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const token = c.get('csrfToken');
  const open = !detail.closedOn;
  const done = Object.keys(errors).length === 0 ? doneNotices[c.req.query('done') as keyof typeof doneNotices] : undefined;
  const facts: [string, Child][] = [
    [t('stage'), <StatusTag tone={stageTone[detail.stage]}>{t(`stage_${detail.stage}`)}</StatusTag>],
    [t('site'), detail.siteCode],
    [t('case_organisation'), detail.caseOrganisationName],
    [t('sex'), t(`child_sex_${detail.sex}`)],
    [t('age'), String(detail.ageAtIdentification)],
    [t('activity'), t(`activity_${detail.activity}`)],
    [t('community'), detail.community],
    [t('household_head'), t(`head_${detail.householdHead}`)],
    [t('household_size'), String(detail.householdSize)],
    [t('identified_on'), formatDate(locale, detail.identifiedOn)],
    [t('identified_by'), t(`by_${detail.identifiedBy}`)],
    [t('risk'), t(`risk_${detail.riskLevel}`)],
    [t('name'), detail.name.recorded ? (detail.name.value ?? t('name_recorded_unreadable')) : t('name_none')],
  ];
  if (detail.closedOn) facts.push([t('closed_on'), t('closed_notice', { date: formatDate(locale, detail.closedOn), reason: t(`reason_${detail.closureReason!}`) })]);
  const dueChoices = [...detail.schedule.filter((d) => !d.visit).map((d) => ({ value: String(d.dueMonths), label: t('months_visit', { months: d.dueMonths }) })), { value: '', label: t('unscheduled') }];
  return renderPage(
    c,
    {
      title: detail.code,
      breadcrumbs: [{ href: '/children/cases', label: t('dashboard_title') }],
      children: (
        <>
          {done && (
            <div class="panel" role="status">
              {t(done)}
            </div>
          )}
          <h1>{detail.code}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          <dl class="summary-list">
            {facts.map(([label, value]) => (
              <div>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <h2>{t('plan_title')}</h2>
          {detail.supports.length === 0 ? (
            <p>{t('plan_none')}</p>
          ) : (
            <DataTable
              caption={t('plan_caption')}
              rows={detail.supports}
              columns={[
                { header: t('support'), cell: (s) => t(`support_${s.kind}`) },
                { header: t('provider'), cell: (s) => s.providerName },
                { header: t('started_on'), cell: (s) => formatDate(locale, s.startedOn) },
                { header: t('cost'), cell: (s) => formatMoney(locale, s.costMinor, s.currency), numeric: true },
              ]}
            />
          )}
          {open && (
            <form method="post" action={`/children/cases/${detail.id}/supports`} novalidate id="support">
              <h3>{t('add_support')}</h3>
              <CsrfField token={token} />
              <SelectField name="kind" label={t('support')} value={values.kind} options={options(locale, 'support_', supportKinds)} />
              <Field name="provider" label={t('provider')} value={values.provider ?? detail.caseOrganisationCode} />
              <Field name="startedOn" type="date" label={t('started_on')} hint={t('date_hint')} value={values.startedOn} />
              <Field name="cost" label={t('cost')} hint={t('cost_hint')} value={values.cost} />
              <SelectField name="currency" label={t('currency')} value={values.currency ?? 'USD'} options={Object.keys(supportCurrencies).map((code) => ({ value: code, label: code }))} />
              <button class="button button-secondary" type="submit">
                {t('add_support')}
              </button>
            </form>
          )}
          <h2>{t('visits_title')}</h2>
          {detail.planStartedOn && (
            <DataTable
              caption={t('schedule_caption', { date: formatDate(locale, detail.planStartedOn) })}
              rows={detail.schedule}
              columns={[
                { header: t('which_visit'), cell: (d) => t('months_visit', { months: d.dueMonths }) },
                { header: t('due_on'), cell: (d) => formatDate(locale, d.dueOn) },
                { header: t('visited_on'), cell: (d) => (d.visit ? formatDate(locale, d.visit.visitedOn) : detail.overdue.some((o) => o.dueMonths === d.dueMonths) ? <StatusTag tone="red">{t('overdue')}</StatusTag> : t('not_yet')) },
                { header: t('outcome'), cell: (d) => (d.visit ? <StatusTag tone={outcomeTone[d.visit.outcome]}>{t(`outcome_${d.visit.outcome}`)}</StatusTag> : '–') },
              ]}
            />
          )}
          {open && (
            <form method="post" action={`/children/cases/${detail.id}/visits`} novalidate id="visit">
              <h3>{t('record_visit')}</h3>
              <CsrfField token={token} />
              <SelectField name="dueMonths" label={t('which_visit')} value={values.dueMonths} options={dueChoices} />
              <Field name="visitedOn" type="date" label={t('visited_on')} hint={t('date_hint')} value={values.visitedOn} />
              <SelectField name="outcome" label={t('outcome')} value={values.outcome} options={options(locale, 'outcome_', visitOutcomes)} />
              <button class="button button-secondary" type="submit">
                {t('record_visit')}
              </button>
            </form>
          )}
          {open && (
            <form method="post" action={`/children/cases/${detail.id}/close`} novalidate id="close">
              <h2>{t('close_title')}</h2>
              <p class="panel">{t('close_rule')}</p>
              <CsrfField token={token} />
              <Field name="closedOn" type="date" label={t('closed_on')} hint={t('date_hint')} value={values.closedOn} />
              <SelectField name="reason" label={t('reason')} value={values.reason} options={options(locale, 'reason_', closureReasons)} />
              <button class="button" type="submit">
                {t('close_button')}
              </button>
            </form>
          )}
        </>
      ),
    },
    Object.keys(errors).length > 0 ? 422 : 200,
  );
}

/** Case management pages: the dashboard with the case list, opening and confirming cases, and the case page with its forms. */
export function registerCasePages(pages: Hono<AppEnv>) {
  pages.get('/children/cases', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'children.case.list');
    const locale = c.get('locale');
    const t = textFor(locale);
    const db = c.get('deps').db;
    const orgId = organisationOf(actor) ?? -1;
    const organisation = await findOrganisation(db, { id: orgId });
    const schedule = await loadFollowUpSchedule(db);
    const today = isoDateOf(new Date());
    const all = await listCases(db, { caseOrganisationId: orgId, schedule, today });
    const stage = caseStages.find((s) => s === c.req.query('stage'));
    // `overdue=1` as older links wrote it, `overdue=true` as the filter below writes it.
    const overdueOnly = ['true', '1'].includes(c.req.query('overdue') ?? '');
    const overdueCases = all.filter((k) => k.overdue.length > 0).length;
    const shownCases = all.filter((k) => (!stage || k.stage === stage) && (!overdueOnly || k.overdue.length > 0));
    const byStage = caseStages.map((s) => all.filter((k) => k.stage === s).length);
    const overdueByVisit = new Map<number, number>();
    for (const k of all) for (const o of k.overdue) overdueByVisit.set(o.dueMonths, (overdueByVisit.get(o.dueMonths) ?? 0) + 1);
    const overdueRows = [...overdueByVisit.entries()].sort((a, b) => a[0] - b[0]);
    const overdueTotal = overdueRows.reduce((sum, [, n]) => sum + n, 0);
    const referrals = await listNewReferrals(db);
    const source = t('chart_source', { organisation: organisation?.name ?? '' });
    const closed = all.filter((k) => k.closedOn).length;
    return renderPage(c, {
      title: t('dashboard_title'),
      children: (
        <>
          <h1>{t('dashboard_title')}</h1>
          <p>{t('dashboard_lead', { organisation: organisation?.name ?? '' })}</p>
          <p>
            <a class="button" href="/children/cases/new">
              {t('open_case')}
            </a>{' '}
            <a href="/children/referrals">{t('referrals_link', { count: referrals.length })}</a>
          </p>
          <CardGrid>
            <SummaryCard figure={String(all.length - closed)} label={t('stage_chart_message', { open: all.length - closed, closed })} />
            <SummaryCard figure={formatNumber(locale, overdueCases)} label={t('overdue_cases', { count: overdueCases })} />
          </CardGrid>
          <ChartFrame
            locale={locale}
            title={t('stage_chart_title')}
            message={t('stage_chart_message', { open: all.length - closed, closed })}
            svg={renderBarChart({ locale, categories: caseStages.map((s) => t(`stage_${s}`)), series: [{ name: t('stage_chart_title'), values: byStage }], height: 280 })}
            table={{ columns: [t('stage'), t('stage_chart_title')], rows: caseStages.map((s, i) => [t(`stage_${s}`), byStage[i]!]) }}
            source={source}
          />
          {overdueTotal === 0 ? (
            <p>{t('overdue_none')}</p>
          ) : (
            <ChartFrame
              locale={locale}
              title={t('overdue_chart_title')}
              message={t('overdue_chart_message', { count: overdueTotal })}
              svg={renderBarChart({ locale, categories: overdueRows.map(([m]) => t('months_visit', { months: m })), series: [{ name: t('visits'), values: overdueRows.map(([, n]) => n) }], height: 240 })}
              table={{ columns: [t('which_visit'), t('visits')], rows: overdueRows.map(([m, n]) => [t('months_visit', { months: m }), n]) }}
              source={source}
            />
          )}
          <nav aria-label={t('filter_label')}>
            <ul class="filters">
              <li>
                <a href="/children/cases" aria-current={!stage && !overdueOnly ? 'page' : undefined}>
                  {t('filter_all')}
                </a>
              </li>
              <li>
                <a href="/children/cases?overdue=true" aria-current={overdueOnly ? 'page' : undefined}>
                  {t('filter_overdue')}
                </a>
              </li>
              {caseStages.map((s) => (
                <li>
                  <a href={`/children/cases?stage=${s}`} aria-current={stage === s ? 'page' : undefined}>
                    {t(`stage_${s}`)}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {overdueOnly && <p role="status">{t('showing_overdue', { count: overdueCases })}</p>}
          {shownCases.length === 0 ? (
            <EmptyState title={t('no_cases')} next={t('no_cases_next')} />
          ) : (
            <DataTable
              caption={t('cases_caption')}
              rows={shownCases}
              columns={[
                { header: t('case_code'), cell: (k) => <a href={`/children/cases/${k.id}`}>{k.code}</a> },
                { header: t('site'), cell: (k) => k.siteCode },
                { header: t('age'), cell: (k) => String(k.ageAtIdentification), numeric: true },
                { header: t('risk'), cell: (k) => t(`risk_${k.riskLevel}`) },
                { header: t('stage'), cell: (k) => <StatusTag tone={stageTone[k.stage]}>{t(`stage_${k.stage}`)}</StatusTag> },
                {
                  header: t('next_visit'),
                  cell: (k) =>
                    k.overdue.length > 0 ? (
                      <StatusTag tone="red">{`${t('overdue')}: ${k.overdue.map((o) => t('months_visit', { months: o.dueMonths })).join(', ')}`}</StatusTag>
                    ) : k.nextVisit ? (
                      formatDate(locale, k.nextVisit.dueOn)
                    ) : (
                      '–'
                    ),
                },
              ]}
            />
          )}
        </>
      ),
    });
  });

  pages.get('/children/cases/new', async (c) => {
    authorize(c.get('actor'), 'children.case.write', { caseOrgId: organisationOf(c.get('actor')) ?? -1 });
    return renderNewCase(c, {});
  });

  pages.post('/children/cases/new', async (c) => {
    const form = await formOf(c);
    let createdId = 0;
    const error = await attempt(c, async () => {
      const created = await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        openCase(ctx, {
          ...circumstancesOf(c, form),
          siteCode: (form.site ?? '').trim().toUpperCase(),
          sex: form.sex as 'female' | 'male',
          ageAtIdentification: Number(form.ageAtIdentification || 'NaN'),
          identifiedOn: form.identifiedOn ?? '',
          identifiedBy: form.identifiedBy as CaseCircumstances['identifiedBy'],
        }),
      );
      createdId = created.id;
    });
    return error ? renderNewCase(c, form, error) : c.redirect(`/children/cases/${createdId}?done=opened`, 303);
  });

  pages.get('/children/cases/:id', async (c) => {
    const id = Number(c.req.param('id'));
    const db = c.get('deps').db;
    await authorizeCaseRead(db, c.get('actor'), Number.isSafeInteger(id) ? id : -1);
    return renderCase(c, await loadCaseDetail(c, id));
  });

  const casePost = (path: string, field: string, run: (c: Context<AppEnv>, caseId: number, form: Form) => Promise<unknown>) =>
    pages.post(`/children/cases/:id/${path}`, async (c) => {
      const id = Number(c.req.param('id'));
      const form = await formOf(c);
      const error = await attempt(c, () => run(c, id, form));
      if (error) return renderCase(c, await loadCaseDetail(c, id), { [field]: error }, form);
      return c.redirect(`/children/cases/${id}?done=${path}`, 303);
    });

  casePost('supports', 'support', async (c, caseId, form) => {
    const costMinor = parseCost(form.cost ?? '');
    await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
      addSupport(ctx, { caseId, kind: form.kind as SupportKind, provider: form.provider ?? '', startedOn: form.startedOn ?? '', costMinor: costMinor ?? -1, currency: form.currency ?? '' }),
    );
  });
  casePost('visits', 'visit', async (c, caseId, form) => {
    await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
      recordVisit(ctx, { caseId, visitedOn: form.visitedOn ?? '', outcome: form.outcome as VisitOutcome, dueMonths: form.dueMonths ? Number(form.dueMonths) : null }),
    );
  });
  casePost('close', 'close', async (c, caseId, form) => {
    await runCommand(c.get('deps').db, c.get('actor'), (ctx) => closeCase(ctx, { caseId, closedOn: form.closedOn ?? '', reason: form.reason as ClosureReason }));
  });

  pages.get('/children/referrals', async (c) => {
    await assertReadsReferrals(c.get('deps').db, c.get('actor'));
    const locale = c.get('locale');
    const t = textFor(locale);
    const referrals = await listNewReferrals(c.get('deps').db);
    return renderPage(c, {
      title: t('referrals_title'),
      breadcrumbs: [{ href: '/children/cases', label: t('dashboard_title') }],
      children: (
        <>
          <h1>{t('referrals_title')}</h1>
          <p>{t('referrals_lead')}</p>
          {referrals.length === 0 ? (
            <EmptyState title={t('no_referrals')} next={t('no_referrals_next')} />
          ) : (
            <DataTable
              caption={t('referrals_caption')}
              rows={referrals}
              columns={[
                { header: t('referral'), cell: (r) => <span class="mono">{r.code}</span> },
                { header: t('site'), cell: (r) => r.siteCode },
                { header: t('sex'), cell: (r) => t(`child_sex_${r.sex}`) },
                { header: t('age'), cell: (r) => String(r.ageYears), numeric: true },
                { header: t('referred_on'), cell: (r) => formatDate(locale, r.referredOn) },
                { header: '', cell: (r) => <a href={`/children/referrals/${r.code}/confirm`}>{t('confirm')}</a> },
              ]}
            />
          )}
        </>
      ),
    });
  });

  const renderConfirm = (c: Context<AppEnv>, code: string, values: Form, error?: string) => {
    const locale = c.get('locale');
    const t = textFor(locale);
    return renderPage(
      c,
      {
        title: t('confirm_title', { code }),
        breadcrumbs: [{ href: '/children/referrals', label: t('referrals_title') }],
        children: (
          <>
            <h1>{t('confirm_title', { code })}</h1>
            <ErrorSummary locale={locale} errors={error ? { activity: error } : {}} />
            <form method="post" action={`/children/referrals/${code}/confirm`} novalidate>
              <CsrfField token={c.get('csrfToken')} />
              <CircumstancesFields c={c} values={values} errors={{}} />
              <button class="button" type="submit">
                {t('confirm')}
              </button>
            </form>
          </>
        ),
      },
      error ? 422 : 200,
    );
  };

  pages.get('/children/referrals/:code/confirm', async (c) => {
    authorize(c.get('actor'), 'children.case.write', { caseOrgId: organisationOf(c.get('actor')) ?? -1 });
    return renderConfirm(c, c.req.param('code'), {});
  });

  pages.post('/children/referrals/:code/confirm', async (c) => {
    const form = await formOf(c);
    let createdId = 0;
    const error = await attempt(c, async () => {
      createdId = (await runCommand(c.get('deps').db, c.get('actor'), (ctx) => confirmReferral(ctx, { ...circumstancesOf(c, form), referralCode: c.req.param('code') }))).id;
    });
    return error ? renderConfirm(c, c.req.param('code'), form, error) : c.redirect(`/children/cases/${createdId}?done=confirmed`, 303);
  });
}
