import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { formatDate, formatDateTime, formatNumber } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { runCommand } from '../../journal/public.ts';
import { listOperatorGroups, listPits } from '../../sites/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, StatusTag, TextareaField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, refusalOnForm, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { correctIncident } from '../commands/correct-incident.ts';
import { recordIncident } from '../commands/record-incident.ts';
import { checkIncident, type IncidentFacts } from '../incident-rules.ts';
import { safetyError } from '../messages/errors.ts';
import { findIncident, linkableCorrectiveActions, listIncidents, type IncidentDetail, type IncidentListRow } from '../queries/incidents.ts';
import { ageGroups, incidentKinds, incidentSeverities, incidentStatuses, personSexes, type IncidentSeverity, type IncidentStatus } from '../schema.ts';
import { siteResource } from '../site-access.ts';
import { Checkbox, crumbs, errorText, safetyPath, siteOf, text, today, wholeNumber, yearOf, type Site } from './shared.tsx';

const peopleRows = 4;

const isOneOf = <T extends string>(list: readonly T[], value: string | undefined): value is T => value !== undefined && (list as readonly string[]).includes(value);

function statusTag(locale: Locale, entry: { status: IncidentStatus; correctedById: number | null }) {
  const t = text(locale);
  if (entry.correctedById !== null) return <StatusTag tone="grey">{t('superseded_by', { id: entry.correctedById })}</StatusTag>;
  const tone = entry.status === 'closed' ? 'green' : entry.status === 'withdrawn' ? 'grey' : entry.status === 'under_investigation' ? 'blue' : 'yellow';
  return <StatusTag tone={tone}>{t(`status_${entry.status}`)}</StatusTag>;
}

const severityTone = (severity: IncidentSeverity) => (severity === 'fatal' || severity === 'serious_lost_time' ? 'red' : severity === 'minor_first_aid' ? 'yellow' : 'blue');

async function listPage(c: Context<AppEnv>) {
  const locale = c.get('locale');
  const t = text(locale);
  const site = await siteOf(c);
  authorize(c.get('actor'), 'safety.read', siteResource(site));
  const year = yearOf(c, new Date().getUTCFullYear());
  const q = { kind: c.req.query('kind'), severity: c.req.query('severity'), status: c.req.query('status'), pit: c.req.query('pit')?.trim() || undefined, history: c.req.query('history') === '1' };
  const rows = await listIncidents(c.get('deps').db, {
    siteId: site.id,
    from: `${year}-01-01`,
    to: `${year}-12-31`,
    ...(isOneOf(incidentKinds, q.kind) && { kind: q.kind }),
    ...(isOneOf(incidentSeverities, q.severity) && { severity: q.severity }),
    ...(isOneOf(incidentStatuses, q.status) && { status: q.status }),
    ...(q.pit && { pit: q.pit }),
    history: q.history,
  });
  const path = safetyPath(site);
  const options = (prefix: 'kind' | 'severity' | 'status', list: readonly string[]) => [{ value: '', label: t('all') }, ...list.map((v) => ({ value: v, label: t(`${prefix}_${v}` as 'kind_other') }))];
  const notice = (['recorded', 'corrected'] as const).map((key) => [key, c.req.query(key)] as const).find(([, v]) => v && /^\d+$/.test(v));
  return renderPage(c, {
    title: t('list_title', { site: site.name }),
    breadcrumbs: crumbs(c, site),
    children: (
      <>
        <h1>{t('list_title', { site: site.name })}</h1>
        {notice && (
          <p class="panel" role="status">
            {t(`${notice[0]}_notice`, { id: notice[1]! })}
          </p>
        )}
        {can(c.get('actor'), 'safety.record', siteResource(site)) && (
          <p>
            <a class="button" href={`${path}/incidents/new`}>
              {t('record_incident')}
            </a>
          </p>
        )}
        <form method="get" action={`${path}/incidents`}>
          <Field name="year" label={t('year')} value={String(year)} />
          <SelectField name="kind" label={t('kind_label')} value={q.kind ?? ''} options={options('kind', incidentKinds)} />
          <SelectField name="severity" label={t('severity_label')} value={q.severity ?? ''} options={options('severity', incidentSeverities)} />
          <SelectField name="status" label={t('status_label')} value={q.status ?? ''} options={options('status', incidentStatuses)} />
          <Field name="pit" label={t('pit')} value={q.pit ?? ''} />
          <Checkbox name="history" label={t('history_label')} checked={q.history} />
          <button class="button button-secondary" type="submit">
            {t('filter_button')}
          </button>
        </form>
        {rows.length === 0 ? (
          <EmptyState title={t('no_incidents')} next={t('no_incidents_next')} />
        ) : (
          <DataTable
            caption={t('list_caption')}
            rows={rows}
            columns={[
              { header: t('number'), cell: (r: IncidentListRow) => <a href={`${path}/incidents/${r.id}`}>{r.id}</a>, numeric: true },
              { header: t('date'), cell: (r) => `${formatDate(locale, r.occurredOn)}${r.occurredTime ? ` ${r.occurredTime}` : ''}` },
              { header: t('pit'), cell: (r) => r.pit ?? '—' },
              { header: t('kind'), cell: (r) => t(`kind_${r.kind}`) },
              { header: t('severity'), cell: (r) => <StatusTag tone={severityTone(r.severity)}>{t(`severity_${r.severity}`)}</StatusTag> },
              { header: t('people'), cell: (r) => formatNumber(locale, r.peopleAffected), numeric: true },
              { header: t('status'), cell: (r) => statusTag(locale, r) },
            ]}
          />
        )}
      </>
    ),
  });
}

