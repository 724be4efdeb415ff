import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import type { Actor } from '../core/auth/roles.ts';
import type { Indicator } from '../core/indicators.ts';
import type { Invariant } from '../core/invariants.ts';
import type { Database } from '../db/connect.ts';
import type { AppEnv } from './context.ts';

/** What the demo generator hands modules besides the frame's own; modules add to it as to `Services` (see context.ts). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the modules
export interface DemoServices {}

/** What the demo generator hands each module: a seeded random source and what earlier modules made. */
export type DemoContext = DemoServices & {
  db: Database;
  /** Deterministic: the same seed gives the same data set. */
  random: () => number;
  /** Who acts for the demo: the system, on behalf of the secretariat once it exists. */
  system: Actor;
  organisations: Record<string, number>;
  /** Where people reach the registry's pages (demo certificates print it). */
  publicBaseUrl: string;
  say: (line: string) => void;
};

/**
 * A domain module, as the app, the CLI and `orebook verify` see it. Each module lists what it
 * brings; `src/modules.ts` lists the modules in the order their demo data builds on each other.
 */
export type OrebookModule = {
  name: string;
  registerApi?: (api: OpenAPIHono<AppEnv>) => void;
  registerPages?: (pages: Hono<AppEnv>) => void;
  invariants?: readonly Invariant[];
  indicators?: readonly Indicator[];
  loadDemo?: (ctx: DemoContext) => Promise<void>;
  /** Cards and tasks for the signed-in home page, for the roles this module concerns. */
  homeSection?: (c: Context<AppEnv>) => Promise<Child | null>;
  /**
   * Whether the actor may read a record of this module that restricted file `fileId` belongs to
   * (asking that record's own policy): undefined when no record of this module cites the file.
   */
  readsRestrictedFile?: (db: Database, actor: Actor, fileId: number) => Promise<boolean | undefined>;
};
