import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { registerCancelPages } from './cancel.tsx';
import { registerIssuePages } from './issue.tsx';
import { registerRetirePages } from './retire.tsx';
import { registerTransferPages } from './transfer.tsx';
import { registerTransfersPages } from './transfers.tsx';

/** Moving credits: transfers and retirements by holders; issuance, cancellation and reversals by the secretariat. */
export function registerOperationsPages(pages: Hono<AppEnv>): void {
  registerTransferPages(pages);
  registerRetirePages(pages);
  registerIssuePages(pages);
  registerCancelPages(pages);
  registerTransfersPages(pages);
}
