import type { Context } from 'hono';
import { isoDateOf } from '../../core/calendar.ts';
import type { AppEnv } from '../../web/context.ts';
import { membersText } from '../messages/members.ts';
import { callForReader, contributionIssuer } from '../queries/members.ts';
import { renderContributionCall } from './render-contribution-call.ts';

/** A contribution call's invoice as a PDF in the reader's language, for the secretariat and the member's own users. */
export async function invoicePdfOfCall(c: Context<AppEnv>, number: string): Promise<Response> {
  const db = c.get('deps').db;
  const call = await callForReader(db, c.get('actor'), number, isoDateOf(new Date()));
  const locale = c.get('locale');
  const pdf = renderContributionCall(call, await contributionIssuer(db), locale);
  return c.body(new Uint8Array(pdf), 200, {
    'Content-Type': 'application/pdf',
    'Content-Disposition': `inline; filename="${membersText.t(locale, 'invoice_filename')}-${call.number}.pdf"`,
    'Cache-Control': 'private, no-store',
  });
}
