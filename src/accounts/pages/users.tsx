import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { authorize } from '../../core/auth/policies.ts';
import { rolesByOrganisationKind, userRoles, type UserRole } from '../../core/auth/roles.ts';
import { formatDate } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, ErrorSummary, Field, SelectField, StatusTag, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, refusalOnForm, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { frame } from '../../web/messages.ts';
import { changeUserRole, createUser, deactivateUser, minPasswordLength, reactivateUser, resetUserPassword } from '../commands.ts';
import { accountsText } from '../messages.ts';
import { countLiveTokensCreatedBy, findUser, listOrganisations, listUsers } from '../queries.ts';
import { fieldErrors } from './field-errors.ts';

type UserRow = Awaited<ReturnType<typeof listUsers>>[number];
type Key = Parameters<typeof accountsText.t>[1];

const textOf = (locale: Locale) => (key: Key, params?: Record<string, string | number>) => accountsText.t(locale, key, params);
const roleLabel = (locale: Locale, role: UserRole) => frame.t(locale, `role_${role}`);

function UserStatus({ locale, user, now }: { locale: Locale; user: UserRow; now: Date }) {
  const t = textOf(locale);
  if (user.deactivatedAt) return <StatusTag tone="grey">{t('deactivated')}</StatusTag>;
  if (user.lockedUntil && user.lockedUntil > now) return <StatusTag tone="red">{t('locked', { until: formatDate(locale, user.lockedUntil) })}</StatusTag>;
  if (user.mustChangePassword) return <StatusTag tone="yellow">{t('must_change_password')}</StatusTag>;
  return <StatusTag tone="green">{t('active')}</StatusTag>;
}

const UserForm = z.object({
  organisationId: z.coerce.number().int().positive(),
  email: z.string().email(),
  displayName: z.string().trim().min(1).max(200),
  role: z.enum(userRoles, { message: 'role' }),
  password: z.string().min(minPasswordLength),
});

async function usersPage(c: Context<AppEnv>, values: Form = {}, errors: FieldErrors = {}, notice?: string, status: 200 | 400 | 404 | 409 | 422 = 200) {
  const locale = c.get('locale');
  const t = textOf(locale);
  const db = c.get('deps').db;
  const [rows, orgs] = await Promise.all([listUsers(db), listOrganisations(db)]);
  const now = new Date();
  return renderPage(
    c,
    {
      title: t('users_title'),
      children: (
        <>
          <h1>{t('users_title')}</h1>
          {notice && (
            <p class="panel" role="status">
              {notice}
            </p>
          )}
          <DataTable
            caption={t('users_caption')}
            rows={rows}
            columns={[
              { header: t('display_name'), cell: (u) => <a href={`/users/${u.id}`}>{u.displayName}</a> },
              { header: t('email'), cell: (u) => u.email },
              { header: t('organisation'), cell: (u) => u.organisationCode },
              { header: t('role'), cell: (u) => roleLabel(locale, u.role) },
              { header: t('status'), cell: (u) => <UserStatus locale={locale} user={u} now={now} /> },
            ]}
          />
          <h2>{t('add_user')}</h2>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action="/users" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="displayName" label={t('display_name')} value={values.displayName} error={errors.displayName} />
            <Field name="email" type="email" label={t('email')} value={values.email} error={errors.email} />
            <SelectField name="organisationId" label={t('organisation')} value={values.organisationId} error={errors.organisationId} options={orgs.map((o) => ({ value: String(o.id), label: o.name }))} />
            {/* No role is chosen for the admin: a default would be a guess, and the wrong one gives the wrong access. */}
            <SelectField
              name="role"
              label={t('role')}
              hint={t('role_hint')}
              value={values.role ?? ''}
              error={errors.role}
              options={[{ value: '', label: t('choose_role') }, ...userRoles.map((r) => ({ value: r, label: roleLabel(locale, r) }))]}
            />
            <Field name="password" type="password" label={t('password')} hint={t('password_hint')} error={errors.password} autocomplete="new-password" />
            <button class="button" type="submit">
              {t('add_user')}
            </button>
          </form>
        </>
      ),
    },
    status,
  );
}

const notices = { deactivated: 'user_changed_deactivated', reactivated: 'user_changed_reactivated', role: 'user_changed_role' } as const;

