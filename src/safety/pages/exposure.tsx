import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import type { AppError } from '../../core/errors.ts';
import { formatDate, formatMoney, formatMonth, formatNumber } from '../../core/i18n/format.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, StatusTag, TextareaField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, refusalOnForm, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { recordHoursWorked } from '../commands/record-hours-worked.ts';
import { recordIntervention } from '../commands/record-intervention.ts';
import { setWorkPattern } from '../commands/set-work-pattern.ts';
import { costCurrencies } from '../costs.ts';
import { estimatedHours, monthsOfYear } from '../rates.ts';
import { listInterventions, monthExposures, workPatterns } from '../queries/figures.ts';
import { interventionKinds } from '../schema.ts';
import { siteResource } from '../site-access.ts';
import { crumbs, safetyPath, siteOf, text, today, wholeNumber, yearOf, type Site } from './shared.tsx';

/** Which field an error of a command belongs beside: its details name it. */
const fieldOf = (error: AppError) => {
  const details = error.details as { field?: string }[] | undefined;
  return details?.[0]?.field ?? 'form';
};

async function interventionsPage(c: Context<AppEnv>, site: Site, values: Form, errors: FieldErrors, status: 200 | 400 | 422 = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const actor = c.get('actor');
  authorize(actor, 'safety.read', siteResource(site));
  const rows = await listInterventions(c.get('deps').db, { siteId: site.id });
  const canRecord = can(actor, 'safety.record', siteResource(site));
  const notice = c.req.query('recorded');
  return renderPage(
    c,
    {
      title: t('interventions_page_title', { site: site.name }),
      breadcrumbs: crumbs(c, site),
      children: (
        <>
          <h1>{t('interventions_page_title', { site: site.name })}</h1>
          {notice && /^\d+$/.test(notice) && (
            <p class="panel" role="status">
              {t('intervention_recorded', { id: notice })}
            </p>
          )}
          {rows.length === 0 ? (
            <EmptyState title={t('no_interventions')} next={t('no_interventions_next')} />
          ) : (
            <DataTable
              caption={t('interventions_list_caption')}
              rows={rows}
              columns={[
                { header: t('delivered_on'), cell: (r) => formatDate(locale, r.deliveredOn) },
                { header: t('kind'), cell: (r) => t(`intervention_${r.kind}`) },
                { header: t('quantity'), cell: (r) => formatNumber(locale, r.quantity), numeric: true },
                { header: t('people_reached'), cell: (r) => formatNumber(locale, r.peopleReached), numeric: true },
                { header: t('cost'), cell: (r) => formatMoney(locale, r.costMinor, r.currency), numeric: true },
                { header: t('description'), cell: (r) => r.description },
              ]}
            />
          )}
          {canRecord && (
            <>
              <h2>{t('intervention_new_title')}</h2>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action={`${safetyPath(site)}/interventions`} novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <SelectField name="kind" label={t('intervention_kind_label')} value={values.kind} error={errors.kind} options={interventionKinds.map((k) => ({ value: k, label: t(`intervention_${k}`) }))} />
                <Field name="deliveredOn" type="date" label={t('delivered_on')} hint={t('delivered_on_hint')} value={values.deliveredOn} error={errors.deliveredOn} />
                <Field name="quantity" label={t('quantity_label')} hint={t('quantity_hint')} value={values.quantity} error={errors.quantity} />
                <Field name="cost" label={t('cost_label')} hint={t('cost_hint')} value={values.cost} error={errors.cost} />
                <SelectField name="currency" label={t('currency_label')} value={values.currency ?? 'USD'} error={errors.currency} options={Object.keys(costCurrencies).map((code) => ({ value: code, label: code }))} />
                <Field name="peopleReached" label={t('people_reached_label')} value={values.peopleReached} error={errors.peopleReached} />
                <TextareaField name="description" label={t('intervention_description_label')} value={values.description} error={errors.description} rows={2} />
                <button class="button" type="submit">
                  {t('intervention_button')}
                </button>
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

async function exposurePage(c: Context<AppEnv>, site: Site, values: Form, errors: FieldErrors, status: 200 | 400 | 422 = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const actor = c.get('actor');
  authorize(actor, 'safety.read', siteResource(site));
  const db = c.get('deps').db;
  const year = yearOf(c, new Date().getUTCFullYear());
  const [patterns, months] = await Promise.all([workPatterns(db, site.id), monthExposures(db, { siteId: site.id, months: monthsOfYear(year, today()), today: today() })]);
  const canRecord = can(actor, 'safety.record', siteResource(site));
  const path = safetyPath(site);
  const saved = c.req.query('saved');
  const settings = c.req.path.endsWith('/settings');
  const title = settings ? t('settings_title', { site: site.name }) : t('hours_title', { site: site.name });
  return renderPage(
    c,
    {
      title,
      breadcrumbs: crumbs(c, site),
      children: (
        <>
          <h1>{title}</h1>
          <p class="lead">{settings ? t('settings_lead') : t('hours_lead')}</p>
          {saved && (
            <p class="panel" role="status">
              {settings ? t('settings_saved') : t('hours_saved')}
            </p>
          )}
          {settings ? (
            patterns.length === 0 ? (
              <p>{t('settings_default')}</p>
            ) : (
              <DataTable
                caption={t('settings_caption')}
                rows={patterns}
                columns={[
                  { header: t('effective_from'), cell: (p) => formatMonth(locale, p.effectiveFrom) },
                  { header: t('shift_hours'), cell: (p) => formatNumber(locale, p.shiftMinutes / 60, { maximumFractionDigits: 2 }), numeric: true },
                  { header: t('days_worked'), cell: (p) => formatNumber(locale, p.daysWorkedPerMonth), numeric: true },
                ]}
              />
            )
          ) : (
            <DataTable
              caption={t('hours_caption', { year })}
              rows={months}
              columns={[
                { header: t('month'), cell: (m) => formatMonth(locale, m.month) },
                { header: t('headcount'), cell: (m) => formatNumber(locale, m.headcount), numeric: true },
                { header: t('hours'), cell: (m) => formatNumber(locale, Math.round(m.recordedHours ?? estimatedHours(m.headcount, m.pattern))), numeric: true },
                { header: t('source'), cell: (m) => (m.recordedHours === null ? <StatusTag tone="yellow">{t('source_estimated')}</StatusTag> : <StatusTag tone="green">{t('source_recorded')}</StatusTag>) },
              ]}
            />
          )}
          {canRecord && (
            <>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action={settings ? `${path}/settings` : `${path}/hours?year=${year}`} novalidate>
                <CsrfField token={c.get('csrfToken')} />
                {settings ? (
                  <>
                    <Field name="effectiveFrom" label={t('effective_from')} hint={t('effective_from_hint')} value={values.effectiveFrom} error={errors.effectiveFrom} />
                    <Field name="shiftHours" label={t('shift_hours')} hint={t('shift_hours_hint')} value={values.shiftHours} error={errors.shiftHours} />
                    <Field name="daysWorkedPerMonth" label={t('days_worked')} value={values.daysWorkedPerMonth} error={errors.daysWorkedPerMonth} />
                    <button class="button" type="submit">
                      {t('settings_button')}
                    </button>
                  </>
                ) : (
                  <>
                    <Field name="month" label={t('hours_month_label')} hint={t('hours_month_hint')} value={values.month} error={errors.month} />
                    <Field name="hours" label={t('hours_label')} value={values.hours} error={errors.hours} />
                    <button class="button" type="submit">
                      {t('hours_button')}
                    </button>
                  </>
                )}
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

/** Hours in decimal (a comma or a point) to whole minutes; NaN when unreadable (refused by the command). */
const minutesOf = (hours: string | undefined) => {
  const match = /^(\d{1,2})(?:[.,](\d{1,2}))?$/.exec((hours ?? '').trim());
  return match ? Math.round(Number(`${match[1]}.${match[2] ?? '0'}`) * 60) : Number.NaN;
};

/** Runs a command from a form; a refusal shows the form again with the error beside its field. */
async function submit(c: Context<AppEnv>, again: (errors: FieldErrors) => Promise<Response>, run: () => Promise<string>) {
  try {
    return c.redirect(await run(), 303);
  } catch (error) {
    const response = await again(refusalOnForm(error, c.get('locale'), fieldOf).errors);
    return new Response(response.body, { status: 422, headers: response.headers });
  }
}

/** Interventions, the work pattern and hours worked of a site. */
export function registerExposurePages(pages: Hono<AppEnv>) {
  pages.get('/safety/sites/:code/interventions', async (c) => interventionsPage(c, await siteOf(c), { deliveredOn: today() }, {}));
  pages.post('/safety/sites/:code/interventions', async (c) => {
    const site = await siteOf(c);
    const form = await formOf(c);
    return submit(c, (errors) => interventionsPage(c, site, form, errors), async () => {
      const row = await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        recordIntervention(ctx, {
          siteId: site.id,
          kind: form.kind ?? '',
          deliveredOn: (form.deliveredOn ?? '').trim(),
          quantity: wholeNumber(form.quantity) ?? Number.NaN,
          typedCost: form.cost ?? '',
          currency: form.currency ?? '',
          peopleReached: wholeNumber(form.peopleReached) ?? 0,
          description: form.description ?? '',
        }),
      );
      return `${safetyPath(site)}/interventions?recorded=${row.id}`;
    });
  });

  pages.get('/safety/sites/:code/settings', async (c) => exposurePage(c, await siteOf(c), { effectiveFrom: today().slice(0, 7) }, {}));
  pages.post('/safety/sites/:code/settings', async (c) => {
    const site = await siteOf(c);
    const form = await formOf(c);
    return submit(c, (errors) => exposurePage(c, site, form, errors), async () => {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        setWorkPattern(ctx, { siteId: site.id, effectiveFrom: (form.effectiveFrom ?? '').trim(), shiftMinutes: minutesOf(form.shiftHours), daysWorkedPerMonth: wholeNumber(form.daysWorkedPerMonth) ?? Number.NaN }),
      );
      return `${safetyPath(site)}/settings?saved=1`;
    });
  });

  pages.get('/safety/sites/:code/hours', async (c) => exposurePage(c, await siteOf(c), { month: today().slice(0, 7) }, {}));
  pages.post('/safety/sites/:code/hours', async (c) => {
    const site = await siteOf(c);
    const form = await formOf(c);
    return submit(c, (errors) => exposurePage(c, site, form, errors), async () => {
      const month = (form.month ?? '').trim();
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordHoursWorked(ctx, { siteId: site.id, month, hours: wholeNumber(form.hours) ?? Number.NaN }));
      return `${safetyPath(site)}/hours?year=${month.slice(0, 4)}&saved=1`;
    });
  });
}
