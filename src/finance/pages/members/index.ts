import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { registerMembersListPages } from './list.tsx';
import { registerMemberPages } from './member.tsx';
import { registerOwnMembershipPages } from './own.tsx';

/** The members' pages: the secretariat's list and each member's record, a member's own page, and the contribution invoices. */
export function registerMembersPages(pages: Hono<AppEnv>): void {
  registerMembersListPages(pages);
  registerMemberPages(pages);
  registerOwnMembershipPages(pages);
}
