import { randomBytes } from 'node:crypto';
import { rolesByOrganisationKind, type Actor, type OrganisationKind, type UserRole } from '../../src/core/auth/roles.ts';
import type { Database } from '../../src/db/connect.ts';
import { runCommand } from '../../src/journal/commands.ts';
import { approveAccount } from '../../src/registry/commands/approve-account.ts';
import { openAccount } from '../../src/registry/commands/open-account.ts';
import { signVerificationStatement } from '../../src/sites/commands/verifications/sign-verification-statement.ts';
import { assessmentResponses, assessments, productionDeclarations } from '../../src/sites/schema.ts';
import type { TestContext } from '../harness.ts';
import { system } from '../harness.ts';
import { insertSite } from './sites.ts';
import { insertPublishedStandard } from './standard.ts';

/** The first kind of organisation whose users may have the role (a field officer: the secretariat's). */
export const organisationKindFor = (role: UserRole): OrganisationKind =>
  (Object.entries(rolesByOrganisationKind).find(([, roles]) => roles.includes(role))?.[0] ?? 'secretariat') as OrganisationKind;

/** An actor of an organisation, as an API token would act: for calling commands directly. Without a kind, the organisation is of the first kind that has the role. */
export function actorOf(organisation: { id: number; code: string; kind?: OrganisationKind }, role: UserRole): Actor {
  return { kind: 'token', tokenId: 0, orgId: organisation.id, orgCode: organisation.code, orgKind: organisation.kind ?? organisationKindFor(role), role };
}

const siteCode = () => `R${randomBytes(3).toString('hex').toUpperCase().replace(/[^A-Z]/g, (digit) => String.fromCharCode(65 + Number(digit)))}`.slice(0, 6);

/**
 * A signed verification statement of `responsibleKg` of contained metal at a new site (of a new
 * cooperative, assessed by a new verifier against a new standard, baseline met, the production
 * declared): what the registry issues from, made the way the sites module makes it.
 */
export async function insertSignedStatement(
  t: Pick<TestContext, 'db' | 'buildOrganisation'>,
  props: { responsibleKg: number; mineral?: 'cobalt' | 'copper'; periodStart?: string; periodEnd?: string; site?: { id: number; code: string }; cooperativeCountry?: string },
) {
  const periodStart = props.periodStart ?? '2024-01-01';
  const periodEnd = props.periodEnd ?? '2024-12-31';
  const verifierOrganisation = await t.buildOrganisation({ kind: 'verifier' });
  const site = props.site ?? (await insertSite(t.db, { cooperativeOrganisationId: (await t.buildOrganisation({ kind: 'cooperative' })).id, code: siteCode() })).site;
  const { version, criteria } = await insertPublishedStandard(t.db);
  const [assessment] = await t.db
    .insert(assessments)
    .values({ siteId: site.id, verifierOrganisationId: verifierOrganisation.id, standardVersionId: version.id, periodStart, periodEnd, status: 'submitted', submittedAt: new Date() })
    .returning();
  await t.db.insert(assessmentResponses).values(criteria.map((criterion) => ({ assessmentId: assessment!.id, criterionId: criterion.id, rating: 'met' as const })));
  await t.db.insert(productionDeclarations).values({
    siteId: site.id,
    mineral: props.mineral ?? 'cobalt',
    producedOn: periodStart,
    wetOreKg: props.responsibleKg,
    dryOreKg: props.responsibleKg,
    gradeBasisPoints: 10_000,
    containedKg: props.responsibleKg,
    buyer: 'EGC',
  });
  const verifier = actorOf(verifierOrganisation, 'verifier');
  const statement = await runCommand(t.db, verifier, (ctx) =>
    signVerificationStatement(ctx, { assessmentId: assessment!.id, mineral: props.mineral ?? 'cobalt', periodStart, periodEnd, responsibleKg: props.responsibleKg }),
  );
  return { statement, site };
}

/** A holding account of the organisation, opened by it and approved by the secretariat. */
export async function openApprovedAccount(db: Database, organisation: { id: number; code: string }, name = 'Main') {
  const account = await runCommand(db, actorOf(organisation, 'buyer'), (ctx) =>
    openAccount(ctx, { name, legalName: `${organisation.code} SA`, country: 'FR', registrationNumber: `RCS ${organisation.id}`, contactEmail: `contact@${organisation.code}.example` }),
  );
  return runCommand(db, system, (ctx) => approveAccount(ctx, { accountId: account.id }));
}
