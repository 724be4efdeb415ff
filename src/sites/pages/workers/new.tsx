import type { Context, Hono } from 'hono';
import { AppError } from '../../../core/errors.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, ErrorSummary, Field, SelectField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { isoDateOf } from '../../../core/calendar.ts';
import { checkWorkerFields } from '../../worker-records.ts';
import { registerWorker } from '../../commands/workers/register-worker.ts';
import { workersText } from '../../messages/workers.ts';
import { listOperatorGroups, type SiteWithDetails } from '../../queries/sites.ts';
import { sexes } from '../../schema.ts';
import { formOf, type Form } from '../../../web/forms.ts';
import { crumbs, fieldOf, groupLabel, siteFor, textOf } from './shared.tsx';

async function newWorkerPage(c: Context<AppEnv>, site: SiteWithDetails, values: Form = {}, errors: FieldErrors = {}, status: 200 | 400 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = textOf(locale);
  const groups = await listOperatorGroups(c.get('deps').db, site.id);
  const choose = { value: '', label: t('choose') };
  return renderPage(
    c,
    {
      title: t('new_worker_title'),
      breadcrumbs: crumbs(site, locale),
      children: (
        <>
          <h1>{t('new_worker_title')}</h1>
          <p class="lead">{t('new_worker_lead')}</p>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={`/sites/${site.code}/workers/new`} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="fullName" label={t('full_name')} hint={t('full_name_hint')} value={values.fullName} error={errors.fullName} autocomplete="off" />
            <SelectField name="sex" label={t('sex')} value={values.sex} error={errors.sex} options={[choose, ...sexes.map((s) => ({ value: s, label: t(`sex_${s}`) }))]} />
            <Field name="birthYear" type="number" label={t('birth_year')} hint={t('birth_year_hint')} value={values.birthYear} error={errors.birthYear} />
            <SelectField name="operatorGroup" label={t('operator_group')} value={values.operatorGroup} error={errors.operatorGroup} options={[choose, ...groups.map((g) => ({ value: g.code, label: groupLabel(locale, g) }))]} />
            <Field name="idNumber" label={t('id_number')} hint={t('id_number_hint')} value={values.idNumber} error={errors.idNumber} autocomplete="off" />
            <Field name="registeredOn" type="date" label={t('registered_on')} hint={t('registered_on_hint')} value={values.registeredOn ?? isoDateOf(new Date())} error={errors.registeredOn} />
            <button class="button" type="submit">
              {t('register_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

function referralPage(c: Context<AppEnv>, site: SiteWithDetails, referral: { code: string; ageYears: number }) {
  const t = textOf(c.get('locale'));
  return renderPage(
    c,
    {
      title: t('referral_title'),
      breadcrumbs: crumbs(site, c.get('locale')),
      children: (
        <>
          <h1>{t('referral_title')}</h1>
          <div class="panel" role="alert">
            <p>{t('referral_text', { age: referral.ageYears })}</p>
            <p>{t('referral_case', { code: referral.code })}</p>
            <p class="secret" id="referral-code">
              {referral.code}
            </p>
          </div>
          <p>{t('referral_no_name')}</p>
          <p>
            <a href={`/sites/${site.code}/workers`}>{t('back_to_register')}</a>
          </p>
        </>
      ),
    },
    422,
  );
}

/** Registering one worker, or referring a child. */
export function registerNewWorkerPages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/workers/new', async (c) => newWorkerPage(c, await siteFor(c, 'worker.register')));

  pages.post('/sites/:code/workers/new', async (c) => {
    const site = await siteFor(c, 'worker.register');
    const locale = c.get('locale');
    const db = c.get('deps').db;
    const form = await formOf(c);
    const fields = { fullName: form.fullName ?? '', sex: form.sex ?? '', birthYear: form.birthYear ?? '', operatorGroup: form.operatorGroup ?? '', idNumber: form.idNumber ?? null, registeredOn: form.registeredOn ?? '' };
    const checked = checkWorkerFields(fields, await listOperatorGroups(db, site.id), isoDateOf(new Date()));
    if (!checked.worker) {
      const errors: FieldErrors = {};
      for (const issue of checked.issues) errors[fieldOf[issue.column]] ??= workersText.t(locale, issue.code, issue.params);
      return newWorkerPage(c, site, form, errors, 400);
    }
    try {
      const outcome = await runCommand(db, c.get('actor'), (ctx) => registerWorker(ctx, { siteId: site.id, ...fields }));
      if (outcome.outcome === 'referred') return referralPage(c, site, outcome.referral);
      return c.redirect(`/sites/${site.code}/workers?registered=${outcome.worker.code}`, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'worker_under_18') {
        const { referralCode } = error.details as { referralCode: string };
        return referralPage(c, site, { code: referralCode, ageYears: checked.worker.ageYears });
      }
      return newWorkerPage(c, site, form, { fullName: error.text[locale] }, error.status === 409 ? 409 : 422);
    }
  });
}
