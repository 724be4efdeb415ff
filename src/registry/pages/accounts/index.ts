import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { registerAccountListPages } from './list.tsx';
import { registerOpenAccountPages } from './open.tsx';
import { registerAccountViewPage } from './view.tsx';

/** Registry accounts: the list (with the secretariat's approval and suspension), opening one, and one account's holdings. */
export function registerAccountsPages(pages: Hono<AppEnv>): void {
  registerAccountListPages(pages);
  registerOpenAccountPages(pages);
  registerAccountViewPage(pages);
}