async function userPage(c: Context<AppEnv>, user: UserRow, extra: { errors?: FieldErrors; status?: 200 | 404 | 409 | 422 } = {}) {
  const locale = c.get('locale');
  const t = textOf(locale);
  const errors = extra.errors ?? {};
  const done = c.req.query('done');
  const notice = done && done in notices ? t(notices[done as keyof typeof notices], { name: user.displayName, role: roleLabel(locale, user.role) }) : undefined;
  const allowedRoles = rolesByOrganisationKind[user.organisationKind];
  return renderPage(
    c,
    {
      title: t('user_title', { name: user.displayName }),
      breadcrumbs: [{ href: '/users', label: t('users_title') }],
      children: (
        <>
          <h1>{user.displayName}</h1>
          {notice && (
            <p class="panel" role="status">
              {notice}
            </p>
          )}
          <ErrorSummary locale={locale} errors={errors} />
          <dl class="summary-list">
            <dt>{t('email')}</dt>
            <dd>{user.email}</dd>
            <dt>{t('organisation')}</dt>
            <dd>{user.organisationCode}</dd>
            <dt>{t('role')}</dt>
            <dd>{roleLabel(locale, user.role)}</dd>
            <dt>{t('status')}</dt>
            <dd>
              <UserStatus locale={locale} user={user} now={new Date()} />
            </dd>
            <dt>{t('created')}</dt>
            <dd>{formatDate(locale, user.createdAt)}</dd>
          </dl>
          <h2>{t('change_role')}</h2>
          <form method="post" action={`/users/${user.id}/role`} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <SelectField name="role" label={t('role')} hint={t('role_hint')} value={user.role} error={errors.role} options={allowedRoles.map((r) => ({ value: r, label: roleLabel(locale, r) }))} />
            <button class="button button-secondary" type="submit">
              {t('save_role')}
            </button>
          </form>
          <h2>{t('reset_password')}</h2>
          <p>{t('reset_password_hint')}</p>
          <p>
            <a class="button button-secondary" href={`/users/${user.id}/password-reset`}>
              {t('reset_password')}
            </a>
          </p>
          <h2>{t('access')}</h2>
          {user.deactivatedAt ? (
            <form method="post" action={`/users/${user.id}/reactivate`}>
              <p>{t('reactivate_hint')}</p>
              <CsrfField token={c.get('csrfToken')} />
              <button class="button" type="submit">
                {t('reactivate')}
              </button>
            </form>
          ) : (
            <>
              <p>{t('deactivate_hint')}</p>
              <p>
                <a class="button button-warning" href={`/users/${user.id}/deactivate`}>
                  {t('deactivate')}
                </a>
              </p>
            </>
          )}
        </>
      ),
    },
    extra.status ?? 200,
  );
}

/** A confirmation page that restates what will happen, with the button that does it and a way back. */
function confirmationPage(c: Context<AppEnv>, props: { user: UserRow; title: string; lines: string[]; action: string; button: string; warning: boolean }) {
  const t = textOf(c.get('locale'));
  return renderPage(c, {
    title: props.title,
    breadcrumbs: [
      { href: '/users', label: t('users_title') },
      { href: `/users/${props.user.id}`, label: props.user.displayName },
    ],
    children: (
      <>
        <h1>{props.title}</h1>
        {props.lines.map((line) => (
          <p>{line}</p>
        ))}
        <form method="post" action={props.action}>
          <CsrfField token={c.get('csrfToken')} />
          <button class={props.warning ? 'button button-warning' : 'button'} type="submit">
            {props.button}
          </button>{' '}
          <a href={`/users/${props.user.id}`}>{t('cancel')}</a>
        </form>
      </>
    ),
  });
}

/** The user the path names, for an admin; a 404 for a number that names nobody. */
async function userOf(c: Context<AppEnv>): Promise<UserRow | undefined> {
  authorize(c.get('actor'), 'user.manage');
  const id = Number(c.req.param('id'));
  return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? findUser(c.get('deps').db, id) : undefined;
}

