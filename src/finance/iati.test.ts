import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCommandRefusal } from '../../test/expect.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { journalSize } from '../journal/public.ts';
import type { ParticipantProps } from './activity-input.ts';
import { activitiesXml } from './iati/activities-xml.ts';
import { codelistCodes } from './iati/codelists.ts';
import { activityStatusCodes, organisationRoleCodes } from './schema.ts';
import { listPublishedActivities } from './queries/activities.ts';
import { activityProps, iatiActivityFileProblems, recordActivity, withProgrammeAreas } from './test-support.ts';
import { allianceProgrammeAreas } from './programme-areas.ts';

let t: TestContext;
let secretariat: { id: number; code: string; name: string };

beforeAll(async () => {
  t = await createTestContext();
  secretariat = await t.buildOrganisation({ kind: 'secretariat', name: 'Fair Cobalt Alliance secretariat' });
  const cooperative = await t.buildOrganisation({ kind: 'cooperative' });
  for (const code of ['KAM', 'MTX', 'KSB']) await insertSite(t.db, { cooperativeOrganisationId: cooperative.id, code });
  await withProgrammeAreas(t.db, system);
});
afterAll(() => t?.close());

const activitiesFile = async () => (await t.app.request('/iati/activities.xml')).text();

describe('The IATI activity file', () => {
  it('is not there while there is no activity, since IATI requires at least one', async () => {
    expect((await t.app.request('/iati/activities.xml')).status).toBe(404);
  });

  it('publishes each activity to anyone, valid against the IATI 2.03 schema and codelists', async () => {
    await recordActivity(
      t.db,
      system,
      activityProps('CREDIT-DIGITAL', {
        sites: ['KAM', 'MTX'],
        actualEnd: '2025-12-31',
        status: 3,
        participants: [
          { role: 1, name: 'European Partnership for Responsible Minerals' },
          { role: 2, organisation: secretariat.code, iatiRef: 'XI-IATI-FCA' },
          { role: 4, organisation: secretariat.code },
        ],
      }),
    );
    const response = await t.app.request('/iati/activities.xml');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await response.text();
    expect(await iatiActivityFileProblems(xml)).toEqual([]);
    expect(xml).toContain('<iati-identifier>XI-IATI-FCA-CREDIT-DIGITAL</iati-identifier>');
    expect(xml).toContain('<narrative xml:lang="fr">Étendre et numériser le mécanisme de crédits cobalt</narrative>');
    expect(xml).toContain('<participating-org role="2" ref="XI-IATI-FCA">');
    expect(xml).toContain(`<narrative>${secretariat.name}</narrative>`);
    for (const [type, date] of [['1', '2024-01-01'], ['2', '2024-02-15'], ['3', '2026-12-31'], ['4', '2025-12-31']]) expect(xml).toContain(`<activity-date type="${type}" iso-date="${date}"/>`);
    expect(xml).toContain('<recipient-country code="CD" percentage="100"/>');
    // The credit mechanism's sectors: responsible business conduct 60 %, non-ferrous metals 40 %.
    expect(xml).toContain('<sector vocabulary="1" code="25040" percentage="60"/>');
    expect(xml).toContain('<sector vocabulary="1" code="32264" percentage="40"/>');
  });

  it('is checked by a validator that does find a bad code and a missing element', async () => {
    const xml = await activitiesFile();
    expect(await iatiActivityFileProblems(xml.replace('<activity-status code="3"/>', '<activity-status code="9"/>'))).toEqual(['activity-status@code="9": not an active code of ActivityStatus']);
    expect(await iatiActivityFileProblems(xml.replace(/<recipient-country[^>]*>/, '<recipient-country code="CD" percentage="100"/><location-code code="X"/>'))).not.toEqual([]);
    expect((await iatiActivityFileProblems(xml.replace(/<title>[\s\S]*?<\/title>/, ''))).join()).toMatch(/XSD:/);
  });

  it('accepts exactly the status and role codes of the IATI codelists', () => {
    expect(activityStatusCodes.map(String)).toEqual([...codelistCodes('ActivityStatus').keys()]);
    expect(organisationRoleCodes.map(String)).toEqual([...codelistCodes('OrganisationRole').keys()]);
  });

  it('refuses text XML cannot carry, writing nothing', async () => {
    await expectCommandRefusal(() => recordActivity(t.db, system, activityProps('CONTROL', { titleEn: 'Bell \u0007' })), 'text_characters', 422, { unchanged: () => journalSize(t.db) });
  });

  it('stays valid for randomly generated activities (fixed seed)', async () => {
    const date = fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const text = (max: number) => fc.string({ unit: 'grapheme', minLength: 1, maxLength: max }).filter((s) => s.trim().length > 0).map((s) => `${s} <&>"'`.slice(0, max));
    const participant: fc.Arbitrary<ParticipantProps> = fc.oneof(
      fc.record({ role: fc.integer({ min: 1, max: 4 }), name: text(200) }),
      fc.record({ role: fc.integer({ min: 1, max: 4 }), organisation: fc.constant(secretariat.code), iatiRef: fc.stringMatching(/^[A-Z]{2}-[A-Z0-9]{2,8}-[0-9]{1,6}$/) }),
    );
    const activity = fc
      .record({
        area: fc.constantFrom(...allianceProgrammeAreas.map((area) => area.code)),
        titleEn: text(200),
        titleFr: text(200),
        descriptionEn: text(4000),
        descriptionFr: text(4000),
        dates: fc.array(date, { minLength: 4, maxLength: 4 }).map((days) => [...days].sort()),
        known: fc.record({ plannedEnd: fc.boolean(), actualStart: fc.boolean(), actualEnd: fc.boolean() }),
        status: fc.integer({ min: 1, max: 6 }),
        sites: fc.subarray(['KAM', 'MTX', 'KSB']),
        participants: fc.array(participant, { minLength: 1, maxLength: 4 }),
      })
      .map(({ dates, known, ...rest }) => ({
        ...rest,
        plannedStart: dates[0]!,
        actualStart: known.actualStart ? dates[1]! : null,
        plannedEnd: known.plannedEnd ? dates[2]! : null,
        actualEnd: known.actualStart && known.actualEnd ? dates[3]! : null,
      }));
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(activity, { minLength: 1, maxLength: 3 }), async (activities) => {
        for (const props of activities) await recordActivity(t.db, system, { code: `RANDOM-${++sequence}`, ...props });
        const xml = activitiesXml(await listPublishedActivities(t.db), new Date());
        expect(await iatiActivityFileProblems(xml)).toEqual([]);
      }),
      { seed: 13, numRuns: 15 },
    );
  });
});