type FormContext = { site: Site; pits: { code: string }[]; groups: { code: string; labelEn: string; labelFr: string }[]; actions: { id: number; title: string }[] };

async function formContext(c: Context<AppEnv>, site: Site): Promise<FormContext> {
  const db = c.get('deps').db;
  const [pits, groups, actions] = await Promise.all([listPits(db, site.id), listOperatorGroups(db, site.id), linkableCorrectiveActions(db, site.id)]);
  return { site, pits: pits.filter((p) => p.active), groups, actions };
}

/** The incident as a form sends it; people lines without a number are left out. */
function factsOf(form: Form, context: FormContext): IncidentFacts {
  const people = Array.from({ length: peopleRows }, (_, i) => i)
    .filter((i) => wholeNumber(form[`people${i}count`]) !== null)
    .map((i) => ({ sex: form[`people${i}sex`] ?? '', ageGroup: form[`people${i}age`] ?? '', operatorGroup: form[`people${i}group`] || null, count: wholeNumber(form[`people${i}count`])! }));
  return {
    occurredOn: form.occurredOn ?? '',
    occurredTime: form.occurredTime ?? null,
    pit: form.pit || null,
    kind: form.kind ?? '',
    severity: form.severity ?? '',
    status: form.status ?? 'reported',
    description: form.description ?? '',
    immediateAction: form.immediateAction ?? '',
    rootCause: form.rootCause ?? '',
    people,
    correctiveActionIds: context.actions.filter((a) => form[`action${a.id}`] === '1').map((a) => a.id),
  };
}

/** A form's values from a stored entry, for the correction form. */
function valuesOf(detail: IncidentDetail): Form {
  const values: Form = {
    occurredOn: detail.occurredOn,
    occurredTime: detail.occurredTime ?? '',
    pit: detail.pit ?? '',
    kind: detail.kind,
    severity: detail.severity,
    status: detail.status,
    description: detail.description,
    immediateAction: detail.immediateAction,
    rootCause: detail.rootCause,
  };
  detail.people.slice(0, peopleRows).forEach((p, i) => Object.assign(values, { [`people${i}sex`]: p.sex, [`people${i}age`]: p.ageGroup, [`people${i}group`]: p.operatorGroup ?? '', [`people${i}count`]: String(p.count) }));
  for (const action of detail.correctiveActions) values[`action${action.id}`] = '1';
  return values;
}

async function formErrors(c: Context<AppEnv>, context: FormContext, form: Form, facts: IncidentFacts): Promise<FieldErrors> {
  const locale = c.get('locale');
  const { problems } = await checkIncident(c.get('deps').db, context.site, facts, new Date());
  const errors: FieldErrors = {};
  for (const problem of problems) errors[problem.field === 'people' ? 'people0count' : problem.field] ??= errorText(locale)(problem.code, problem.params);
  // A number of people that is not a whole number never reaches the facts: say so beside it.
  for (let i = 0; i < peopleRows; i++) if (Number.isNaN(wholeNumber(form[`people${i}count`]))) errors[`people${i}count`] = errorText(locale)('count_invalid', { value: form[`people${i}count`] ?? '' });
  return errors;
}

