import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { certificatePdfResponse, retirementIdOf } from '../../certificate/responses.ts';
import { certificatePage } from './certificate-page.tsx';

/** The public page of each retirement certificate and its PDF, for anyone. */
export function registerCertificatesPages(pages: Hono<AppEnv>): void {
  pages.get('/certificates/:file{[0-9]{1,12}\\.pdf}', (c) => certificatePdfResponse(c, retirementIdOf(c.req.param('file').slice(0, -'.pdf'.length))));
  pages.get('/certificates/:id{[0-9]{1,12}}', (c) => certificatePage(c, retirementIdOf(c.req.param('id'))));
}
