import type { Context, Hono } from 'hono';
import { listOrganisations } from '../../../accounts/public.ts';
import { authorize, can } from '../../../core/auth/policies.ts';
import { AppError } from '../../../core/errors.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, ErrorSummary, Field, SelectField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { openAccount } from '../../commands/open-account.ts';
import type { HoldingsMessage } from '../../messages/holdings.ts';
import { formOf, refusalOnForm, type Form, type RefusalStatus } from '../../../web/forms.ts';
import { parseId, registryCrumbs, text } from './shared.tsx';

/** The form's fields, by the name `openAccount` gives them when it finds them missing or not valid. */
const kycFields = {
  name: 'field_name_invalid',
  legalName: 'field_legal_name_invalid',
  country: 'field_country_invalid',
  registrationNumber: 'field_registration_number_invalid',
  contactEmail: 'field_contact_email_invalid',
} as const satisfies Record<string, HoldingsMessage>;

async function openAccountPage(c: Context<AppEnv>, values: Form, errors: FieldErrors, status: 200 | 400 | RefusalStatus = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  // The secretariat opens accounts for any organisation; everyone else for their own.
  const forAnyOrganisation = can(c.get('actor'), 'registry.account.list');
  const organisations = forAnyOrganisation ? await listOrganisations(c.get('deps').db) : [];
  return renderPage(
    c,
    {
      title: t('open_title'),
      breadcrumbs: registryCrumbs(locale),
      children: (
        <>
          <h1>{t('open_title')}</h1>
          <p class="lead">{t('open_lead')}</p>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action="/registry/accounts/new" id="form" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            {forAnyOrganisation && (
              <SelectField
                name="organisationId"
                label={t('organisation_label')}
                value={values.organisationId}
                error={errors.organisationId}
                options={[{ value: '', label: t('choose_organisation') }, ...organisations.map((o) => ({ value: String(o.id), label: `${o.name} (${o.code})` }))]}
              />
            )}
            <Field name="name" label={t('account_name_label')} hint={t('account_name_hint')} value={values.name} error={errors.name} />
            <Field name="legalName" label={t('legal_name_label')} hint={t('legal_name_hint')} value={values.legalName} error={errors.legalName} autocomplete="organization" />
            <Field name="country" label={t('country_label')} hint={t('country_hint')} value={values.country} error={errors.country} />
            <Field name="registrationNumber" label={t('registration_number_label')} hint={t('registration_number_hint')} value={values.registrationNumber} error={errors.registrationNumber} />
            <Field name="contactEmail" type="email" label={t('contact_email_label')} hint={t('contact_email_hint')} value={values.contactEmail} error={errors.contactEmail} autocomplete="email" />
            <button class="button" type="submit">
              {t('open_button')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

/** The field errors of a refused opening: one beside each field the command named, else the command's message at the top. */
function openingErrors(error: unknown, locale: Locale): { errors: FieldErrors; status: RefusalStatus } {
  if (error instanceof AppError && error.code === 'account_details_invalid') {
    const fields = ((error.details as { fields?: string[] } | undefined)?.fields ?? []).filter((field): field is keyof typeof kycFields => field in kycFields);
    return { errors: Object.fromEntries(fields.map((field) => [field, text(locale)(kycFields[field])])), status: 422 };
  }
  return refusalOnForm(error, locale, (e) => (e.code === 'organisation_not_found' ? 'organisationId' : 'form'));
}

/** Opening a holding account with the know-your-customer details the secretariat checks. */
export function registerOpenAccountPages(pages: Hono<AppEnv>) {
  pages.get('/registry/accounts/new', (c) => {
    authorize(c.get('actor'), 'registry.account.open');
    return openAccountPage(c, {}, {});
  });

  pages.post('/registry/accounts/new', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'registry.account.open');
    const locale = c.get('locale');
    const form = await formOf(c);
    let organisationId: number | undefined;
    if (can(actor, 'registry.account.list')) {
      const chosen = parseId(form.organisationId);
      if (chosen === null) return openAccountPage(c, form, { organisationId: text(locale)('field_organisation_invalid') }, 400);
      organisationId = chosen;
    }
    try {
      const account = await runCommand(c.get('deps').db, actor, (ctx) =>
        openAccount(ctx, {
          organisationId,
          name: form.name ?? '',
          legalName: form.legalName ?? '',
          country: form.country ?? '',
          registrationNumber: form.registrationNumber ?? '',
          contactEmail: form.contactEmail ?? '',
        }),
      );
      return c.redirect(`/registry/accounts/${account.id}?opened=1`, 303);
    } catch (error) {
      const refusal = openingErrors(error, locale);
      return openAccountPage(c, form, refusal.errors, refusal.status);
    }
  });
}
