import type { Logger } from 'pino';
import type { Actor } from '../core/auth/roles.ts';
import type { Locale } from '../core/i18n/index.ts';
import type { Database } from '../db/connect.ts';
import type { JournalTreeCache, Keyring } from '../journal/public.ts';
import type { ProxyTrust } from './client-address.ts';

/** What the HTTP app needs from the process that runs it. Tests build one per test file. */
export type Deps = {
  db: Database;
  dbKind: 'pglite' | 'postgres';
  keyring: Keyring;
  /** Where people reach the registry's pages (certificates sign it and print it as a QR code). */
  publicBaseUrl: string;
  /** The key that seals children's names at rest, kept outside the database; null when none is configured. */
  childNameKey: { id: string; secret: Buffer } | null;
  logger: Logger;
  /** The journal's Merkle tree, kept in memory and extended as entries arrive. */
  journalTree: JournalTreeCache;
  secureCookies: 'auto' | 'always' | 'never';
  /** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (OREBOOK_TRUSTED_PROXIES); none by default. */
  trustedProxies: ProxyTrust;
  bodyLimitBytes: number;
  /** Multipart uploads (evidence files, import spreadsheets). */
  uploadLimitBytes: number;
  /** Whether this database holds demonstration data (a banner says so on every page). */
  demo: boolean;
};

export type AppEnv = {
  Variables: {
    deps: Deps;
    actor: Actor;
    locale: Locale;
    requestId: string;
    /** The CSRF token that forms on this page must send back. */
    csrfToken: string;
  };
};
