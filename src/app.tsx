import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { setCookie } from 'hono/cookie';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { authorize } from './core/auth/policies.ts';
import { anonymous } from './core/auth/roles.ts';
import { coreError, type AppError } from './core/errors.ts';
import { isLocale } from './core/i18n/index.ts';
import { rowsOf } from './db/connect.ts';
import { passwordChange, resolveApiToken, resolveSession } from './accounts/public.ts';
import { registerHomePage } from './home.tsx';
import { journalSize, journalVersion, signCheckpoint } from './journal/public.ts';
import { renderApiDocs } from './web/api-docs.tsx';
import type { AppEnv, Deps } from './web/context.ts';
import { errorBody, toAppError, validationHook } from './web/errors.ts';
import { refuseControlCharacters } from './web/input-guard.ts';
import { registerIndicatorApi } from './web/indicator-routes.ts';
import { renderPage } from './web/layout.tsx';
import { frame } from './web/messages.ts';
import { publicReadCache } from './web/public-cache.ts';
import { authenticate, chooseLocale, isSecureRequest, keepSignedInAnswersOutOfCaches, languageCookie, requireCsrfToken } from './web/middleware.ts';
import type { OrebookModule } from './web/module.ts';
import { sameOriginPath } from './web/redirect.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const staticFiles = new Map(
  fs.readdirSync(path.join(here, 'web/static')).map((name) => [name, fs.readFileSync(path.join(here, 'web/static', name))]),
);
const contentTypes: Record<string, string> = { '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.svg': 'image/svg+xml' };
const docsDir = path.resolve(here, '../docs');

function wantsJson(c: Context<AppEnv>): boolean {
  return c.req.path.startsWith('/api/') || c.req.path.startsWith('/.well-known/') || c.req.path === '/healthz';
}

