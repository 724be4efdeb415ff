import type { Logger } from 'pino';
import type { Actor } from '../core/auth/roles.ts';
import type { Locale } from '../core/i18n/index.ts';
import type { Database } from '../db/connect.ts';
import type { ProxyTrust } from './client-address.ts';
import type { OrebookModule } from './module.ts';

/**
 * What modules need from the process besides the frame's own: each module that needs something
 * adds it here by declaration merging (`declare module '../web/context.ts' { interface Services
 * { ... } }` in its module.ts), so the frame names no module. The journal adds its keyring and
 * tree, the children module its name key.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the modules
export interface Services {}

/** What the HTTP app needs from the process that runs it. Tests build one per test file. */
export type Deps = Services & {
  db: Database;
  dbKind: 'pglite' | 'postgres';
  /** Where people reach the registry's pages (certificates sign it and print it as a QR code). */
  publicBaseUrl: string;
  logger: Logger;
  secureCookies: 'auto' | 'always' | 'never';
  /** Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (OREBOOK_TRUSTED_PROXIES); none by default. */
  trustedProxies: ProxyTrust;
  bodyLimitBytes: number;
  /** Multipart uploads (evidence files, import spreadsheets). */
  uploadLimitBytes: number;
  /** Whether this database holds demonstration data (a banner says so on every page). */
  demo: boolean;
  /**
   * How long the public read cache trusts the journal version it read, in ms (0, the default: it
   * asks on every anonymous read). The server sets a fraction of a second so that a cached answer
   * needs no database round trip; its own writes are seen at once, the CLI's within that time.
   */
  publicVersionFreshForMs?: number;
};

export type AppEnv = {
  Variables: {
    deps: Deps;
    actor: Actor;
    locale: Locale;
    requestId: string;
    /** The CSRF token that forms on this page must send back. */
    csrfToken: string;
    /** The modules the app runs, for the rare route that asks them all (who may read a restricted file). */
    modules: readonly OrebookModule[];
  };
};
