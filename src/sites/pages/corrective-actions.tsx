import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { z } from 'zod';
import { authorize } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { AppError, notFound } from '../../core/errors.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { formatDate, formatMoney } from '../../core/i18n/format.ts';
import { maxFileBytes } from '../../files/public.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, TextareaField, StatusTag, type FieldErrors, type TagTone } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { closeCorrectiveAction } from '../commands/corrective-actions/close-corrective-action.ts';
import { costCurrencies, type CostCurrency } from '../corrective-action-records.ts';
import { raiseCorrectiveAction } from '../commands/corrective-actions/raise-corrective-action.ts';
import { updateCorrectiveActionStatus } from '../commands/corrective-actions/update-corrective-action-status.ts';
import { findSiteByCode, getAssessment } from '../queries/assessments.ts';
import { findCorrectiveAction, isOverdue, listCorrectiveActions, type CorrectiveActionRow, type CorrectiveActionStatus } from '../queries/corrective-actions.ts';
import { correctiveActionStatuses } from '../schema.ts';
import { formOf, type Form } from '../../web/forms.ts';
import { fieldErrors, fileOf, textFor } from './assessments/shared.tsx';


const statusTone: Record<CorrectiveActionStatus, TagTone> = { open: 'yellow', in_progress: 'blue', closed: 'green' };
const currencies = Object.keys(costCurrencies) as [CostCurrency, ...CostCurrency[]];

function ActionStatus({ locale, action, today }: { locale: Locale; action: CorrectiveActionRow; today: string }) {
  const t = textFor(locale);
  return (
    <>
      <StatusTag tone={statusTone[action.status]}>{t(`action_status_${action.status}`)}</StatusTag>
      {isOverdue(action, today) && (
        <>
          {' '}
          <StatusTag tone="red">{t('overdue')}</StatusTag>
        </>
      )}
    </>
  );
}

const RaiseForm = z.object({
  title: z.string().trim().min(1).max(200),
  owner: z.string().trim().min(1).max(200),
  dueOn: z.iso.date(),
  costEstimate: z.string().trim().min(1).max(32),
  currency: z.enum(currencies),
  assessmentId: z.union([z.literal(''), z.coerce.number().int().positive()]).optional(),
  criterionCode: z.string().max(40).optional(),
});

const raiseFieldProblems: Record<string, Parameters<ReturnType<typeof textFor>>[0]> = {
  title: 'title_missing',
  owner: 'owner_missing',
  dueOn: 'date_invalid',
  costEstimate: 'cost_estimate_missing',
  currency: 'currency_invalid',
};