function renderError(c: Context<AppEnv>, error: AppError) {
  if (wantsJson(c)) return c.json(errorBody(error, c), error.status, error.headers);
  const locale = c.get('locale');
  if (error.status === 401) return c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`, 303);
  for (const [name, value] of Object.entries(error.headers ?? {})) c.header(name, value);
  const title = error.status === 404 ? frame.t(locale, 'not_found_title') : frame.t(locale, 'error_page_title');
  return renderPage(
    c,
    {
      title,
      children: (
        <>
          <h1>{title}</h1>
          <p>{error.status === 404 ? frame.t(locale, 'not_found_text') : error.text[locale]}</p>
          <p>
            <a href="/">{frame.t(locale, 'back_home')}</a>
          </p>
        </>
      ),
    },
    error.status,
  );
}

/** Composes the HTTP app: middleware, every module's API and pages, the OpenAPI document, errors. */
export function createApp(deps: Deps, modules: readonly OrebookModule[]) {
  const app = new Hono<AppEnv>();

  app.use('*', async function provideDeps(c, next) {
    c.set('deps', deps);
    c.set('modules', modules);
    c.set('actor', anonymous);
    c.set('locale', 'en');
    c.set('csrfToken', '');
    await next();
  });
  app.use('*', requestId());
  app.use('*', async function logRequest(c, next) {
    const started = performance.now();
    await next();
    // The route pattern, never the concrete URL or body: those may carry personal data.
    deps.logger.info(
      { requestId: c.get('requestId'), method: c.req.method, route: c.req.routePath, status: c.res.status, ms: Math.round(performance.now() - started), role: c.get('actor').role },
      'request',
    );
  });
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Charts are SVG drawn on the server, whose renderer styles elements inline; scripts stay 'self'.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
      referrerPolicy: 'strict-origin-when-cross-origin',
      xFrameOptions: 'DENY',
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use('*', chooseLocale());
  // Uploads (evidence files, import spreadsheets) may be larger than any JSON body. The rest of a
  // refused body is never read, so the connection cannot be reused: say so rather than reset it.
  const jsonBodyLimit = bodyLimit({
    maxSize: deps.bodyLimitBytes,
    onError: () => {
      throw coreError('payload_too_large', 413, { limit: deps.bodyLimitBytes }, undefined, { Connection: 'close' });
    },
  });
  const uploadBodyLimit = bodyLimit({
    maxSize: deps.uploadLimitBytes,
    onError: () => {
      throw coreError('payload_too_large', 413, { limit: deps.uploadLimitBytes }, undefined, { Connection: 'close' });
    },
  });
  app.use('*', async function limitBody(c, next) {
    const multipart = (c.req.header('content-type') ?? '').startsWith('multipart/form-data');
    return (multipart ? uploadBodyLimit : jsonBodyLimit)(c, next);
  });
  app.use('*', refuseControlCharacters());
  app.use('*', keepSignedInAnswersOutOfCaches());
  app.use('*', publicReadCache({ version: () => journalVersion(deps.db), versionFreshForMs: deps.publicVersionFreshForMs ?? 0 }));
  app.use('*', authenticate({ resolveApiToken, resolveSession, passwordChange }));
  app.use('*', requireCsrfToken());

  app.get('/healthz', async (c) => {
    const started = performance.now();
    try {
      rowsOf(await deps.db.execute('select 1'));
      const size = await journalSize(deps.db);
      return c.json({ status: 'ok', database: { kind: deps.dbKind, state: 'up', ms: Math.round(performance.now() - started) }, journal: { size } });
    } catch {
      return c.json({ status: 'unavailable', database: { kind: deps.dbKind, state: 'down' } }, 503);
    }
  });

  // With the witness policy the registry asks readers to require (docs/journal.md), null without witnesses.
  app.get('/.well-known/orebook-key', (c) => {
    const pool = deps.keyring.witnesses;
    const witnessPolicy = pool ? { quorum: pool.quorum, witnesses: pool.witnesses.map((witness) => ({ name: witness.cosigner.name, verifierKey: witness.verifierKey })) } : null;
    return c.json({ origin: deps.keyring.origin, keys: deps.keyring.published, witnessPolicy }, 200, { 'Cache-Control': 'max-age=300' });
  });

  app.get('/static/:file', (c) => {
    const file = staticFiles.get(c.req.param('file'));
    if (!file) throw coreError('not_found', 404);
    // The icon never changes in place (a new one gets a new name), so browsers keep it for a year; other files for an hour.
    const cache = c.req.param('file') === 'favicon.svg' ? 'public, max-age=31536000, immutable' : 'public, max-age=3600';
    return c.body(file, 200, { 'Content-Type': contentTypes[path.extname(c.req.param('file'))] ?? 'application/octet-stream', 'Cache-Control': cache });
  });

  // Browsers and crawlers ask for /favicon.ico whether or not a page names its icon.
  app.get('/favicon.ico', (c) => c.redirect('/static/favicon.svg', 301));

  app.get('/docs/:file{[a-z-]+\\.md}', (c) => {
    const file = path.join(docsDir, c.req.param('file'));
    if (!fs.existsSync(file)) throw coreError('not_found', 404);
    return c.body(fs.readFileSync(file), 200, { 'Content-Type': 'text/markdown; charset=utf-8' });
  });

  app.get('/lang/:locale', (c) => {
    const locale = c.req.param('locale');
    if (!isLocale(locale)) throw coreError('not_found', 404);
    const next = sameOriginPath(c.req.query('next'));
    setCookie(c, languageCookie, locale, { sameSite: 'Lax', secure: isSecureRequest(c), path: '/', maxAge: 365 * 86_400 });
    return c.redirect(next, 303);
  });

  app.post('/journal/checkpoint', async (c) => {
    authorize(c.get('actor'), 'checkpoint.sign');
    await signCheckpoint(deps.db, deps.keyring, 'on_demand', deps.journalTree);
    return c.redirect('/journal', 303);
  });

  const api = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  for (const module of modules) module.registerApi?.(api);
  registerIndicatorApi(
    api,
    modules.flatMap((module) => module.indicators ?? []),
  );
  app.route('/api/v1', api);

  const openApiDocument = () =>
    api.getOpenAPI31Document({
      openapi: '3.1.0',
      info: {
        title: 'Orebook API',
        version: '1',
        description: 'The registry of Responsible Minerals Credits, site data, premium funds and field programmes.',
        license: { name: 'AGPL-3.0-or-later', url: 'https://www.gnu.org/licenses/agpl-3.0.html' },
      },
      servers: [{ url: '/api/v1' }],
    });
  app.get('/api/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/api/docs', (c) => renderApiDocs(c, openApiDocument()));

  const pages = new Hono<AppEnv>();
  registerHomePage(pages, modules);
  for (const module of modules) module.registerPages?.(pages);
  app.route('/', pages);

  app.notFound((c) => renderError(c, coreError('not_found', 404)));
  app.onError((error, c) => renderError(c, toAppError(error, c)));
  return app;
}
