import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import { authorize } from '../../core/auth/policies.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, refusalOnForm } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { sessionCookie } from '../../web/middleware.ts';
import { sameOriginPath } from '../../web/redirect.ts';
import { changeOwnPassword, minPasswordLength } from '../commands.ts';
import { runCommand } from '../../journal/public.ts';
import { accountsText } from '../messages.ts';
import { findUser } from '../queries.ts';
import { passwordChange } from '../sessions.ts';

async function passwordPage(c: Context<AppEnv>, extra: { errors?: FieldErrors; notice?: string; next?: string; status?: 200 | 400 | 422 } = {}) {
  const locale = c.get('locale');
  const t = (key: Parameters<typeof accountsText.t>[1]) => accountsText.t(locale, key);
  const actor = c.get('actor');
  const user = actor.kind === 'user' ? await findUser(c.get('deps').db, actor.userId) : undefined;
  const errors = extra.errors ?? {};
  return renderPage(
    c,
    {
      title: t('password_title'),
      children: (
        <>
          <h1>{t('password_title')}</h1>
          {extra.notice && (
            <p class="panel" role="status">
              {extra.notice}
            </p>
          )}
          <p class="lead">{user?.mustChangePassword ? t('password_required_lead') : t('password_lead')}</p>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={passwordChange.page} novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <input type="hidden" name="next" value={extra.next ?? '/'} />
            <Field name="currentPassword" type="password" label={t('current_password')} hint={user?.mustChangePassword ? t('current_password_hint') : undefined} error={errors.currentPassword} autocomplete="current-password" />
            <Field name="newPassword" type="password" label={t('new_password')} hint={t('new_password_hint')} error={errors.newPassword} autocomplete="new-password" />
            <Field name="repeatPassword" type="password" label={t('repeat_password')} error={errors.repeatPassword} autocomplete="new-password" />
            <button class="button" type="submit">
              {t('save_password')}
            </button>
          </form>
        </>
      ),
    },
    extra.status ?? 200,
  );
}

/** Changing one's own password; the only page a user who signed in with a temporary password may open. */
export function registerPasswordPages(pages: Hono<AppEnv>) {
  pages.get(passwordChange.page, async (c) => {
    authorize(c.get('actor'), 'password.change');
    return passwordPage(c, { next: sameOriginPath(c.req.query('next')) });
  });

  pages.post(passwordChange.page, async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'password.change');
    const locale = c.get('locale');
    const t = (key: Parameters<typeof accountsText.t>[1]) => accountsText.t(locale, key);
    const form = await formOf(c);
    const next = sameOriginPath(form.next);
    const errors: FieldErrors = {};
    if (!form.currentPassword) errors.currentPassword = t('password_missing');
    if ((form.newPassword ?? '').length < minPasswordLength) errors.newPassword = t('password_too_short');
    else if (form.newPassword !== form.repeatPassword) errors.repeatPassword = t('passwords_differ');
    if (Object.keys(errors).length > 0) return passwordPage(c, { errors, next, status: 400 });
    try {
      await runCommand(c.get('deps').db, actor, (ctx) =>
        changeOwnPassword(ctx, { currentPassword: form.currentPassword!, newPassword: form.newPassword!, currentSessionToken: getCookie(c, sessionCookie) }),
      );
    } catch (error) {
      const refusal = refusalOnForm(error, locale, { current_password_wrong: 'currentPassword', password_unchanged: 'newPassword' });
      return passwordPage(c, { errors: refusal.errors, next, status: 422 });
    }
    if (next !== '/') return c.redirect(next, 303);
    return passwordPage(c, { notice: t('password_changed') });
  });
}
