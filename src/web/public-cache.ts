import { gzipSync } from 'node:zlib';
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from './context.ts';
import { csrfCookie, sessionCookie } from './middleware.ts';

/** An answer as kept: its body, and the same body gzipped once where that is worth it (text of 1 KiB or more). */
type Stored = { status: ContentfulStatusCode; headers: Record<string, string>; body: Uint8Array; gzipped: Uint8Array | null };

const compressible = /^(text\/|application\/(json|xml|javascript|problem\+json)|image\/svg\+xml)/i;

/** The gzip of a body worth compressing, once, when it is kept; null for small or already compressed answers. */
function gzipOnce(body: Uint8Array, headers: Record<string, string>): Uint8Array | null {
  const type = Object.entries(headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  const encoded = Object.keys(headers).some((name) => name.toLowerCase() === 'content-encoding');
  if (encoded || body.byteLength < 1024 || !compressible.test(type)) return null;
  const gzipped = new Uint8Array(gzipSync(body));
  return gzipped.byteLength < body.byteLength ? gzipped : null;
}

/** Whether the reader takes gzip (`Accept-Encoding: gzip, br`), and not with `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding, ...parameters] = part.trim().toLowerCase().split(';');
    const refused = parameters.some((parameter) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(parameter));
    return (coding === 'gzip' || coding === '*') && !refused;
  });
}

const sizeOf = (stored: Stored) => stored.body.byteLength + (stored.gzipped?.byteLength ?? 0);

export type PublicReadCacheOptions = {
  /**
   * What public figures depend on: changes whenever the journal grows, a checkpoint is signed or
   * the database is replaced. Must be cheap (an indexed lookup or two).
   */
  version: () => Promise<string>;
  /** Most answers kept; the least recently used go first. */
  maxEntries?: number;
  /** Most bytes kept in all, and the largest single answer kept. */
  maxBytes?: number;
  maxEntryBytes?: number;
  /** Today's date (UTC), part of the key: some figures count back from today. */
  today?: () => string;
  /**
   * How long a version read is trusted, in ms, so that a cached answer needs no database round
   * trip. A write through this server (any request but GET/HEAD) makes the next read ask again,
   * so its author never sees an older answer; writers from outside (the CLI, another process) are
   * seen within this window. 0 (the default) asks on every request.
   */
  versionFreshForMs?: number;
};

/** Headers the outer middleware sets again on every answer, or that must never be replayed. */
const notReplayed = new Set(['set-cookie', 'x-request-id']);

/**
 * Public figures change only when the journal does, so an anonymous GET is answered once per
 * journal version and then from memory. Only what is the same for every anonymous reader is kept:
 * a 200 without `no-store`/`private`, setting no cookie but the visitor's own CSRF cookie, and whose
 * body does not carry this visitor's CSRF token (a page with a form, such as the sign-in page). Anyone who sends a session
 * cookie or a bearer token bypasses the cache: their pages show their navigation. Concurrent
 * requests for the same key wait for one computation instead of repeating it.
 */
export function publicReadCache(options: PublicReadCacheOptions): MiddlewareHandler<AppEnv> {
  const maxEntries = options.maxEntries ?? 500;
  const maxBytes = options.maxBytes ?? 64 * 1_048_576;
  const maxEntryBytes = options.maxEntryBytes ?? 4 * 1_048_576;
  const today = options.today ?? (() => new Date().toISOString().slice(0, 10));
  const version = freshFor(options.versionFreshForMs ?? 0, options.version);
  const entries = new Map<string, Stored>();
  const inFlight = new Map<string, Promise<Stored | null>>();
  let bytes = 0;

  const remember = (key: string, stored: Stored) => {
    if (stored.body.byteLength > maxEntryBytes) return;
    const previous = entries.get(key);
    if (previous) {
      bytes -= sizeOf(previous);
      entries.delete(key);
    }
    entries.set(key, stored);
    bytes += sizeOf(stored);
    for (const [oldest, entry] of entries) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      entries.delete(oldest);
      bytes -= sizeOf(entry);
    }
  };

  // Through the context, so that what the outer middleware set (the request id) is kept. A reader
  // that takes gzip gets the copy compressed when it was kept: a phone on a slow network, a crawler.
  const replay = (c: Context<AppEnv>, stored: Stored) => {
    if (!stored.gzipped) return c.body(stored.body.slice(), stored.status, stored.headers);
    const headers = { ...stored.headers, Vary: 'Accept-Encoding' };
    if (!acceptsGzip(c.req.header('accept-encoding'))) return c.body(stored.body.slice(), stored.status, headers);
    return c.body(stored.gzipped.slice(), stored.status, { ...headers, 'Content-Encoding': 'gzip' });
  };

  return async function publicReadCache(c, next) {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      try {
        await next();
      } finally {
        version.forget();
      }
      return;
    }
    if (c.req.method !== 'GET' || c.req.header('authorization') !== undefined || getCookie(c, sessionCookie) !== undefined) return next();
    const url = new URL(c.req.url);
    const key = `${await version.read()} ${today()} ${c.get('locale')} ${url.pathname}${url.search}`;
    const hit = entries.get(key);
    if (hit) {
      // Most recently used goes last, so eviction takes the least recently used first.
      entries.delete(key);
      entries.set(key, hit);
      return replay(c, hit);
    }
    const pending = inFlight.get(key);
    if (pending) {
      const stored = await pending;
      return stored ? replay(c, stored) : next();
    }
    let settle: (stored: Stored | null) => void = () => undefined;
    inFlight.set(
      key,
      new Promise((resolve) => {
        settle = resolve;
      }),
    );
    let stored: Stored | null = null;
    try {
      await next();
      stored = await storable(c.res, c.get('actor').kind === 'anonymous', c.get('csrfToken'));
      if (stored) remember(key, stored);
    } finally {
      inFlight.delete(key);
      settle(stored);
    }
  };
}

/**
 * A value read at most once per `ms`, shared by concurrent readers. `forget` makes the next read
 * ask again (a read under way when it is called may predate the write, so it is not kept).
 */
export function freshFor<T>(ms: number, read: () => Promise<T>): { read: () => Promise<T>; forget: () => void } {
  let kept: { value: Promise<T>; until: number } | null = null;
  return {
    read() {
      const now = performance.now();
      if (kept && now < kept.until) return kept.value;
      const value = read();
      kept = ms > 0 ? { value, until: now + ms } : null;
      value.then(
        () => undefined,
        () => {
          if (kept?.value === value) kept = null;
        },
      );
      return value;
    },
    forget() {
      kept = null;
    },
  };
}

/**
 * The answer as every anonymous reader may get it, or null. A first visit's page sets this
 * visitor's CSRF cookie; a page that does not use the token is kept without the cookie (the visitor
 * gets it from the first page with a form, such as the sign-in page), and any other cookie keeps
 * the answer out.
 */
async function storable(response: Response, anonymous: boolean, csrfToken: string): Promise<Stored | null> {
  if (!anonymous || response.status !== 200) return null;
  if (!response.headers.getSetCookie().every((cookie) => csrfToken !== '' && cookie.startsWith(`${csrfCookie}=${csrfToken};`))) return null;
  const cacheControl = response.headers.get('cache-control') ?? '';
  if (/no-store|private/i.test(cacheControl)) return null;
  const body = new Uint8Array(await response.clone().arrayBuffer());
  if (csrfToken && Buffer.from(body.buffer, body.byteOffset, body.byteLength).includes(csrfToken)) return null;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!notReplayed.has(name.toLowerCase())) headers[name] = value;
  });
  return { status: 200, headers, body, gzipped: gzipOnce(body, headers) };
}
