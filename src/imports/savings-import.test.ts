import fs from 'node:fs';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/harness.ts';
import type { Actor } from '../core/auth/roles.ts';
import { rowsOf } from '../db/connect.ts';
import { runCommand } from '../journal/public.ts';
import { createGroup, openCycle } from '../savings/public.ts';
import { importSubmissions } from './commands/import-submissions.ts';
import { fieldForm } from './forms/registry.ts';

let t: TestContext;
let officer: Actor;

/** The savings tables, read with plain SQL: the module's schema is its own (only its public face may be imported). */
const meetingCount = async () => rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from savings_meetings`))[0]!.n;

const meetingExport = () => fs.readFileSync(new URL('../../test/fixtures/kobo-savings_meeting.json', import.meta.url));
const importMeetings = (content: Buffer, options: { dryRun?: boolean } = {}) =>
  importSubmissions(t.db, officer, { form: fieldForm('savings_meeting'), content, dryRun: options.dryRun ?? false, validRowsOnly: false, env: { childNameKey: null } });

/** The fixture as Kobo's XLSX export lays out a repeat group: its entries on a sheet of their own, tied by `_parent_index`. */
async function asXlsxExport(uuid: string, memberRows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const main = workbook.addWorksheet('Savings group meeting');
  main.addRow(['meeting/group_code', 'meeting/cycle', 'meeting/meeting_date', 'form_version', 'meta/instanceID', '_id', '_uuid', '_submission_time', '__version__', '_index']);
  main.addRow(['KAM-VSLA-01', '1', '2025-03-11', '2025.1', `uuid:${uuid}`, 720002, uuid, '2025-03-11T14:41:00', 'vS4v1ngsM33t1ng', 1]);
  const members = workbook.addWorksheet('members');
  members.addRow(['members/member_code', 'members/present', 'members/shares', 'members/social_fund', 'members/repayment', 'members/fine', '_index', '_parent_table_name', '_parent_index', '_submission__id', '_submission__uuid']);
  memberRows.forEach((row, index) => members.addRow([...row, index + 1, 'Savings group meeting', 1, 720002, uuid]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

beforeAll(async () => {
  t = await createTestContext();
  const secretariat = await t.buildOrganisation({ kind: 'secretariat', code: 'fca-savings-import' });
  const user = await t.buildUser({ role: 'field', organisationId: secretariat.id });
  officer = { kind: 'user', userId: user.id, orgId: secretariat.id, orgCode: secretariat.code, orgKind: 'secretariat', role: 'field', displayName: 'Test field' };
  await runCommand(t.db, officer, (ctx) =>
    createGroup(ctx, {
      code: 'KAM-VSLA-01',
      name: 'Tujenge Pamoja',
      community: 'Kasulo',
      facilitator: secretariat.code,
      formedOn: '2025-01-06',
      members: [
        { name: 'Membre Un', sex: 'female' },
        { name: 'Membre Deux', sex: 'female' },
        { name: 'Membre Trois', sex: 'male' },
      ],
    }),
  );
  await runCommand(t.db, officer, (ctx) =>
    openCycle(ctx, { groupCode: 'KAM-VSLA-01', startsOn: '2025-01-06', endsOn: '2025-12-29', sharePriceMinor: 50_000, maxSharesPerMeeting: 5, monthlyInterestBps: 1000, socialFundContributionMinor: 50_000 }),
  );
});
afterAll(async () => {
  await t?.close();
});

describe('Importing savings meetings', () => {
  it('records a meeting from a JSON export with its members repeat group, once', async () => {
    const report = await importMeetings(meetingExport());
    expect(report.committed).toBe(true);
    expect(report.accepted).toEqual([{ row: 1, submission: '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e01', record: expect.stringMatching(/^savings_meeting:\d+$/) }]);
    const entries = rowsOf<{ present: boolean; shares: number; social_fund_minor: number; fine_minor: number }>(
      await t.db.execute(sql`select present, shares, social_fund_minor, fine_minor from savings_meeting_entries`),
    );
    expect(entries.map((e) => [e.present, e.shares, e.social_fund_minor, e.fine_minor]).sort()).toEqual(
      [
        [true, 3, 50_000, 0],
        [true, 2, 50_000, 20_000],
        [false, 0, 0, 0],
      ].sort(),
    );
    const again = await importMeetings(meetingExport());
    expect(again).toMatchObject({ committed: true, accepted: [] });
    expect(again.alreadyImported).toHaveLength(1);
    expect(await meetingCount()).toBe(1);
  });

  it('reads the repeat group from its own sheet of an XLSX export, and refuses shares above the cycle’s maximum with the module’s message', async () => {
    const tooMany = await asXlsxExport('3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e02', [
      ['KAM-VSLA-01-M01', 'yes', 7, 500, '', ''],
      ['KAM-VSLA-01-M02', 'yes', 1, 500, '', ''],
    ]);
    const refused = await importMeetings(tooMany, { dryRun: true });
    expect(refused.problems).toEqual([
      expect.objectContaining({
        code: 'shares_above_maximum',
        message: { en: 'Member KAM-VSLA-01-M01 bought 7 shares; the cycle allows at most 5 a meeting.', fr: expect.stringContaining('au plus 5 par réunion') },
      }),
    ]);
    const fine = await asXlsxExport('3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e03', [
      ['KAM-VSLA-01-M01', 'yes', 4, 500, '', ''],
      ['KAM-VSLA-01-M03', 'yes', 1, 500, '', ''],
    ]);
    const report = await importMeetings(fine);
    expect(report).toMatchObject({ committed: true, format: 'xlsx' });
    expect(await meetingCount()).toBe(2);
  });
});
