import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { authorize, can } from '../../core/auth/policies.ts';
import { organisationKinds, type UserRole } from '../../core/auth/roles.ts';
import { AppError } from '../../core/errors.ts';
import { formatDate } from '../../core/i18n/format.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, StatusTag, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { sameOriginPath } from '../../web/redirect.ts';
import { frame } from '../../web/messages.ts';
import { isSecureRequest, sessionCookie } from '../../web/middleware.ts';
import { createApiToken, createOrganisation, revokeApiToken } from '../commands.ts';
import { accountsText } from '../messages.ts';
import { findToken, listOrganisations, listTokens } from '../queries.ts';
import { passwordChange, signOut } from '../sessions.ts';
import { signInWithinLimit } from '../sign-in-limit.ts';
import { formOf, type Form } from '../../web/forms.ts';
import { fieldErrors } from './field-errors.ts';
import { registerPasswordPages } from './password.tsx';
import { registerUserPages } from './users.tsx';


function LoginPage({ c, values, errors }: { c: Context<AppEnv>; values: Form; errors: FieldErrors }) {
  const locale = c.get('locale');
  const t = (key: Parameters<typeof accountsText.t>[1]) => accountsText.t(locale, key);
  return (
    <>
      <h1>{t('login_title')}</h1>
      <p class="lead">{t('login_lead')}</p>
      <ErrorSummary locale={locale} errors={errors} />
      <form method="post" action="/login" novalidate>
        <CsrfField token={c.get('csrfToken')} />
        <input type="hidden" name="next" value={values.next ?? '/'} />
        <Field name="email" type="email" label={t('email')} value={values.email} error={errors.email} autocomplete="username" />
        <Field name="password" type="password" label={t('password')} error={errors.password} autocomplete="current-password" />
        <button class="button" type="submit">
          {frame.t(locale, 'sign_in')}
        </button>
      </form>
    </>
  );
}

