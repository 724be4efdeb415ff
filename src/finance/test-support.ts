import { readFileSync } from 'node:fs';
import { create } from 'xmlbuilder2';
import { validateXML } from 'xmllint-wasm';
import type { Actor } from '../core/auth/roles.ts';
import type { Database } from '../db/connect.ts';
import { runCommand } from '../journal/public.ts';
import type { ActivityProps } from './activity-input.ts';
import { createActivity } from './commands/create-activity.ts';
import { createProgrammeArea } from './commands/create-programme-area.ts';
import { iatiStandardDir, isActiveCode } from './iati/codelists.ts';
import { allianceProgrammeAreas } from './programme-areas.ts';

/** Sets up the alliance's six programme areas. */
export async function withProgrammeAreas(db: Database, actor: Actor): Promise<void> {
  for (const area of allianceProgrammeAreas) await runCommand(db, actor, (ctx) => createProgrammeArea(ctx, area));
}

/** An activity that the rules accept, at the given sites, with a funder named here and nothing else of note. */
export function activityProps(code: string, overrides: Partial<ActivityProps> = {}): ActivityProps {
  return {
    code,
    area: 'credit_mechanism',
    titleEn: 'Scale and digitise the cobalt credit mechanism',
    titleFr: 'Étendre et numériser le mécanisme de crédits cobalt',
    descriptionEn: 'Bring more sites into the credit mechanism and move its records online.',
    descriptionFr: 'Faire entrer plus de sites dans le mécanisme de crédits et mettre ses registres en ligne.',
    plannedStart: '2024-01-01',
    plannedEnd: '2026-12-31',
    actualStart: '2024-02-15',
    status: 2,
    sites: [],
    participants: [{ role: 1, name: 'European Partnership for Responsible Minerals' }],
    ...overrides,
  };
}

/** Records an activity as the actor. */
export const recordActivity = (db: Database, actor: Actor, props: ActivityProps) => runCommand(db, actor, (ctx) => createActivity(ctx, props));

/** Which codelist each code attribute of the activity and organisation files takes its values from (IATI 2.03 rulesets). */
const codeAttributes: Record<string, string> = {
  'iati-activities@version': 'Version',
  'iati-activity@xml:lang': 'Language',
  'iati-activity@default-currency': 'Currency',
  'iati-organisations@version': 'Version',
  'iati-organisation@xml:lang': 'Language',
  'iati-organisation@default-currency': 'Currency',
  'narrative@xml:lang': 'Language',
  'reporting-org@type': 'OrganisationType',
  'description@type': 'DescriptionType',
  'participating-org@role': 'OrganisationRole',
  'participating-org@type': 'OrganisationType',
  'activity-status@code': 'ActivityStatus',
  'activity-date@type': 'ActivityDateType',
  'recipient-country@code': 'Country',
  'sector@vocabulary': 'SectorVocabulary',
  'sector@code': 'Sector',
  'budget@type': 'BudgetType',
  'budget@status': 'BudgetStatus',
  'value@currency': 'Currency',
  'transaction-type@code': 'TransactionType',
  'total-budget@status': 'BudgetStatus',
  'recipient-country-budget@status': 'BudgetStatus',
  'document-link@format': 'FileFormat',
  'category@code': 'DocumentCategory',
  'language@code': 'Language',
  'result@type': 'ResultType',
  'indicator@measure': 'IndicatorMeasure',
};
/** Attributes that carry a code in IATI: any of them not in the table above fails the check, so a new element cannot slip by unchecked. */
const codeLikeAttributes = new Set(['code', 'type', 'role', 'vocabulary', 'version', 'default-currency', 'currency', 'xml:lang', 'status', 'format', 'measure']);

/**
 * Validates an IATI file as an IATI validator does: against the official XSD (with the WebAssembly
 * build of libxml2's xmllint) and every code attribute against its codelist (withdrawn codes
 * refused). Answers the problems found, none when the file is valid.
 */
async function iatiFileProblems(xml: string, schema: string): Promise<string[]> {
  const file = (name: string) => ({ fileName: name, contents: readFileSync(`${iatiStandardDir}${name}`, 'utf8') });
  const result = await validateXML({ xml: { fileName: 'iati.xml', contents: xml }, schema: file(schema), preload: [file('iati-common.xsd'), file('xml.xsd')] });
  const problems = result.errors.map((error) => `XSD: ${error.message}`);
  create(xml).root().each(
    (node) => {
      const element = node.node as unknown as Element;
      for (const attribute of Array.from(element.attributes ?? [])) {
        if (!codeLikeAttributes.has(attribute.name)) continue;
        const key = `${element.nodeName}@${attribute.name}`;
        const codelist = key === 'sector@code' && element.getAttribute('vocabulary') !== '1' ? undefined : codeAttributes[key];
        if (!codelist) problems.push(`${key}="${attribute.value}": no codelist checked for this attribute`);
        else if (!isActiveCode(codelist, attribute.value)) problems.push(`${key}="${attribute.value}": not an active code of ${codelist}`);
      }
    },
    true,
    true,
  );
  return problems;
}

/** The problems of an IATI activity file (iati-activities-schema.xsd and the codelists), none when valid. */
export const iatiActivityFileProblems = (xml: string) => iatiFileProblems(xml, 'iati-activities-schema.xsd');

/** The problems of an IATI organisation file (iati-organisations-schema.xsd and the codelists), none when valid. */
export const iatiOrganisationFileProblems = (xml: string) => iatiFileProblems(xml, 'iati-organisations-schema.xsd');
