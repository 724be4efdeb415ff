import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { anonymous, type Actor } from '../core/auth/roles.ts';
import { coreError } from '../core/errors.ts';
import { isLocale, negotiateLocale } from '../core/i18n/index.ts';
import { isFromTrustedProxy } from './client-address.ts';
import type { AppEnv, Deps } from './context.ts';

export const sessionCookie = 'orebook_session';
export const csrfCookie = 'orebook_csrf';
export const languageCookie = 'orebook_lang';

export function isSecureRequest(c: Context<AppEnv>): boolean {
  const mode = c.get('deps').secureCookies;
  if (mode !== 'auto') return mode === 'always';
  if (new URL(c.req.url).protocol === 'https:') return true;
  // A client can write any header: only a trusted proxy's word on the scheme counts.
  return isFromTrustedProxy(c) && c.req.header('x-forwarded-proto') === 'https';
}

/** The reader's language: `?lang=`, then the language cookie, then Accept-Language. */
export function chooseLocale(): MiddlewareHandler<AppEnv> {
  return async function chooseLocale(c, next) {
    const explicit = c.req.query('lang') ?? getCookie(c, languageCookie);
    c.set('locale', negotiateLocale(isLocale(explicit) ? explicit : undefined, c.req.header('accept-language')));
    await next();
  };
}

/**
 * Answers to a signed-in request (a session cookie or an API token) may hold personal data, and
 * refusals and answers that set a cookie are for one browser only: none of them may be kept by a
 * browser's or a proxy's cache. Public anonymous answers keep their own caching. Static assets carry
 * nothing personal and stay cacheable.
 */
export function keepSignedInAnswersOutOfCaches(): MiddlewareHandler<AppEnv> {
  return async function keepSignedInAnswersOutOfCaches(c, next) {
    await next();
    if (c.req.path.startsWith('/static/')) return;
    const signedIn = c.req.header('authorization') !== undefined || getCookie(c, sessionCookie) !== undefined || c.get('actor').kind !== 'anonymous';
    const forOneBrowser = c.res.status === 401 || c.res.status === 403 || c.res.headers.has('set-cookie');
    if (signedIn || forOneBrowser) c.res.headers.set('Cache-Control', 'no-store');
  };
}

/** How the accounts module tells who holds an API token or a session: the frame knows the cookies, not the users. */
export type Authenticator = {
  /** The actor of a bearer token; throws a 401 refusal for a token that is wrong, revoked or expired. */
  resolveApiToken: (db: Deps['db'], token: string) => Promise<Actor>;
  /** The actor, CSRF token and language of a live session; null for none. */
  resolveSession: (db: Deps['db'], session: string) => Promise<{ actor: Actor; csrfToken: string; locale: string | null; mustChangePassword?: boolean } | null>;
  /**
   * Where a user whose password was reset chooses a new one: until they do, their session opens
   * only these paths (and sign-out, static files and the language switch); other pages send them
   * there and the API refuses with `password_change_required`.
   */
  passwordChange?: { page: string; api: string };
};

const alwaysOpenPaths = ['/logout', '/api/v1/auth/logout', '/favicon.ico'];
const alwaysOpenPrefixes = ['/static/', '/lang/'];

/**
 * Works out who is asking: a bearer API token, else a session cookie, else nobody. A token that is
 * wrong, revoked or expired is refused outright rather than treated as anonymous.
 */
export function authenticate({ resolveApiToken, resolveSession, passwordChange }: Authenticator): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const db = c.get('deps').db;
    const authorization = c.req.header('authorization');
    c.set('actor', anonymous);
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match?.[1]) throw coreError('token_invalid', 401);
      c.set('actor', await resolveApiToken(db, match[1]));
      c.set('csrfToken', '');
      return next();
    }
    const session = getCookie(c, sessionCookie);
    const resolved = session ? await resolveSession(db, session) : null;
    if (resolved) {
      c.set('actor', resolved.actor);
      c.set('csrfToken', resolved.csrfToken);
      if (!getCookie(c, languageCookie) && !c.req.query('lang') && isLocale(resolved.locale)) c.set('locale', resolved.locale);
      const path = c.req.path;
      if (resolved.mustChangePassword && passwordChange && path !== passwordChange.page && path !== passwordChange.api && !alwaysOpenPaths.includes(path) && !alwaysOpenPrefixes.some((prefix) => path.startsWith(prefix))) {
        if (c.req.method === 'GET' && !path.startsWith('/api/')) return c.redirect(passwordChange.page, 303);
        throw coreError('password_change_required', 403);
      }
    } else if (!c.req.path.startsWith('/api/')) {
      // Pages get a per-browser CSRF token (double-submit) before anyone signs in, for the sign-in form.
      let token = getCookie(c, csrfCookie);
      if (!token || token.length < 20) {
        token = randomBytes(24).toString('base64url');
        setCookie(c, csrfCookie, token, { httpOnly: true, sameSite: 'Lax', secure: isSecureRequest(c), path: '/' });
      }
      c.set('csrfToken', token);
    }
    return next();
  };
}

function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF protection. Whenever the browser sends credentials on its own (a session cookie), or posts a
 * form, an unsafe request must carry the page's token: the `_csrf` form field or the X-CSRF-Token
 * header. Requests with a bearer token carry no ambient credentials and need none.
 */
export function requireCsrfToken(): MiddlewareHandler<AppEnv> {
  return async function requireCsrfToken(c, next) {
    if (!unsafeMethods.has(c.req.method) || c.get('actor').kind === 'token') return next();
    const contentType = c.req.header('content-type') ?? '';
    const isForm = contentType.startsWith('application/x-www-form-urlencoded') || contentType.startsWith('multipart/form-data');
    const hasSession = c.get('actor').kind === 'user';
    // Without a session the API has no ambient credential to abuse; pages still guard their forms.
    if (!hasSession && (!isForm || c.req.path.startsWith('/api/'))) return next();
    let sent = c.req.header('x-csrf-token');
    if (!sent && isForm) {
      const body = await c.req.parseBody();
      sent = typeof body._csrf === 'string' ? body._csrf : undefined;
    }
    const expected = c.get('csrfToken');
    if (!sent || !expected || !sameToken(sent, expected)) throw coreError('csrf_failed', 403);
    return next();
  };
}