async function renderRaisePage(c: Context<AppEnv>, site: { code: string; name: string }, values: Form, errors: FieldErrors = {}, status: 200 | 400 | 422 = 200) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const assessmentId = Number(values.assessmentId);
  const assessment = values.assessmentId && Number.isSafeInteger(assessmentId) ? await getAssessment(c.get('deps').db, assessmentId) : undefined;
  const criterion = assessment?.criteria.find((cr) => cr.code === values.criterionCode);
  const rating = assessment?.responses.find((r) => r.criterionCode === values.criterionCode)?.rating;
  return renderPage(
    c,
    {
      title: t('raise_title'),
      breadcrumbs: [{ href: `/sites/${site.code}/corrective-actions`, label: t('actions_of', { site: site.name }) }],
      children: (
        <>
          <h1>{t('raise_title')}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          {assessment && criterion && (
            <div class="panel" id="finding">
              <p>{t('raise_from_finding', { code: criterion.code, period: `${formatDate(locale, assessment.periodStart)} – ${formatDate(locale, assessment.periodEnd)}` })}</p>
              <p>
                {locale === 'fr' ? criterion.textFr : criterion.textEn} {rating && <StatusTag tone={rating === 'not_met' ? 'red' : 'yellow'}>{t(`rating_${rating}`)}</StatusTag>}
              </p>
            </div>
          )}
          <form method="post" action={`/sites/${site.code}/corrective-actions/new`} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            {values.assessmentId && <input type="hidden" name="assessmentId" value={values.assessmentId} />}
            {values.criterionCode && <input type="hidden" name="criterionCode" value={values.criterionCode} />}
            <Field name="title" label={t('action_title')} hint={t('action_title_hint')} value={values.title} error={errors.title} />
            <Field name="owner" label={t('owner')} hint={t('owner_hint')} value={values.owner} error={errors.owner} />
            <Field name="dueOn" type="date" label={t('due_on')} hint={t('date_hint')} value={values.dueOn} error={errors.dueOn} />
            <Field name="costEstimate" label={t('cost_estimate')} hint={t('cost_estimate_hint')} value={values.costEstimate} error={errors.costEstimate} />
            <SelectField name="currency" label={t('currency')} value={values.currency ?? 'USD'} error={errors.currency} options={currencies.map((code) => ({ value: code, label: t(`currency_${code}`) }))} />
            <button class="button" type="submit">
              {t('raise_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

/**
 * The site whose raise form a URL names, for those who may manage its corrective actions: the form
 * (and a refused one, shown again) lists the site's findings. The policy is asked before the site
 * is known to exist; raiseCorrectiveAction asks it again when the form is sent.
 */
async function siteToRaiseAt(c: Context<AppEnv>) {
  const site = await findSiteByCode(c.get('deps').db, c.req.param('code') ?? '');
  authorize(c.get('actor'), 'corrective_action.manage', { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw notFound();
  return site;
}

/** The corrective action a URL names, for those who may manage its site's actions: its page shows its owner and its closure. */
async function loadAction(c: Context<AppEnv>) {
  const id = Number(c.req.param('id'));
  const action = Number.isSafeInteger(id) && id > 0 ? await findCorrectiveAction(c.get('deps').db, id) : undefined;
  authorize(c.get('actor'), 'corrective_action.manage', { siteCooperativeOrgId: action?.siteCooperativeOrgId ?? -1 });
  if (!action) throw notFound();
  return action;
}

async function renderActionPage(c: Context<AppEnv>, action: CorrectiveActionRow, error?: string, status: 200 | 409 = 200) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const today = isoDateOf(new Date());
  const details: [string, Child][] = [
    [t('status'), <ActionStatus locale={locale} action={action} today={today} />],
    [t('owner'), action.owner],
    [t('due_on'), formatDate(locale, action.dueOn)],
    [t('cost_estimate'), formatMoney(locale, action.costEstimateMinor, action.currency)],
    [t('finding'), action.criterionCode && action.assessmentId ? <a href={`/assessments/${action.assessmentId}`}>{action.criterionCode}</a> : t('no_finding')],
    [t('raised_on'), formatDate(locale, action.createdAt)],
  ];
  if (action.status === 'closed') {
    details.push([t('closed_on'), formatDate(locale, action.closedOn!)], [t('closure_note'), action.closureNote ?? '']);
    if (action.closureEvidence) details.push([t('closure_evidence'), <a href={`/api/v1/files/${action.closureEvidence.id}`}>{action.closureEvidence.filename}</a>]);
  }
  return renderPage(
    c,
    {
      title: action.title,
      breadcrumbs: [{ href: `/sites/${action.siteCode}/corrective-actions`, label: t('actions_of', { site: action.siteCode }) }],
      children: (
        <>
          <h1>{action.title}</h1>
          <ErrorSummary locale={locale} errors={error ? { actions: error } : {}} />
          <dl class="summary-list">
            {details.map(([label, value]) => (
              <div>
                <dt>{label}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <div id="actions">
            {action.status === 'open' && (
              <form method="post" action={`/corrective-actions/${action.id}/status`} class="inline-form">
                <CsrfField token={c.get('csrfToken')} />
                <input type="hidden" name="status" value="in_progress" />
                <button class="button button-secondary" type="submit">
                  {t('start_work')}
                </button>
              </form>
            )}{' '}
            {action.status !== 'closed' && (
              <a class="button" href={`/corrective-actions/${action.id}/close`}>
                {t('close_action')}
              </a>
            )}
          </div>
        </>
      ),
    },
    status,
  );
}

const CloseForm = z.object({ closureNote: z.string().trim().min(1).max(5000), closedOn: z.iso.date() });

function renderClosePage(c: Context<AppEnv>, action: CorrectiveActionRow, values: Form, errors: FieldErrors = {}, status: 200 | 400 | 409 | 413 | 422 = 200) {
  const locale = c.get('locale');
  const t = textFor(locale);
  const limit = Math.min(maxFileBytes, c.get('deps').bodyLimitBytes);
  return renderPage(
    c,
    {
      title: t('close_title', { title: action.title }),
      breadcrumbs: [{ href: `/corrective-actions/${action.id}`, label: action.title }],
      children: (
        <>
          <h1>{t('close_title', { title: action.title })}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={`/corrective-actions/${action.id}/close`} enctype="multipart/form-data" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <TextareaField name="closureNote" label={t('closure_note')} hint={t('closure_note_hint')} value={values.closureNote} error={errors.closureNote} />
            <Field name="closedOn" type="date" label={t('closed_on')} hint={t('date_hint')} value={values.closedOn ?? isoDateOf(new Date())} error={errors.closedOn} />
            <div class={errors.evidence ? 'field field-error' : 'field'}>
              <label for="evidence">{t('closure_evidence_optional')}</label>
              <p class="hint" id="evidence-hint">
                {t('evidence_hint', { size: Math.floor(limit / 1024) })}
              </p>
              {errors.evidence && (
                <p class="error-message" id="evidence-error">
                  {errors.evidence}
                </p>
              )}
              <input type="file" id="evidence" name="evidence" aria-describedby="evidence-hint" />
            </div>
            <p class="panel">{t('close_warning')}</p>
            <button class="button" type="submit">
              {t('close_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

/** Corrective action pages: a site's list (overdue first), raising one, its page, starting and closing it. */
export function registerCorrectiveActionsPages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/corrective-actions', async (c) => {
    const locale = c.get('locale');
    const t = textFor(locale);
    const db = c.get('deps').db;
    const site = await findSiteByCode(db, c.req.param('code'));
    authorize(c.get('actor'), 'corrective_action.manage', { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
    if (!site) throw notFound();
    const wanted = c.req.query('status');
    const status = correctiveActionStatuses.find((s) => s === wanted);
    const today = isoDateOf(new Date());
    const rows = await listCorrectiveActions(db, { siteId: site.id, status });
    const ordered = [...rows.filter((a) => isOverdue(a, today)), ...rows.filter((a) => !isOverdue(a, today))];
    const title = t('actions_of', { site: site.name });
    const filters: { status: CorrectiveActionStatus | undefined; label: string }[] = [
      { status: undefined, label: t('filter_all') },
      ...correctiveActionStatuses.map((s) => ({ status: s, label: t(`action_status_${s}`) })),
    ];
    return renderPage(c, {
      title,
      children: (
        <>
          <h1>{title}</h1>
          <p>
            <a class="button" href={`/sites/${site.code}/corrective-actions/new`}>
              {t('raise_title')}
            </a>
          </p>
          <nav aria-label={t('filter_label')}>
            <ul class="filters">
              {filters.map((f) => (
                <li>
                  <a href={`/sites/${site.code}/corrective-actions${f.status ? `?status=${f.status}` : ''}`} aria-current={f.status === status ? 'page' : undefined}>
                    {f.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {ordered.length === 0 ? (
            <EmptyState title={t('no_actions')} next={t('no_actions_next')} />
          ) : (
            <DataTable
              caption={status ? t('actions_caption_status', { site: site.name, status: t(`action_status_${status}`) }) : t('actions_caption', { site: site.name })}
              rows={ordered}
              columns={[
                { header: t('action_title'), cell: (a) => <a href={`/corrective-actions/${a.id}`}>{a.title}</a> },
                { header: t('finding'), cell: (a) => (a.criterionCode ? <span class="mono">{a.criterionCode}</span> : '–') },
                { header: t('owner'), cell: (a) => a.owner },
                { header: t('due_on'), cell: (a) => formatDate(locale, a.dueOn) },
                { header: t('cost_estimate'), cell: (a) => formatMoney(locale, a.costEstimateMinor, a.currency), numeric: true },
                { header: t('status'), cell: (a) => <ActionStatus locale={locale} action={a} today={today} /> },
              ]}
            />
          )}
        </>
      ),
    });
  });

  pages.get('/sites/:code/corrective-actions/new', async (c) => {
    const site = await siteToRaiseAt(c);
    return renderRaisePage(c, site, { assessmentId: c.req.query('assessment') ?? '', criterionCode: c.req.query('criterion') ?? '' });
  });

  pages.post('/sites/:code/corrective-actions/new', async (c) => {
    const locale = c.get('locale');
    const t = textFor(locale);
    const site = await siteToRaiseAt(c);
    const form = await formOf(c);
    const parsed = RaiseForm.safeParse(form);
    if (!parsed.success) return renderRaisePage(c, site, form, fieldErrors(parsed.error, (field) => t(raiseFieldProblems[field] ?? 'finding_invalid')), 400);
    const { assessmentId, criterionCode, ...rest } = parsed.data;
    try {
      const action = await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        raiseCorrectiveAction(ctx, { siteId: site.id, ...rest, assessmentId: assessmentId || undefined, criterionCode: criterionCode || undefined }),
      );
      return c.redirect(`/corrective-actions/${action.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 422) throw error;
      return renderRaisePage(c, site, form, { [error.code === 'cost_estimate_invalid' ? 'costEstimate' : 'finding']: error.text[locale] }, 422);
    }
  });

  pages.get('/corrective-actions/:id', async (c) => renderActionPage(c, await loadAction(c)));

  pages.post('/corrective-actions/:id/status', async (c) => {
    const action = await loadAction(c);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => updateCorrectiveActionStatus(ctx, { correctiveActionId: action.id, status: 'in_progress' }));
    } catch (error) {
      if (!(error instanceof AppError) || error.status !== 409) throw error;
      return renderActionPage(c, action, error.text[c.get('locale')], 409);
    }
    return c.redirect(`/corrective-actions/${action.id}`, 303);
  });

  pages.get('/corrective-actions/:id/close', async (c) => {
    const action = await loadAction(c);
    if (action.status === 'closed') return c.redirect(`/corrective-actions/${action.id}`, 303);
    return renderClosePage(c, action, {});
  });

  pages.post('/corrective-actions/:id/close', async (c) => {
    const locale = c.get('locale');
    const t = textFor(locale);
    const action = await loadAction(c);
    const form = await formOf(c);
    const parsed = CloseForm.safeParse(form);
    if (!parsed.success) return renderClosePage(c, action, form, fieldErrors(parsed.error, (field) => t(field === 'closedOn' ? 'date_invalid' : 'closure_note_missing')), 400);
    const file = await fileOf(c, 'evidence');
    try {
      const evidence = file ? { filename: file.name || 'evidence', contentType: file.type, content: Buffer.from(await file.arrayBuffer()) } : undefined;
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => closeCorrectiveAction(ctx, { correctiveActionId: action.id, ...parsed.data, evidence }));
    } catch (error) {
      if (!(error instanceof AppError) || ![409, 413, 422].includes(error.status)) throw error;
      const field = error.code.startsWith('closed_on') ? 'closedOn' : error.code.startsWith('evidence') ? 'evidence' : 'closureNote';
      return renderClosePage(c, action, form, { [field]: error.text[locale] }, error.status as 409 | 413 | 422);
    }
    return c.redirect(`/corrective-actions/${action.id}`, 303);
  });
}
