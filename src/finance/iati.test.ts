import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectCommandRefusal } from '../../test/expect.ts';
import { insertSite } from '../../test/factories/sites.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import { demoUsers } from '../accounts/public.ts';
import { rowsOf } from '../db/connect.ts';
import { loadDemo } from '../demo.ts';
import { journalSize, runCommand } from '../journal/public.ts';
import { modules } from '../modules.ts';
import { recordGrantMoney } from './commands/record-grant-receipt.ts';
import { recordPartnerCommitment } from './commands/record-partner-commitment.ts';
import { grantProps, recordGrant, recordSpending, setBudget, spendingProps } from './grant-test-support.ts';
import { costCategories } from './grants-schema.ts';
import { splitByWeights } from './iati/activity-finance.ts';
import type { ParticipantProps } from './activity-input.ts';
import { activitiesXml, listIatiActivities } from './iati/activities-xml.ts';
import { codelistCodes } from './iati/codelists.ts';
import { activityStatusCodes, organisationRoleCodes } from './schema.ts';
import { activityProps, iatiActivityFileProblems, iatiOrganisationFileProblems, recordActivity, withProgrammeAreas } from './test-support.ts';
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

  it('has an organisation file even before any finance: the reporting organisation alone, which the schema allows', async () => {
    const response = await t.app.request('/iati/organisation.xml');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
    const xml = await response.text();
    expect(await iatiOrganisationFileProblems(xml)).toEqual([]);
    expect(xml).toContain('<organisation-identifier>XI-IATI-FCA</organisation-identifier>');
    expect(xml).not.toMatch(/<total-budget|<total-expenditure/);
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
        const xml = activitiesXml(await listIatiActivities(t.db), new Date());
        expect(await iatiActivityFileProblems(xml)).toEqual([]);
      }),
      { seed: 13, numRuns: 15 },
    );
  });
});

/** The `<iati-activity>` element of an activity, as text. */
function activityElement(xml: string, code: string): string {
  const element = xml.split('<iati-activity ').find((part) => part.includes(`<iati-identifier>XI-IATI-FCA-${code}</iati-identifier>`));
  if (!element) throw new Error(`no activity ${code} in the file`);
  return element;
}

type PublishedTransaction = { type: number; date: string; currency: string; amount: string; body: string };
/** The transactions of an activity element, with each value's currency (the activity's default when the value names none). */
function transactionsOf(element: string): PublishedTransaction[] {
  const defaultCurrency = /default-currency="([A-Z]{3})"/.exec(element)![1]!;
  return [...element.matchAll(/<transaction[ >][\s\S]*?<\/transaction>/g)].map(([body]) => {
    const match = /<transaction-type code="(\d+)"\/>\s*<transaction-date iso-date="([^"]+)"\/>\s*<value(?: currency="([A-Z]{3})")? value-date="[^"]+">([^<]+)<\/value>/.exec(body)!;
    return { type: Number(match[1]), date: match[2]!, currency: match[3] ?? defaultCurrency, amount: match[4]!, body };
  });
}

/** Sums decimal amounts exactly, in hundredths (every currency of these tests has two decimals, or none). */
const sumAmounts = (amounts: readonly string[]) => amounts.reduce((sum, amount) => sum + BigInt(amount.replace('.', '')) * (amount.includes('.') ? 1n : 100n), 0n);

/** The yearly figures of one element of the organisation file (`total-budget`, `total-expenditure`, ...), as `year currency amount`, in file order. */
function yearlyFigures(xml: string, element: string): string[] {
  const defaultCurrency = /<iati-organisation [^>]*default-currency="([A-Z]{3})"/.exec(xml)![1]!;
  return [...xml.matchAll(new RegExp(`<${element}[ >][\\s\\S]*?<period-start iso-date="(\\d{4})-01-01"/>[\\s\\S]*?<value(?: currency="([A-Z]{3})")? value-date="[^"]+">([^<]+)</value>`, 'g'))].map(
    (match) => `${match[1]} ${match[2] ?? defaultCurrency} ${match[3]}`,
  );
}