export function registerAccountsPages(pages: Hono<AppEnv>) {
  pages.get('/login', (c) =>
    renderPage(c, { title: accountsText.t(c.get('locale'), 'login_title'), children: <LoginPage c={c} values={{ next: sameOriginPath(c.req.query('next')) }} errors={{}} /> }),
  );

  pages.post('/login', async (c) => {
    const locale = c.get('locale');
    const form = await formOf(c);
    const next = sameOriginPath(form.next);
    const errors: FieldErrors = {};
    if (!form.email?.trim()) errors.email = accountsText.t(locale, 'email_missing');
    if (!form.password) errors.password = accountsText.t(locale, 'password_missing');
    let status: 400 | 401 | 403 | 429 = 400;
    if (Object.keys(errors).length === 0) {
      try {
        const session = await signInWithinLimit(c, { email: form.email!, password: form.password! });
        setCookie(c, sessionCookie, session.sessionToken, { httpOnly: true, sameSite: 'Lax', secure: isSecureRequest(c), path: '/', expires: session.expiresAt });
        return c.redirect(session.mustChangePassword ? `${passwordChange.page}?next=${encodeURIComponent(next)}` : next, 303);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        errors.email = error.text[locale];
        status = error.status === 429 ? 429 : error.status === 403 ? 403 : 401;
        for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
      }
    }
    return renderPage(c, { title: accountsText.t(locale, 'login_title'), children: <LoginPage c={c} values={{ ...form, next, password: '' }} errors={errors} /> }, status);
  });

  pages.post('/logout', async (c) => {
    const token = getCookie(c, sessionCookie);
    if (token) await signOut(c.get('deps').db, token);
    deleteCookie(c, sessionCookie, { path: '/' });
    return c.redirect('/', 303);
  });

  const OrganisationForm = z.object({
    code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,31}$/),
    name: z.string().trim().min(2).max(200),
    kind: z.enum(organisationKinds),
    country: z.string().regex(/^[A-Z]{2}$/),
  });

  async function organisationsPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, notice?: string, status: 200 | 400 | 409 = 200) {
    const locale = c.get('locale');
    const t = (key: Parameters<typeof accountsText.t>[1]) => accountsText.t(locale, key);
    const rows = await listOrganisations(c.get('deps').db);
    return renderPage(
      c,
      {
        title: t('organisations_title'),
        children: (
          <>
            <h1>{t('organisations_title')}</h1>
            {notice && <p class="panel" role="status">{notice}</p>}
            <DataTable
              caption={t('organisations_caption')}
              rows={rows}
              columns={[
                { header: t('name'), cell: (o) => o.name },
                { header: t('code'), cell: (o) => <span class="mono">{o.code}</span> },
                { header: t('kind'), cell: (o) => t(`kind_${o.kind}`) },
                { header: t('country'), cell: (o) => o.country },
                { header: t('created'), cell: (o) => formatDate(locale, o.createdAt) },
              ]}
            />
            <h2>{t('add_organisation')}</h2>
            <ErrorSummary locale={locale} errors={errors} />
            <form method="post" action="/organisations" novalidate>
              <CsrfField token={c.get('csrfToken')} />
              <Field name="name" label={t('name')} value={values.name} error={errors.name} />
              <Field name="code" label={t('code')} hint={t('code_hint')} value={values.code} error={errors.code} />
              <SelectField name="kind" label={t('kind')} value={values.kind} error={errors.kind} options={organisationKinds.map((k) => ({ value: k, label: t(`kind_${k}`) }))} />
              <Field name="country" label={t('country')} hint={t('country_hint')} value={values.country ?? 'CD'} error={errors.country} />
              <button class="button" type="submit">
                {t('add_organisation')}
              </button>
            </form>
          </>
        ),
      },
      status,
    );
  }

  pages.get('/organisations', async (c) => {
    authorize(c.get('actor'), 'organisation.list');
    return organisationsPage(c);
  });

  pages.post('/organisations', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'organisation.create');
    const form = await formOf(c);
    const parsed = OrganisationForm.safeParse(form);
    if (!parsed.success) return organisationsPage(c, form, fieldErrors(parsed.error), undefined, 400);
    try {
      const organisation = await runCommand(c.get('deps').db, actor, (ctx) => createOrganisation(ctx, parsed.data));
      return organisationsPage(c, {}, {}, accountsText.t(c.get('locale'), 'organisation_created', { name: organisation.name }));
    } catch (error) {
      if (error instanceof AppError) return organisationsPage(c, form, { code: error.text[c.get('locale')] }, undefined, 409);
      throw error;
    }
  });

  registerUserPages(pages);
  registerPasswordPages(pages);

  const TokenForm = z.object({ name: z.string().trim().min(1).max(100), expiresOn: z.union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}$/)]).optional() });

  async function tokensPage(c: Context<AppEnv>, extra: { values?: Form; errors?: FieldErrors; notice?: string; secret?: string; status?: 200 | 201 | 400 | 422 } = {}) {
    const locale = c.get('locale');
    const t = (key: Parameters<typeof accountsText.t>[1]) => accountsText.t(locale, key);
    const actor = c.get('actor');
    const orgId = actor.role === 'admin' || !('orgId' in actor) ? null : actor.orgId;
    const rows = await listTokens(c.get('deps').db, orgId);
    const now = new Date();
    const errors = extra.errors ?? {};
    return renderPage(
      c,
      {
        title: t('tokens_title'),
        children: (
          <>
            <h1>{t('tokens_title')}</h1>
            <p class="lead">{t('tokens_lead')}</p>
            {extra.notice && <p class="panel" role="status">{extra.notice}</p>}
            {extra.secret && (
              <div class="panel" role="status">
                <h2>{t('token_created_title')}</h2>
                <p>{t('token_created_text')}</p>
                <p class="secret" id="new-token">
                  {extra.secret}
                </p>
              </div>
            )}
            {rows.length === 0 ? (
              <EmptyState title={t('no_tokens')} next={t('no_tokens_next')} />
            ) : (
              <DataTable
                caption={t('tokens_caption')}
                rows={rows}
                columns={[
                  { header: t('token_name'), cell: (r) => r.name },
                  { header: t('token_prefix'), cell: (r) => <span class="mono">{r.prefix}…</span> },
                  { header: t('organisation'), cell: (r) => r.organisationCode },
                  { header: t('role'), cell: (r) => frame.t(locale, `role_${r.role}`) },
                  { header: t('expires'), cell: (r) => (r.expiresAt ? formatDate(locale, r.expiresAt) : t('never')) },
                  {
                    header: t('status'),
                    cell: (r) =>
                      r.revokedAt ? (
                        <StatusTag tone="grey">{t('revoked')}</StatusTag>
                      ) : r.expiresAt && r.expiresAt <= now ? (
                        <StatusTag tone="yellow">{t('expired')}</StatusTag>
                      ) : !can(actor, 'token.revoke', { tokenId: r.id, createdByUserId: r.createdByUserId }) ? (
                        <StatusTag tone="green">{t('active')}</StatusTag>
                      ) : (
                        <form method="post" action={`/tokens/${r.id}/revoke`}>
                          <CsrfField token={c.get('csrfToken')} />
                          <button class="button button-warning" type="submit">
                            {t('revoke')}
                          </button>
                        </form>
                      ),
                  },
                ]}
              />
            )}
            {actor.kind === 'user' && (
              <>
                <h2>{t('create_token')}</h2>
                <ErrorSummary locale={locale} errors={errors} />
                <form method="post" action="/tokens" novalidate>
                  <CsrfField token={c.get('csrfToken')} />
                  <Field name="name" label={t('token_name')} hint={t('token_name_hint')} value={extra.values?.name} error={errors.name} />
                  <Field name="expiresOn" type="date" label={t('expires')} hint={t('expires_hint')} value={extra.values?.expiresOn} error={errors.expiresOn} />
                  <button class="button" type="submit">
                    {t('create_token')}
                  </button>
                </form>
              </>
            )}
          </>
        ),
      },
      extra.status ?? 200,
    );
  }

  pages.get('/tokens', async (c) => {
    authorize(c.get('actor'), 'token.list');
    return tokensPage(c);
  });

  pages.post('/tokens', async (c) => {
    const actor = c.get('actor');
    if (actor.kind !== 'user') return authorize(actor, 'user.create') as never;
    const target = { orgId: actor.orgId, role: actor.role as UserRole };
    authorize(actor, 'token.create', target);
    const form = await formOf(c);
    const parsed = TokenForm.safeParse(form);
    if (!parsed.success) return tokensPage(c, { values: form, errors: fieldErrors(parsed.error), status: 400 });
    try {
      const created = await runCommand(c.get('deps').db, actor, (ctx) =>
        createApiToken(ctx, {
          organisationId: actor.orgId,
          role: actor.role,
          name: parsed.data.name,
          expiresAt: parsed.data.expiresOn ? new Date(`${parsed.data.expiresOn}T00:00:00Z`) : null,
          createdByUserId: actor.userId,
        }),
      );
      return tokensPage(c, { secret: created.token, status: 201 });
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'token_expiry_in_past') throw error;
      return tokensPage(c, { values: form, errors: { expiresOn: error.text[c.get('locale')] }, status: 422 });
    }
  });

  pages.post('/tokens/:id/revoke', async (c) => {
    const actor = c.get('actor');
    const id = Number(c.req.param('id'));
    const token = Number.isInteger(id) ? await findToken(c.get('deps').db, id) : undefined;
    authorize(actor, 'token.revoke', { tokenId: id, createdByUserId: token?.createdByUserId ?? null });
    if (!token) return c.notFound();
    if (!token.revokedAt) await runCommand(c.get('deps').db, actor, (ctx) => revokeApiToken(ctx, { tokenId: id }));
    return tokensPage(c, { notice: accountsText.t(c.get('locale'), 'token_revoked', { name: token.name }) });
  });
}