function IncidentFields({ locale, context, values, errors, withStatus }: { locale: Locale; context: FormContext; values: Form; errors: FieldErrors; withStatus: boolean }) {
  const t = text(locale);
  const groupLabel = (g: { labelEn: string; labelFr: string }) => (locale === 'fr' ? g.labelFr : g.labelEn);
  // A required choice starts empty: a default would be a guess, and the most serious one a false alarm.
  const choose = { value: '', label: t('choose') };
  return (
    <>
      <Field name="occurredOn" type="date" label={t('occurred_on')} hint={t('occurred_on_hint')} value={values.occurredOn} error={errors.occurredOn} />
      <Field name="occurredTime" label={t('occurred_time')} hint={t('occurred_time_hint')} value={values.occurredTime} error={errors.occurredTime} />
      <SelectField name="pit" label={t('pit_label')} value={values.pit ?? ''} error={errors.pit} options={[{ value: '', label: t('no_pit') }, ...context.pits.map((p) => ({ value: p.code, label: p.code }))]} />
      <SelectField name="kind" label={t('kind_label')} value={values.kind ?? ''} error={errors.kind} options={[choose, ...incidentKinds.map((k) => ({ value: k, label: t(`kind_${k}`) }))]} />
      <SelectField name="severity" label={t('severity_label')} hint={t('severity_hint')} value={values.severity ?? ''} error={errors.severity} options={[choose, ...incidentSeverities.map((s) => ({ value: s, label: t(`severity_${s}`) }))]} />
      {withStatus && <SelectField name="status" label={t('status_label')} value={values.status} error={errors.status} options={incidentStatuses.map((s) => ({ value: s, label: t(`status_${s}`) }))} />}
      <TextareaField name="description" label={t('description_label')} hint={t('description_hint')} value={values.description} error={errors.description} />
      <TextareaField name="immediateAction" label={t('immediate_action_label')} value={values.immediateAction} error={errors.immediateAction} rows={2} />
      <TextareaField name="rootCause" label={t('root_cause_label')} value={values.rootCause} error={errors.rootCause} rows={2} />
      <fieldset>
        <legend>
          <h2>{t('people_legend')}</h2>
        </legend>
        <p class="hint">{t('people_hint')}</p>
        {Array.from({ length: peopleRows }, (_, i) => (
          <div class="panel">
            <p>
              <strong>{t('people_row', { n: i + 1 })}</strong>
            </p>
            <SelectField name={`people${i}sex`} label={t('sex_label')} value={values[`people${i}sex`] ?? ''} options={[choose, ...personSexes.map((s) => ({ value: s, label: t(`sex_${s}`) }))]} />
            <SelectField name={`people${i}age`} label={t('age_label')} value={values[`people${i}age`] ?? ''} options={[choose, ...ageGroups.map((a) => ({ value: a, label: t(`age_${a}`) }))]} />
            <SelectField name={`people${i}group`} label={t('group_label')} value={values[`people${i}group`]} options={[...context.groups.map((g) => ({ value: g.code, label: groupLabel(g) })), { value: '', label: t('no_group') }]} />
            <Field name={`people${i}count`} label={t('number_label')} value={values[`people${i}count`]} error={errors[`people${i}count`]} />
          </div>
        ))}
      </fieldset>
      <fieldset id="correctiveActionIds">
        <legend>
          <h2>{t('actions_legend')}</h2>
        </legend>
        {errors.correctiveActionIds && <p class="error-message">{errors.correctiveActionIds}</p>}
        {context.actions.length === 0 ? <p class="hint">{t('no_actions')}</p> : context.actions.map((a) => <Checkbox name={`action${a.id}`} label={`${a.id} · ${a.title}`} checked={values[`action${a.id}`] === '1'} />)}
      </fieldset>
    </>
  );
}