/** The organisation file's totals computed straight from the tables, independently of the code under test. */
async function recordedTotals(): Promise<{ budgets: string[]; spent: string[] }> {
  const format = (row: { year: number; currency: string; minor: string }) => {
    const digits = row.currency === 'JPY' ? 0 : 2;
    const text = String(row.minor).padStart(digits + 1, '0');
    return `${row.year} ${row.currency} ${digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text}`;
  };
  const budgets = rowsOf<{ year: number; currency: string; minor: string }>(
    await t.db.execute(sql`
      select l.year::int as year, g.currency, sum(l.amount_minor)::text as minor
      from finance_grant_budget_lines l
      join finance_grant_budget_versions v on v.id = l.version_id
      join finance_grants g on g.id = v.grant_id
      where v.version = (select max(version) from finance_grant_budget_versions w where w.grant_id = v.grant_id)
      group by l.year, g.currency having sum(l.amount_minor) > 0 order by 1, 2`),
  );
  const spent = rowsOf<{ year: number; currency: string; minor: string }>(
    await t.db.execute(sql`select extract(year from spent_on)::int as year, currency, sum(amount_minor)::text as minor from finance_expenditures group by 1, 2 order by 1, 2`),
  );
  return { budgets: budgets.map(format), spent: spent.map(format) };
}

