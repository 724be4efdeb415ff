import { isIsoDate } from '../../core/calendar.ts';
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../../core/auth/policies.ts';
import { AppError } from '../../core/errors.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { formatDate, formatNumber } from '../../core/i18n/format.ts';
import { type CommandContext, runCommand } from '../../journal/public.ts';
import { CardGrid, CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, TextareaField, StatusTag, SummaryCard, type FieldErrors, type TagTone } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { addOperatorGroup } from '../commands/sites/add-operator-group.ts';
import { addPits } from '../commands/sites/add-pits.ts';
import { createSite } from '../commands/sites/create-site.ts';
import { degreesToE6, operatorGroupCodePattern, type QualificationLevel, siteCodePattern } from '../site-records.ts';
import { recordQualification } from '../commands/sites/record-qualification.ts';
import { updatePit } from '../commands/sites/update-pit.ts';
import { siteError, sitesText, type SitesTextKey } from '../messages/sites.ts';
import { findSiteByCode, listCooperatives, listOperatorGroups, listPits, pitCounts } from '../queries/sites.ts';
import { qualificationLevels } from '../schema.ts';

type ErrorStatus = 400 | 404 | 409 | 422;


/** A field's error in plain words: the message each schema issue names, in the reader's language. */
function fieldErrors(locale: Locale, error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  const known = new Set<string>(sitesText.keys);
  for (const issue of error.issues) errors[String(issue.path[0] ?? 'form')] ??= known.has(issue.message) ? sitesText.t(locale, issue.message as SitesTextKey) : issue.message;
  return errors;
}

const levelTone: Record<QualificationLevel, TagTone> = { green: 'green', yellow: 'yellow', red: 'red', blue: 'blue' };

const degrees = (min: number, max: number, message: SitesTextKey) =>
  z
    .string()
    .trim()
    .regex(/^-?\d{1,3}(\.\d{1,6})?$/, message)
    .transform(Number)
    .refine((value) => value >= min && value <= max, message);

const SiteForm = z.object({
  code: z.string().trim().regex(siteCodePattern, 'code_error'),
  name: z.string().trim().min(1, 'name_error').max(200, 'name_error'),
  province: z.string().trim().min(1, 'province_error').max(100, 'province_error'),
  town: z.string().trim().min(1, 'town_error').max(100, 'town_error'),
  latitude: degrees(-90, 90, 'latitude_error'),
  longitude: degrees(-180, 180, 'longitude_error'),
  concessionHolder: z.string().trim().min(1, 'concession_holder_error').max(200, 'concession_holder_error'),
  cooperative: z.string().min(1, 'cooperative_error'),
});

const QualificationForm = z.object({
  level: z.enum(qualificationLevels, 'level_error'),
  qualifiedOn: z.string().trim().refine(isIsoDate, 'qualified_on_error'),
  decidedBy: z.string().trim().min(1, 'decided_by_error').max(200, 'decided_by_error'),
});

const PitsForm = z.object({
  pitCodes: z
    .string()
    .transform((text) => text.split(/[\s,;]+/).map((code) => code.trim().toUpperCase()).filter(Boolean))
    .refine((codes) => codes.length > 0 && codes.length <= 1000, 'pit_codes_error'),
  pitsCovered: z.enum(['yes', 'no']).default('no'),
});

const PitToggleForm = z.object({ covered: z.enum(['yes', 'no']).optional(), active: z.enum(['yes', 'no']).optional() });

const GroupForm = z.object({
  groupCode: z.string().trim().regex(operatorGroupCodePattern, 'group_code_error'),
  labelEn: z.string().trim().min(1, 'label_error').max(100, 'label_error'),
  labelFr: z.string().trim().min(1, 'label_error').max(100, 'label_error'),
});

/** Which field of a form an error of a command belongs to, so it shows beside that field. */
const errorField: Record<string, string> = {
  site_code_taken: 'code',
  code_error: 'code',
  cooperative_not_found: 'cooperative',
  organisation_not_cooperative: 'cooperative',
  date_invalid: 'qualifiedOn',
  date_in_future: 'qualifiedOn',
  pit_already_exists: 'pitCodes',
  pit_code_invalid: 'pitCodes',
  pit_list_empty: 'pitCodes',
  operator_group_exists: 'groupCode',
  group_code_error: 'groupCode',
};