async function newPage(c: Context<AppEnv>, site: Site, values: Form, errors: FieldErrors, status: 200 | 400 | 422 = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const context = await formContext(c, site);
  return renderPage(
    c,
    {
      title: t('new_title'),
      breadcrumbs: crumbs(c, site),
      children: (
        <>
          <h1>{t('new_title')}</h1>
          <p class="lead">{t('new_lead')}</p>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={`${safetyPath(site)}/incidents/new`} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <IncidentFields locale={locale} context={context} values={values} errors={errors} withStatus={false} />
            <button class="button" type="submit">
              {t('record_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

async function entryOf(c: Context<AppEnv>, site: Site) {
  const id = Number(c.req.param('id'));
  const detail = Number.isSafeInteger(id) && id > 0 ? await findIncident(c.get('deps').db, { siteId: site.id, id }) : undefined;
  if (!detail) throw safetyError('incident_not_found', 404, { site: site.code, id: c.req.param('id') ?? '' });
  return detail;
}

async function detailPage(c: Context<AppEnv>) {
  const locale = c.get('locale');
  const t = text(locale);
  const site = await siteOf(c);
  authorize(c.get('actor'), 'safety.read', siteResource(site));
  const detail = await entryOf(c, site);
  const path = safetyPath(site);
  const title = t('detail_title', { id: detail.id, site: site.name });
  const group = (p: IncidentDetail['people'][number]) => (p.operatorGroup ? (locale === 'fr' ? p.groupLabelFr : p.groupLabelEn) : t('no_group'));
  return renderPage(c, {
    title,
    breadcrumbs: [...crumbs(c, site), { href: `${path}/incidents?year=${detail.occurredOn.slice(0, 4)}`, label: t('list_title', { site: site.name }) }],
    children: (
      <>
        <h1>{title}</h1>
        <p>
          <StatusTag tone={severityTone(detail.severity)}>{t(`severity_${detail.severity}`)}</StatusTag> {statusTag(locale, detail)}
        </p>
        <dl class="summary-list">
          <dt>{t('when')}</dt>
          <dd>{`${formatDate(locale, detail.occurredOn)}${detail.occurredTime ? ` ${detail.occurredTime}` : ''}`}</dd>
          <dt>{t('where')}</dt>
          <dd>{detail.pit ? `${t('pit')} ${detail.pit}` : t('no_pit')}</dd>
          <dt>{t('kind')}</dt>
          <dd>{t(`kind_${detail.kind}`)}</dd>
          <dt>{t('description')}</dt>
          <dd>{detail.description}</dd>
          <dt>{t('immediate_action')}</dt>
          <dd>{detail.immediateAction || t('not_recorded')}</dd>
          <dt>{t('root_cause')}</dt>
          <dd>{detail.rootCause || t('not_recorded')}</dd>
          {detail.correctionReason && (
            <>
              <dt>{t('reason')}</dt>
              <dd>{detail.correctionReason}</dd>
            </>
          )}
        </dl>
        <DataTable
          caption={t('people_legend')}
          rows={detail.people}
          columns={[
            { header: t('sex_label'), cell: (p) => t(`sex_${p.sex}`) },
            { header: t('age_label'), cell: (p) => t(`age_${p.ageGroup}`) },
            { header: t('group_label'), cell: group },
            { header: t('number_label'), cell: (p) => formatNumber(locale, p.count), numeric: true },
          ]}
        />
        {detail.correctiveActions.length > 0 && (
          <>
            <h2>{t('corrective_actions')}</h2>
            <ul>
              {detail.correctiveActions.map((a) => (
                <li>
                  <a href={`/corrective-actions/${a.id}`}>{`${a.id} · ${a.title}`}</a>
                </li>
              ))}
            </ul>
          </>
        )}
        {detail.correctedById === null
          ? can(c.get('actor'), 'safety.record', siteResource(site)) && (
              <p>
                <a class="button button-secondary" href={`${path}/incidents/${detail.id}/correct`}>
                  {t('correct_link')}
                </a>
              </p>
            )
          : (
              <p>
                <a href={`${path}/incidents/${detail.history.at(-1)!.id}`}>{t('newest_link', { id: detail.history.at(-1)!.id })}</a>
              </p>
            )}
        <h2>{t('history_title')}</h2>
        <DataTable
          caption={t('history_caption')}
          rows={detail.history}
          columns={[
            { header: t('entry'), cell: (h) => (h.id === detail.id ? <strong>{h.id}</strong> : <a href={`${path}/incidents/${h.id}`}>{h.id}</a>), numeric: true },
            { header: t('recorded_at'), cell: (h) => formatDateTime(locale, h.createdAt) },
            { header: t('severity'), cell: (h) => t(`severity_${h.severity}`) },
            { header: t('status'), cell: (h) => t(`status_${h.status}`) },
            { header: t('reason'), cell: (h) => h.correctionReason ?? '' },
          ]}
        />
      </>
    ),
  });
}

async function correctPage(c: Context<AppEnv>, site: Site, detail: IncidentDetail, values: Form, errors: FieldErrors, status: 200 | 400 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const context = await formContext(c, site);
  const title = t('correct_title', { id: detail.id });
  return renderPage(
    c,
    {
      title,
      breadcrumbs: [...crumbs(c, site), { href: `${safetyPath(site)}/incidents/${detail.id}`, label: t('detail_title', { id: detail.id, site: site.name }) }],
      children: (
        <>
          <h1>{title}</h1>
          <p class="lead">{t('correct_lead')}</p>
          {detail.correctedById !== null ? (
            <p class="panel" role="status">
              <a href={`${safetyPath(site)}/incidents/${detail.history.at(-1)!.id}/correct`}>{t('newest_link', { id: detail.history.at(-1)!.id })}</a>
            </p>
          ) : (
            <>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action={`${safetyPath(site)}/incidents/${detail.id}/correct`} novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <Field name="reason" label={t('reason')} hint={t('reason_hint')} value={values.reason} error={errors.reason} />
                <IncidentFields locale={locale} context={context} values={values} errors={errors} withStatus={true} />
                <button class="button" type="submit">
                  {t('correct_button')}
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

/** Incidents of a site: the list with filters, recording, one incident with its history, and correcting it. */
export function registerIncidentPages(pages: Hono<AppEnv>) {
  pages.get('/safety/sites/:code/incidents', listPage);

  pages.get('/safety/sites/:code/incidents/new', async (c) => {
    const site = await siteOf(c);
    authorize(c.get('actor'), 'safety.record', siteResource(site));
    return newPage(c, site, { occurredOn: today() }, {});
  });

  // The command decides first (who may record, then what): a refused form is then explained field by field.
  pages.post('/safety/sites/:code/incidents/new', async (c) => {
    const site = await siteOf(c);
    const form = await formOf(c);
    const context = await formContext(c, site);
    const facts = factsOf(form, context);
    try {
      const recorded = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordIncident(ctx, { siteId: site.id, ...facts }));
      return c.redirect(`${safetyPath(site)}/incidents?year=${recorded.occurredOn.slice(0, 4)}&recorded=${recorded.id}`, 303);
    } catch (error) {
      const refused = refusalOnForm(error, c.get('locale'));
      const errors = await formErrors(c, context, form, facts);
      if (Object.keys(errors).length > 0) return newPage(c, site, form, errors, 400);
      return newPage(c, site, form, refused.errors, 422);
    }
  });

  pages.get('/safety/sites/:code/incidents/:id{[0-9]+}', detailPage);

  pages.get('/safety/sites/:code/incidents/:id{[0-9]+}/correct', async (c) => {
    const site = await siteOf(c);
    authorize(c.get('actor'), 'safety.record', siteResource(site));
    const detail = await entryOf(c, site);
    return correctPage(c, site, detail, valuesOf(detail), {});
  });

  pages.post('/safety/sites/:code/incidents/:id{[0-9]+}/correct', async (c) => {
    const locale = c.get('locale');
    const site = await siteOf(c);
    const form = await formOf(c);
    const context = await formContext(c, site);
    const facts = factsOf(form, context);
    try {
      const corrected = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => correctIncident(ctx, { siteId: site.id, correctsId: Number(c.req.param('id')), reason: form.reason ?? '', ...facts }));
      return c.redirect(`${safetyPath(site)}/incidents/${corrected.id}?corrected=${corrected.id}`, 303);
    } catch (error) {
      const refused = refusalOnForm(error, locale);
      const detail = await entryOf(c, site);
      const errors = await formErrors(c, context, form, facts);
      if (!form.reason?.trim()) errors.reason = errorText(locale)('correction_reason_missing');
      if (Object.keys(errors).length > 0) return correctPage(c, site, detail, form, errors, 400);
      return correctPage(c, site, detail, form, refused.errors, refused.status === 409 ? 409 : 422);
    }
  });
}