/** The secretariat's user administration: list and create, then per user: role, password reset, deactivation. */
export function registerUserPages(pages: Hono<AppEnv>) {
  pages.get('/users', async (c) => {
    authorize(c.get('actor'), 'user.list');
    return usersPage(c);
  });

  pages.post('/users', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'user.create');
    const locale = c.get('locale');
    const form = await formOf(c);
    const parsed = UserForm.safeParse(form);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      if (errors.role) errors.role = accountsText.t(locale, 'role_missing');
      return usersPage(c, { ...form, password: '' }, errors, undefined, 400);
    }
    try {
      const user = await runCommand(c.get('deps').db, actor, (ctx) => createUser(ctx, { ...parsed.data, locale }));
      return usersPage(c, {}, {}, accountsText.t(locale, 'user_created', { name: user.displayName }));
    } catch (error) {
      const refusal = refusalOnForm(error, locale, (e) => (e.code === 'email_taken' ? 'email' : e.code === 'organisation_not_found' ? 'organisationId' : 'role'));
      return usersPage(c, { ...form, password: '' }, refusal.errors, undefined, refusal.status);
    }
  });

  pages.get('/users/:id', async (c) => {
    const user = await userOf(c);
    return user ? userPage(c, user) : c.notFound();
  });

  pages.post('/users/:id/role', async (c) => {
    const user = await userOf(c);
    if (!user) return c.notFound();
    const form = await formOf(c);
    const role = z.enum(userRoles).safeParse(form.role);
    if (!role.success) return userPage(c, user, { errors: { role: accountsText.t(c.get('locale'), 'role_missing') }, status: 422 });
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => changeUserRole(ctx, { userId: user.id, role: role.data }));
      return c.redirect(`/users/${user.id}?done=role`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), (e) => (e.code === 'last_admin' ? 'form' : 'role'));
      return userPage(c, user, refusal);
    }
  });

  pages.get('/users/:id/deactivate', async (c) => {
    const user = await userOf(c);
    if (!user) return c.notFound();
    if (user.deactivatedAt) return c.redirect(`/users/${user.id}`, 303);
    const t = textOf(c.get('locale'));
    const tokens = await countLiveTokensCreatedBy(c.get('deps').db, user.id);
    return confirmationPage(c, {
      user,
      title: t('confirm_deactivate_title', { name: user.displayName }),
      lines: [t('confirm_deactivate_text', { name: user.displayName, email: user.email, organisation: user.organisationCode }), t('confirm_deactivate_tokens', { count: tokens })],
      action: `/users/${user.id}/deactivate`,
      button: t('confirm_deactivate_button', { name: user.displayName }),
      warning: true,
    });
  });

  pages.post('/users/:id/deactivate', async (c) => {
    const user = await userOf(c);
    if (!user) return c.notFound();
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => deactivateUser(ctx, { userId: user.id }));
      return c.redirect(`/users/${user.id}?done=deactivated`, 303);
    } catch (error) {
      return userPage(c, user, refusalOnForm(error, c.get('locale')));
    }
  });

  pages.post('/users/:id/reactivate', async (c) => {
    const user = await userOf(c);
    if (!user) return c.notFound();
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => reactivateUser(ctx, { userId: user.id }));
      return c.redirect(`/users/${user.id}?done=reactivated`, 303);
    } catch (error) {
      return userPage(c, user, refusalOnForm(error, c.get('locale')));
    }
  });

  pages.get('/users/:id/password-reset', async (c) => {
    const user = await userOf(c);
    if (!user) return c.notFound();
    const t = textOf(c.get('locale'));
    return confirmationPage(c, {
      user,
      title: t('confirm_reset_title', { name: user.displayName }),
      lines: [t('confirm_reset_text', { name: user.displayName })],
      action: `/users/${user.id}/password-reset`,
      button: t('confirm_reset_button'),
      warning: false,
    });
  });

  // The temporary password is shown in this answer only (signed-in answers are never cached); a reload does not show it again.
  pages.post('/users/:id/password-reset', async (c) => {
    const user = await userOf(c);
    if (!user) return c.notFound();
    const { temporaryPassword } = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => resetUserPassword(ctx, { userId: user.id }));
    const t = textOf(c.get('locale'));
    const title = t('temporary_password_title', { name: user.displayName });
    return renderPage(c, {
      title,
      breadcrumbs: [
        { href: '/users', label: t('users_title') },
        { href: `/users/${user.id}`, label: user.displayName },
      ],
      children: (
        <>
          <h1>{title}</h1>
          <div class="panel" role="status">
            <p class="secret" id="temporary-password">
              {temporaryPassword}
            </p>
            <p>{t('temporary_password_text', { name: user.displayName })}</p>
          </div>
          <p>
            <a href={`/users/${user.id}`}>{t('back_to_user', { name: user.displayName })}</a>
          </p>
        </>
      ),
    });
  });
}