describe('The IATI files’ money', () => {
  let donor: { code: string; name: string };
  let partner: { code: string; name: string };
  const individuals = ['Zelda Qxpersonone', 'Yves Qxpersontwo'];
  const secretDescriptions = ['Salary Qxsecretdescription May', 'Salary Qxsecretdescription bonus'];

  beforeAll(async () => {
    donor = await t.buildOrganisation({ kind: 'donor', code: 'iati-donor', name: 'Foundation Qxdonor' });
    partner = await t.buildOrganisation({ kind: 'partner', code: 'iati-partner', name: 'Partner Qxngo' });
    await recordActivity(t.db, system, activityProps('OHS-A', { area: 'health_safety', sites: ['KAM'] }));
    await recordActivity(t.db, system, activityProps('CHILD-A', { area: 'child_labour' }));
    const grant = await recordGrant(t.db, system, grantProps(donor.code, { reference: 'QX-1', totalMinor: 10_000_000, periodStart: '2024-01-01', periodEnd: '2025-12-31', activities: ['OHS-A', 'CHILD-A'], areas: [] }));
    await setBudget(t.db, system, grant.id, [
      { activity: 'OHS-A', category: 'staff', year: 2024, amountMinor: 3_000_000 },
      { activity: 'OHS-A', category: 'equipment_supplies', year: 2025, amountMinor: 2_000_000 },
      { activity: 'CHILD-A', category: 'grants_to_partners', year: 2024, amountMinor: 1_000_000 },
    ]);
    await runCommand(t.db, system, (ctx) => recordGrantMoney(ctx, { grantId: grant.id, kind: 'commitment', amountMinor: 10_000_000, valueOn: '2024-01-15', reference: 'QX-1' }));
    await runCommand(t.db, system, (ctx) => recordGrantMoney(ctx, { grantId: grant.id, kind: 'receipt', amountMinor: 3_000_001, valueOn: '2024-02-01', reference: 'QX-1-T1' }));
    await runCommand(t.db, system, (ctx) =>
      recordPartnerCommitment(ctx, { reference: 'PC-QX', partner: partner.code, activity: 'CHILD-A', amountMinor: 500_000, currency: 'EUR', signedOn: '2024-03-01', description: 'Case management' }),
    );
    await recordSpending(t.db, system, spendingProps('CHILD-A', { organisation: partner.code }, { kind: 'disbursement', category: 'grants_to_partners', amountMinor: 200_000, spentOn: '2024-04-02', partnerCommitment: 'PC-QX', allocations: [{ grantId: grant.id, amountMinor: 200_000 }] }));
    await recordSpending(t.db, system, spendingProps('OHS-A', { organisation: secretariat.code }, { category: 'equipment_supplies', amountMinor: 90_000, spentOn: '2024-04-20', description: 'Helmets Qxorgdescription' }));
    await recordSpending(t.db, system, spendingProps('OHS-A', { individual: individuals[0]! }, { category: 'staff', amountMinor: 150_000, spentOn: '2024-05-10', description: secretDescriptions[0]!, allocations: [{ grantId: grant.id, amountMinor: 150_000 }] }));
    await recordSpending(t.db, system, spendingProps('OHS-A', { individual: individuals[1]! }, { category: 'staff', amountMinor: 250_000, spentOn: '2024-05-20', description: secretDescriptions[1]! }));
    await recordSpending(t.db, system, spendingProps('OHS-A', { individual: individuals[0]! }, { category: 'staff', amountMinor: 150_000, spentOn: '2024-06-10', description: secretDescriptions[0]! }));
    await recordSpending(t.db, system, spendingProps('OHS-A', { organisation: secretariat.code }, { category: 'travel', amountMinor: 12_345, currency: 'USD', spentOn: '2024-06-01' }));
  });

  it('stays valid against the schema and the codelists with budgets, transactions and locations', async () => {
    expect(await iatiActivityFileProblems(await activitiesFile())).toEqual([]);
    expect(await iatiOrganisationFileProblems(await (await t.app.request('/iati/organisation.xml')).text())).toEqual([]);
  });

  it('gives each activity the currency of most of its amounts, and names the currency of any other value', async () => {
    const ohs = activityElement(await activitiesFile(), 'OHS-A');
    expect(ohs).toContain('default-currency="EUR"');
    expect(ohs).toContain('<value currency="USD" value-date="2024-06-01">123.45</value>');
    expect(ohs).not.toMatch(/[^-]currency="EUR"/);
  });

  it('dates each activity by its latest record, its money included, so that a reader of the file sees it changed', async () => {
    const [latest] = rowsOf<{ at: Date | string }>(
      await t.db.execute(sql`select max(e.created_at) as at from finance_expenditures e join finance_activities a on a.id = e.activity_id where a.code = 'OHS-A'`),
    );
    const stated = /last-updated-datetime="([^"]+)"/.exec(activityElement(await activitiesFile(), 'OHS-A'))![1]!;
    expect(stated).toBe(new Date(latest!.at).toISOString());
  });

  it('places an activity at its sites by name and town, without coordinates, since the public site page shows none', async () => {
    const ohs = activityElement(await activitiesFile(), 'OHS-A');
    expect(ohs).toMatch(/<location ref="KAM">\s*<name>\s*<narrative>Site KAM<\/narrative>\s*<\/name>\s*<description>\s*<narrative>Kolwezi, Lualaba<\/narrative>/);
    expect(ohs).not.toMatch(/<point|<pos|-10\.7167|25\.4722/);
    expect(activityElement(await activitiesFile(), 'CHILD-A')).not.toContain('<location');
  });

  it('publishes the grant budget per activity and year, with its period and value date', async () => {
    const ohs = activityElement(await activitiesFile(), 'OHS-A');
    expect(ohs).toMatch(/<budget type="1" status="2">\s*<period-start iso-date="2024-01-01"\/>\s*<period-end iso-date="2024-12-31"\/>\s*<value value-date="2024-01-01">30000.00<\/value>/);
    expect(ohs).toMatch(/<budget type="1" status="2">\s*<period-start iso-date="2025-01-01"\/>\s*<period-end iso-date="2025-12-31"\/>\s*<value value-date="2025-01-01">20000.00<\/value>/);
    expect(activityElement(await activitiesFile(), 'CHILD-A')).toMatch(/<period-start iso-date="2024-01-01"\/>\s*<period-end iso-date="2024-12-31"\/>\s*<value value-date="2024-01-01">10000.00<\/value>/);
  });

  it('shares a grant’s commitment and receipts among the activities it funds by their budgets, to the cent', async () => {
    const xml = await activitiesFile();
    const all = ['OHS-A', 'CHILD-A'].flatMap((code) => transactionsOf(activityElement(xml, code)));
    expect(sumAmounts(all.filter((tx) => tx.type === 11).map((tx) => tx.amount))).toBe(10_000_000n);
    expect(sumAmounts(all.filter((tx) => tx.type === 1).map((tx) => tx.amount))).toBe(3_000_001n);
    // Budgets of 5,000,000 and 1,000,000 cents: five sixths and one sixth.
    expect(transactionsOf(activityElement(xml, 'OHS-A')).filter((tx) => tx.type === 11).map((tx) => tx.amount)).toEqual(['83333.33']);
    expect(transactionsOf(activityElement(xml, 'CHILD-A')).find((tx) => tx.type === 11)!.body).toContain('<narrative>Foundation Qxdonor</narrative>');
    expect(splitByWeights(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(splitByWeights(7, [0, 0])).toEqual([0, 0]);
  });

  it('publishes the partner commitment and disbursement with the partner named, and expenditure to organisations with its category only', async () => {
    const child = transactionsOf(activityElement(await activitiesFile(), 'CHILD-A'));
    expect(child.map((tx) => [tx.type, tx.date, tx.amount])).toEqual([
      [11, '2024-01-15', '16666.67'],
      [1, '2024-02-01', '5000.00'],
      [2, '2024-03-01', '5000.00'],
      [3, '2024-04-02', '2000.00'],
    ]);
    for (const tx of child.filter((t) => t.type === 2 || t.type === 3)) expect(tx.body).toContain('<receiver-org>\n');
    expect(child.find((tx) => tx.type === 3)!.body).toContain('<narrative>Partner Qxngo</narrative>');
    const ohs = transactionsOf(activityElement(await activitiesFile(), 'OHS-A'));
    const helmets = ohs.find((tx) => tx.date === '2024-04-20')!;
    expect(helmets.body).toContain('<narrative xml:lang="en">Equipment and supplies</narrative>');
    expect(helmets.body).toContain('<narrative xml:lang="fr">Équipement et fournitures</narrative>');
    expect(helmets.body).not.toContain('Qxorgdescription');
  });

  it('sums payments to individuals per year over every category, naming no person and none of their descriptions, and showing no month’s pay', async () => {
    const xml = await activitiesFile();
    const toPeople = transactionsOf(activityElement(xml, 'OHS-A')).filter((tx) => tx.body.includes('Payments to individuals'));
    expect(toPeople.map((tx) => [tx.type, tx.date, tx.amount])).toEqual([[4, '2024-06-10', '5500.00']]);
    expect(toPeople[0]!.body).toContain('<narrative xml:lang="en">Payments to individuals in 2024, all cost categories together</narrative>');
    expect(toPeople[0]!.body).toContain('<narrative xml:lang="fr">Paiements à des personnes en 2024, toutes catégories de coûts confondues</narrative>');
    for (const tx of toPeople) expect(tx.body).not.toMatch(/receiver-org|ref=/);
    const organisationFile = await (await t.app.request('/iati/organisation.xml')).text();
    for (const file of [xml, organisationFile]) for (const secret of [...individuals, ...secretDescriptions, 'Qxperson', 'Qxsecret']) expect(file).not.toContain(secret);
  });

  it('totals the budget, the DR Congo’s budget and the expenditure per year in the organisation file exactly as the records sum', async () => {
    const xml = await (await t.app.request('/iati/organisation.xml')).text();
    const recorded = await recordedTotals();
    expect(yearlyFigures(xml, 'total-budget')).toEqual(recorded.budgets);
    expect(yearlyFigures(xml, 'recipient-country-budget')).toEqual(recorded.budgets);
    expect(yearlyFigures(xml, 'total-expenditure')).toEqual(recorded.spent);
    expect(recorded.budgets).toEqual(['2024 EUR 40000.00', '2025 EUR 20000.00']);
    expect(recorded.spent).toEqual(['2024 EUR 8400.00', '2024 USD 123.45']);
    expect(xml).toContain('<recipient-country code="CD"/>');
    expect(xml).toMatch(/<document-link format="text\/html" url="[^"]+\/finance\/public">\s*<title>\s*<narrative xml:lang="en">Impact and Finance Report<\/narrative>/);
    expect(xml).toContain('<category code="B01"/>');
  });

  it('stays valid, private and exact for randomly generated finance (fixed seed)', async () => {
    const currencies = ['EUR', 'USD', 'CHF', 'JPY'] as const;
    const codes = ['RF-A', 'RF-B', 'RF-C'];
    for (const [index, code] of codes.entries()) await recordActivity(t.db, system, activityProps(code, { area: allianceProgrammeAreas[index]!.code, sites: index === 0 ? ['MTX', 'KSB'] : [] }));
    const day = fc.date({ min: new Date('2023-01-01T00:00:00Z'), max: new Date('2025-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    const finance = fc.record({
      currency: fc.constantFrom(...currencies),
      funded: fc.subarray(codes, { minLength: 1 }),
      lines: fc.array(fc.record({ pick: fc.nat(), category: fc.constantFrom(...costCategories), year: fc.integer({ min: 2023, max: 2025 }), amountMinor: fc.integer({ min: 0, max: 50_000_000 }) }), { maxLength: 6 }),
      receipts: fc.array(fc.record({ on: day, amountMinor: fc.integer({ min: 1, max: 100_000_000 }) }), { maxLength: 2 }),
      spending: fc.array(
        fc.record({
          on: day,
          activity: fc.constantFrom(...codes),
          currency: fc.constantFrom(...currencies),
          amountMinor: fc.integer({ min: 1, max: 10_000_000_000 }),
          category: fc.constantFrom(...costCategories),
          toPerson: fc.boolean(),
          toGrant: fc.boolean(),
        }),
        { maxLength: 6 },
      ),
    });
    let sequence = 0;
    await fc.assert(
      fc.asyncProperty(finance, async (props) => {
        const run = ++sequence;
        const grant = await recordGrant(t.db, system, grantProps(donor.code, { reference: `RF-${run}`, currency: props.currency, totalMinor: 400_000_000, periodStart: '2023-01-01', periodEnd: '2025-12-31', activities: props.funded, areas: [] }));
        const lines = new Map(props.lines.map((line) => [`${props.funded[line.pick % props.funded.length]}|${line.category}|${line.year}`, line]));
        if (lines.size > 0) await setBudget(t.db, system, grant.id, [...lines].map(([key, line]) => ({ activity: key.split('|')[0]!, category: line.category, year: line.year, amountMinor: line.amountMinor })));
        await runCommand(t.db, system, (ctx) => recordGrantMoney(ctx, { grantId: grant.id, kind: 'commitment', amountMinor: 400_000_000, valueOn: '2023-01-02', reference: `RF-${run}` }));
        for (const [index, receipt] of props.receipts.entries()) await runCommand(t.db, system, (ctx) => recordGrantMoney(ctx, { grantId: grant.id, kind: 'receipt', ...receipt, valueOn: receipt.on, reference: `RF-${run}-T${index}` }));
        const people: string[] = [];
        for (const [index, spend] of props.spending.entries()) {
          const person = `Qxrandomperson ${run}-${index}`;
          if (spend.toPerson) people.push(person);
          const toGrant = spend.toGrant && spend.currency === props.currency && props.funded.includes(spend.activity);
          await recordSpending(
            t.db,
            system,
            spendingProps(spend.activity, spend.toPerson ? { individual: person } : { organisation: secretariat.code }, {
              reference: `RF-${run}-${index}`,
              spentOn: spend.on,
              currency: spend.currency,
              amountMinor: spend.amountMinor,
              category: spend.category,
              description: `Qxrandomdescription ${run}-${index}`,
              allocations: [{ grantId: toGrant ? grant.id : null, amountMinor: spend.amountMinor }],
            }),
          );
        }
        const activities = await activitiesFile();
        const organisation = await (await t.app.request('/iati/organisation.xml')).text();
        expect(await iatiActivityFileProblems(activities)).toEqual([]);
        expect(await iatiOrganisationFileProblems(organisation)).toEqual([]);
        for (const file of [activities, organisation]) expect(file).not.toMatch(/Qxrandomperson|Qxrandomdescription/);
        const recorded = await recordedTotals();
        expect(yearlyFigures(organisation, 'total-budget')).toEqual(recorded.budgets);
        expect(yearlyFigures(organisation, 'total-expenditure')).toEqual(recorded.spent);
        const incoming = codes.flatMap((code) => transactionsOf(activityElement(activities, code))).filter((tx) => tx.type === 11 && tx.currency === props.currency);
        expect(incoming.length).toBeGreaterThan(0);
      }),
      { seed: 13, numRuns: 8 },
    );
  });
});

describe('The IATI files of the demo', () => {
  let demo: TestContext;
  beforeAll(async () => {
    demo = await createTestContext();
    const needed = new Set(['accounts', 'journal', 'files', 'sites', 'rates', 'finance']);
    await loadDemo(demo.handle, demo.keyring, modules.filter((m) => needed.has(m.name)), { force: true });
  }, 600_000);
  afterAll(() => demo?.close());

  it('are both valid against the schemas and the codelists, and name no person nor what was paid to one', async () => {
    const activities = await (await demo.app.request('/iati/activities.xml')).text();
    const organisation = await (await demo.app.request('/iati/organisation.xml')).text();
    expect(await iatiActivityFileProblems(activities)).toEqual([]);
    expect(await iatiOrganisationFileProblems(organisation)).toEqual([]);
    const paidToPeople = rowsOf<{ name: string; description: string }>(await demo.db.execute(sql`select payee_individual_name as name, description from finance_expenditures where payee_individual_name is not null`));
    expect(paidToPeople.length).toBeGreaterThan(0);
    const secrets = [...paidToPeople.flatMap((row) => [row.name, row.description]), ...demoUsers.flatMap((user) => [user.displayName, user.email])];
    for (const file of [activities, organisation]) for (const secret of secrets) expect(file).not.toContain(secret);
    expect(activityElement(activities, 'CREDIT-DIGITAL')).toContain('default-currency="EUR"');
    expect(transactionsOf(activityElement(activities, 'CREDIT-DIGITAL')).map((tx) => tx.type)).toEqual(expect.arrayContaining([11, 1, 4]));
    expect(transactionsOf(activityElement(activities, 'CHILD-REMEDIATION')).map((tx) => tx.type)).toEqual(expect.arrayContaining([11, 1, 2, 3]));
    expect(organisation).toMatch(/<total-budget status="2">/);
    expect(organisation).toMatch(/<total-expenditure>/);
  });
});
