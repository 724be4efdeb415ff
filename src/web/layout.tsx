import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { can, rolesFor } from '../core/auth/policies.ts';
import type { Actor } from '../core/auth/roles.ts';
import type { Locale } from '../core/i18n/index.ts';
import type { AppEnv } from './context.ts';
import { frame } from './messages.ts';

type NavItem = { href: string; label: string; visible: (actor: Actor) => boolean };

function navigation(locale: Locale): NavItem[] {
  const t = (key: Parameters<typeof frame.t>[1]) => frame.t(locale, key);
  return [
    { href: '/', label: t('nav_home'), visible: () => true },
    { href: '/sites', label: t('nav_sites'), visible: () => true },
    { href: '/standard', label: t('nav_standard'), visible: () => true },
    { href: '/registry', label: t('nav_registry'), visible: () => true },
    { href: '/registry/accounts', label: t('nav_credits'), visible: (a) => can(a, 'registry.account.open') },
    { href: '/registry/orders', label: t('nav_orders'), visible: (a) => rolesFor('registry.order.read').includes(a.role) },
    { href: '/registry/footprints', label: t('nav_footprints'), visible: (a) => a.role === 'buyer' },
    { href: '/funds', label: t('nav_fund'), visible: () => true },
    { href: '/finance', label: t('nav_finance'), visible: (a) => can(a, 'finance.manage') },
    { href: '/finance/public', label: t('nav_finance'), visible: (a) => !can(a, 'finance.manage') },
    { href: '/safety', label: t('nav_safety'), visible: () => true },
    { href: '/children', label: t('nav_children'), visible: () => true },
    { href: '/children/cases', label: t('nav_child_cases'), visible: (a) => can(a, 'children.case.list') },
    { href: '/savings', label: t('nav_savings'), visible: () => true },
    { href: '/imports', label: t('nav_imports'), visible: (a) => can(a, 'imports.run') },
    { href: '/organisations', label: t('nav_organisations'), visible: (a) => can(a, 'organisation.list') },
    { href: '/users', label: t('nav_users'), visible: (a) => can(a, 'user.list') },
    { href: '/tokens', label: t('nav_tokens'), visible: (a) => can(a, 'token.list') },
    { href: '/verifier-keys', label: t('nav_verifier_keys'), visible: (a) => rolesFor('verifier_key.manage').includes(a.role) },
    { href: '/journal', label: t('nav_journal'), visible: () => true },
    { href: '/api/docs', label: t('nav_api'), visible: () => true },
  ];
}

export type PageProps = {
  c: Context<AppEnv>;
  title: string;
  children: Child;
  breadcrumbs?: { href: string; label: string }[];
};

/** The frame of every page: header, role navigation, language switch, demo banner, footer. */
export function Page({ c, title, children, breadcrumbs }: PageProps) {
  const locale = c.get('locale');
  const actor = c.get('actor');
  const deps = c.get('deps');
  const t = (key: Parameters<typeof frame.t>[1]) => frame.t(locale, key);
  const here = c.req.path + (new URL(c.req.url).search || '');
  const other: Locale = locale === 'en' ? 'fr' : 'en';
  return (
    <html lang={locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${t('app_name')}`}</title>
        <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/static/orebook.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">
          {t('skip_to_content')}
        </a>
        {deps.demo && (
          <div class="demo-banner" role="note">
            {t('demo_banner')}
          </div>
        )}
        <header class="site-header">
          <div class="container header-row">
            <a class="brand" href="/">
              {t('app_name')}
            </a>
            <div class="header-tools">
              {actor.kind === 'user' && (
                <span class="who">
                  {actor.displayName} · {actor.orgCode} · {t(`role_${actor.role}`)}
                </span>
              )}
              <a class="lang-switch" href={`/lang/${other}?next=${encodeURIComponent(here)}`} hreflang={other} lang={other}>
                {other === 'fr' ? 'Français' : 'English'}
              </a>
              {actor.kind === 'user' && <a href="/account/password">{t('your_password')}</a>}
              {actor.kind === 'user' ? (
                <form method="post" action="/logout" class="inline-form">
                  <input type="hidden" name="_csrf" value={c.get('csrfToken')} />
                  <button type="submit" class="link-button">
                    {t('sign_out')}
                  </button>
                </form>
              ) : (
                <a href="/login">{t('sign_in')}</a>
              )}
            </div>
          </div>
          <nav class="container site-nav" aria-label="Main">
            <ul>
              {navigation(locale)
                .filter((item) => item.visible(actor))
                .map((item) => (
                  <li>
                    <a href={item.href} aria-current={c.req.path === item.href ? 'page' : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
            </ul>
          </nav>
        </header>
        <main id="main" class="container">
          {breadcrumbs && breadcrumbs.length > 0 && (
            <nav aria-label="Breadcrumb" class="breadcrumbs">
              <ol>
                {breadcrumbs.map((crumb) => (
                  <li>
                    <a href={crumb.href}>{crumb.label}</a>
                  </li>
                ))}
              </ol>
            </nav>
          )}
          {children}
        </main>
        <footer class="site-footer">
          <div class="container">
            <p>
              {t('footer_text')} <a href="/journal">{t('footer_journal')}</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}

/** Renders a page with the right status and `<!doctype html>`. */
export function renderPage(c: Context<AppEnv>, props: Omit<PageProps, 'c'>, status: ContentfulStatusCode = 200) {
  return c.html(`<!doctype html>${String(<Page c={c} {...props} />)}`, status);
}