const statusOf = (error: AppError): ErrorStatus => (error.status === 409 || error.status === 404 || error.status === 422 ? error.status : 400);

const notices = ['site_created', 'qualification_recorded', 'pits_added', 'pit_updated', 'operator_group_added'] as const;

/** Site administration pages (secretariat): a new site, and a site's qualification, pits and operator groups. */
export function registerSitesAdminPages(pages: Hono<AppEnv>) {
  /** The new-site form, for those who may create sites: a refused creation comes back here, and so does its 403. */
  async function newSitePage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, status: 200 | ErrorStatus = 200) {
    authorize(c.get('actor'), 'site.manage');
    const locale = c.get('locale');
    const t = (key: SitesTextKey) => sitesText.t(locale, key);
    const cooperatives = await listCooperatives(c.get('deps').db);
    return renderPage(
      c,
      {
        title: t('new_site_title'),
        children: (
          <>
            <h1>{t('new_site_title')}</h1>
            <p class="lead">{t('new_site_lead')}</p>
            {cooperatives.length === 0 ? (
              <EmptyState title={t('no_cooperatives')} next={<a href="/organisations">{t('no_cooperatives_next')}</a>} />
            ) : (
              <>
                <ErrorSummary locale={locale} errors={errors} />
                <form method="post" action="/sites/new" novalidate>
                  <CsrfField token={c.get('csrfToken')} />
                  <Field name="name" label={t('name')} value={values.name} error={errors.name} />
                  <Field name="code" label={t('code')} hint={t('code_hint')} value={values.code} error={errors.code} />
                  <Field name="province" label={t('province')} value={values.province ?? 'Lualaba'} error={errors.province} />
                  <Field name="town" label={t('town')} value={values.town} error={errors.town} />
                  <Field name="latitude" label={t('latitude')} hint={t('latitude_hint')} value={values.latitude} error={errors.latitude} />
                  <Field name="longitude" label={t('longitude')} hint={t('longitude_hint')} value={values.longitude} error={errors.longitude} />
                  <Field name="concessionHolder" label={t('concession_holder')} value={values.concessionHolder} error={errors.concessionHolder} />
                  <SelectField
                    name="cooperative"
                    label={t('cooperative')}
                    value={values.cooperative}
                    error={errors.cooperative}
                    options={cooperatives.map((org) => ({ value: org.code, label: org.name }))}
                  />
                  <button class="button" type="submit">
                    {t('create_site')}
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

  pages.get('/sites/new', async (c) => newSitePage(c));

  pages.post('/sites/new', async (c) => {
    const actor = c.get('actor');
    const locale = c.get('locale');
    const form = await formOf(c);
    const parsed = SiteForm.safeParse(form);
    if (!parsed.success) return newSitePage(c, form, fieldErrors(locale, parsed.error), 400);
    const { latitude, longitude, ...props } = parsed.data;
    try {
      const site = await runCommand(c.get('deps').db, actor, (ctx) => createSite(ctx, { ...props, latitudeE6: degreesToE6(latitude), longitudeE6: degreesToE6(longitude) }));
      return c.redirect(`/sites/${site.code}/manage?done=site_created`, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return newSitePage(c, form, { [errorField[error.code] ?? 'code']: error.text[locale] }, statusOf(error));
    }
  });

  /** A site's manage page, for those who may manage sites: a refused form comes back here, and so does its 403. */
  async function managePage(c: Context<AppEnv>, extra: { values?: Form; errors?: FieldErrors; status?: 200 | ErrorStatus } = {}) {
    authorize(c.get('actor'), 'site.manage');
    const locale = c.get('locale');
    const t = (key: SitesTextKey, params?: Record<string, string | number>) => sitesText.t(locale, key, params);
    const db = c.get('deps').db;
    const code = c.req.param('code') ?? '';
    const site = await findSiteByCode(db, code);
    if (!site) throw siteError('site_not_found', 404, { code });
    const [pitRows, counts, groups] = await Promise.all([listPits(db, site.id), pitCounts(db, site.id), listOperatorGroups(db, site.id)]);
    const values = extra.values ?? {};
    const errors = extra.errors ?? {};
    const done = c.req.query('done');
    const notice = notices.find((key) => key === done);
    const q = site.qualification;
    const base = `/sites/${site.code}/manage`;
    const yesNo = (value: boolean) => (value ? t('yes') : t('no'));
    return renderPage(
      c,
      {
        title: t('manage_title', { name: site.name }),
        breadcrumbs: [{ href: `/sites/${site.code}`, label: site.name }],
        children: (
          <>
            <h1>{t('manage_title', { name: site.name })}</h1>
            <p class="lead">{t('manage_lead')}</p>
            {notice && (
              <p class="panel" role="status">
                {t(notice, { name: site.name, code: site.code, count: c.req.query('count') ?? '', pit: c.req.query('pit') ?? '', label: c.req.query(`label_${locale}`) ?? '' })}
              </p>
            )}
            <ErrorSummary locale={locale} errors={errors} />
            <p>
              <a href={`/sites/${site.code}/workers`}>{t('manage_workers')}</a>
            </p>

            <h2>{t('qualification')}</h2>
            {q ? (
              <p>
                <StatusTag tone={levelTone[q.level]}>{t(`level_${q.level}`)}</StatusTag> {t('qualification_current', { level: t(`level_${q.level}`), date: formatDate(locale, q.qualifiedOn) })}{' '}
                {q.nextReviewOn ? t('next_review', { date: formatDate(locale, q.nextReviewOn) }) : t('no_review')} ({q.decidedBy})
              </p>
            ) : (
              <p>{t('qualification_none')}</p>
            )}
            <h3>{t('record_qualification')}</h3>
            <form method="post" action={`${base}/qualification`} novalidate>
              <CsrfField token={c.get('csrfToken')} />
              <SelectField name="level" label={t('level')} value={values.level} error={errors.level} options={qualificationLevels.map((level) => ({ value: level, label: t(`level_${level}`) }))} />
              <p class="hint">{t('level_hint')}</p>
              <Field name="qualifiedOn" type="date" label={t('qualified_on')} value={values.qualifiedOn} error={errors.qualifiedOn} />
              <Field name="decidedBy" label={t('decided_by')} hint={t('decided_by_hint')} value={values.decidedBy} error={errors.decidedBy} />
              <button class="button" type="submit">
                {t('record_qualification')}
              </button>
            </form>

            <h2>{t('pits')}</h2>
            <CardGrid>
              <SummaryCard figure={formatNumber(locale, counts.total)} label={t('pit_total')} />
              <SummaryCard figure={formatNumber(locale, counts.active)} label={t('pit_active')} />
              <SummaryCard figure={formatNumber(locale, counts.activeCovered)} label={t('pit_active_covered')} />
            </CardGrid>
            {pitRows.length === 0 ? (
              <EmptyState title={t('no_pits')} next={t('no_pits_next')} />
            ) : (
              <DataTable
                caption={t('pits_caption')}
                rows={pitRows}
                columns={[
                  { header: t('pit_code'), cell: (pit) => <span class="mono">{pit.code}</span> },
                  { header: t('covered'), cell: (pit) => <StatusTag tone={pit.covered ? 'green' : 'yellow'}>{yesNo(pit.covered)}</StatusTag> },
                  { header: t('active'), cell: (pit) => <StatusTag tone={pit.active ? 'blue' : 'grey'}>{yesNo(pit.active)}</StatusTag> },
                  {
                    header: '',
                    cell: (pit) => (
                      <>
                        <form method="post" action={`${base}/pits/${encodeURIComponent(pit.code)}`} class="inline-form">
                          <CsrfField token={c.get('csrfToken')} />
                          <input type="hidden" name="covered" value={pit.covered ? 'no' : 'yes'} />
                          <button class="button button-secondary" type="submit">
                            {pit.covered ? t('uncover') : t('cover')}
                          </button>
                        </form>{' '}
                        <form method="post" action={`${base}/pits/${encodeURIComponent(pit.code)}`} class="inline-form">
                          <CsrfField token={c.get('csrfToken')} />
                          <input type="hidden" name="active" value={pit.active ? 'no' : 'yes'} />
                          <button class="button button-secondary" type="submit">
                            {pit.active ? t('deactivate') : t('reactivate')}
                          </button>
                        </form>
                      </>
                    ),
                  },
                ]}
              />
            )}
            <h3>{t('add_pits')}</h3>
            <form method="post" action={`${base}/pits`} novalidate>
              <CsrfField token={c.get('csrfToken')} />
              <TextareaField rows={6} name="pitCodes" label={t('pit_codes')} hint={t('pit_codes_hint')} value={values.pitCodes} error={errors.pitCodes} />
              <SelectField
                name="pitsCovered"
                label={t('pits_covered')}
                value={values.pitsCovered ?? 'no'}
                options={[
                  { value: 'no', label: t('no') },
                  { value: 'yes', label: t('yes') },
                ]}
              />
              <button class="button" type="submit">
                {t('add_pits')}
              </button>
            </form>

            <h2>{t('operator_groups')}</h2>
            <DataTable
              caption={t('operator_groups_caption')}
              rows={groups}
              columns={[
                { header: t('group_code'), cell: (g) => <span class="mono">{g.code}</span> },
                { header: t('label_en'), cell: (g) => g.labelEn },
                { header: t('label_fr'), cell: (g) => g.labelFr },
              ]}
            />
            <h3>{t('add_operator_group')}</h3>
            <form method="post" action={`${base}/operator-groups`} novalidate>
              <CsrfField token={c.get('csrfToken')} />
              <Field name="groupCode" label={t('group_code')} hint={t('group_code_hint')} value={values.groupCode} error={errors.groupCode} />
              <Field name="labelEn" label={t('label_en')} value={values.labelEn} error={errors.labelEn} />
              <Field name="labelFr" label={t('label_fr')} value={values.labelFr} error={errors.labelFr} />
              <button class="button" type="submit">
                {t('add_operator_group')}
              </button>
            </form>
          </>
        ),
      },
      extra.status ?? 200,
    );
  }

  type ManageCommand<S extends z.ZodType> = (ctx: CommandContext, site: string, data: z.output<S>, pitCode: string) => Promise<Record<string, string | number>>;

  /** Runs one of the manage page's forms: parse, run the command, come back to the page (with the errors, the form refilled). */
  function manageForm<S extends z.ZodType>(path: string, schema: S, notice: (typeof notices)[number], run: ManageCommand<S>) {
    pages.post(`/sites/:code/manage${path}`, async (c) => {
      const locale = c.get('locale');
      const code = c.req.param('code');
      const form = await formOf(c);
      const parsed = schema.safeParse(form);
      if (!parsed.success) return managePage(c, { values: form, errors: fieldErrors(locale, parsed.error), status: 400 });
      let params: Record<string, string | number>;
      try {
        params = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => run(ctx, code, parsed.data, c.req.param('pitCode') ?? ''));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return managePage(c, { values: form, errors: { [errorField[error.code] ?? 'form']: error.text[locale] }, status: statusOf(error) });
      }
      const query = new URLSearchParams({ done: notice, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) });
      return c.redirect(`/sites/${code}/manage?${query}`, 303);
    });
  }

  pages.get('/sites/:code/manage', async (c) => managePage(c));

  manageForm('/qualification', QualificationForm, 'qualification_recorded', async (ctx, site, data) => {
    await recordQualification(ctx, { site, ...data });
    return {};
  });
  manageForm('/pits', PitsForm, 'pits_added', async (ctx, site, data) => {
    const added = await addPits(ctx, { site, pits: data.pitCodes.map((code) => ({ code, covered: data.pitsCovered === 'yes' })) });
    return { count: added.length };
  });
  manageForm('/operator-groups', GroupForm, 'operator_group_added', async (ctx, site, data) => {
    const group = await addOperatorGroup(ctx, { site, code: data.groupCode, labelEn: data.labelEn, labelFr: data.labelFr });
    return { label_en: group.labelEn, label_fr: group.labelFr };
  });
  manageForm('/pits/:pitCode', PitToggleForm, 'pit_updated', async (ctx, site, data, pitCode) => {
    const pit = await updatePit(ctx, { site, pitCode, ...(data.covered ? { covered: data.covered === 'yes' } : {}), ...(data.active ? { active: data.active === 'yes' } : {}) });
    return { pit: pit.code };
  });
}
