import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';

export function registerCertificatesPages(pages: Hono<AppEnv>): void {
  void pages;
}
