import { createHash, createPublicKey, verify } from 'node:crypto';
import { and, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { organisations } from '../../accounts/public.ts';
import { canonicalBytes } from '../../core/canonical-json.ts';
import type { Queryable } from '../../db/connect.ts';
import {
  assessmentResponses,
  assessments,
  organisationKeys,
  productionDeclarations,
  sites,
  standardCriteria,
  standardVersions,
  verificationDrafts,
  type KeyCustody,
  verificationDraws,
  verificationStatements,
  type ratings,
} from '../schema.ts';

/**
 * What a verifier signs: the RFC 8785 canonical JSON of this object is the statement. Its fields
 * are documented in docs/verifications.md, which is the format's reference.
 */
export type VerificationDocument = {
  type: 'orebook.verification-statement';
  version: 1;
  site: { code: string; name: string };
  mineral: string;
  period: { start: string; end: string };
  assessment: { id: number; standardVersion: string; baselineCriteria: string[] };
  verifier: { code: string; name: string };
  declaredKg: number;
  responsibleKg: number;
  statement: { en: string; fr: string };
  signedAt: string;
  key: { publicKey: string };
};

export const verificationDocumentType = 'orebook.verification-statement';

/** The document in a statement's stored bytes, or null when the bytes are not a statement document. */
export function parseVerificationDocument(bytes: Buffer): VerificationDocument | null {
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as Partial<VerificationDocument> | null;
    if (!parsed || typeof parsed !== 'object' || parsed.type !== verificationDocumentType || parsed.version !== 1) return null;
    return parsed as VerificationDocument;
  } catch {
    return null;
  }
}

/** Ed25519 public key from its raw 32 bytes. */
export function ed25519PublicKey(raw: Buffer) {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

export type SignatureCheck = {
  valid: boolean;
  /** Why not: `malformed_key`, `signature_mismatch`, `not_a_statement`, `not_canonical`, `key_mismatch` or `key_retired`. */
  reason?: 'malformed_key' | 'signature_mismatch' | 'not_a_statement' | 'not_canonical' | 'key_mismatch' | 'key_retired';
};

/**
 * Checks a statement as stored: the Ed25519 signature over the exact document bytes with the
 * stored key, that the document is canonical and names that same key, and that the key had not
 * been retired when the statement was signed.
 */
export function verifyStatementSignature(row: { document: Buffer; signature: Buffer; publicKey: Buffer; keyRetiredAt?: Date | null }): SignatureCheck {
  if (row.publicKey.length !== 32) return { valid: false, reason: 'malformed_key' };
  let signed: boolean;
  try {
    signed = verify(null, row.document, ed25519PublicKey(row.publicKey), row.signature);
  } catch {
    return { valid: false, reason: 'malformed_key' };
  }
  if (!signed) return { valid: false, reason: 'signature_mismatch' };
  const document = parseVerificationDocument(row.document);
  if (!document) return { valid: false, reason: 'not_a_statement' };
  if (!canonicalBytes(document).equals(row.document)) return { valid: false, reason: 'not_canonical' };
  if (document.key?.publicKey !== row.publicKey.toString('base64')) return { valid: false, reason: 'key_mismatch' };
  if (row.keyRetiredAt && row.keyRetiredAt.toISOString() <= document.signedAt) return { valid: false, reason: 'key_retired' };
  return { valid: true };
}

export const documentSha256 = (document: Buffer) => createHash('sha256').update(document).digest('hex');

// Qualified by hand: drizzle leaves columns unqualified in a one-table select, where "id" would be the draw's.
const drawnKg = sql<number>`(select coalesce(sum(d.quantity_kg), 0) from ${verificationDraws} d where d.statement_id = "verification_statements"."id")`.mapWith(Number);
const verifierOrganisations = alias(organisations, 'verifier_organisations');

function selectVerifications(db: Queryable, where: SQL | undefined) {
  return db
    .select({
      id: verificationStatements.id,
      siteId: verificationStatements.siteId,
      siteCode: sites.code,
      siteName: sites.name,
      siteCooperativeOrgId: sites.cooperativeOrganisationId,
      mineral: verificationStatements.mineral,
      periodStart: verificationStatements.periodStart,
      periodEnd: verificationStatements.periodEnd,
      assessmentId: verificationStatements.assessmentId,
      verifierOrganisationId: verificationStatements.verifierOrganisationId,
      verifierCode: verifierOrganisations.code,
      verifierName: verifierOrganisations.name,
      declaredKg: verificationStatements.declaredKg,
      responsibleKg: verificationStatements.responsibleKg,
      document: verificationStatements.document,
      signature: verificationStatements.signature,
      keyId: verificationStatements.keyId,
      publicKey: organisationKeys.publicKey,
      keyRetiredAt: organisationKeys.retiredAt,
      /** Who held the private key that signed: `registry` or `verifier`. */
      keyCustody: sql<KeyCustody>`${organisationKeys.custody}`,
      signedAt: verificationStatements.signedAt,
      drawnKg,
    })
    .from(verificationStatements)
    .innerJoin(sites, eq(sites.id, verificationStatements.siteId))
    .innerJoin(verifierOrganisations, eq(verifierOrganisations.id, verificationStatements.verifierOrganisationId))
    .innerJoin(organisationKeys, eq(organisationKeys.id, verificationStatements.keyId))
    .where(where)
    .orderBy(asc(verificationStatements.siteId), asc(verificationStatements.mineral), asc(verificationStatements.periodStart));
}

/** A signed statement with its site, verifier, key and how much has been drawn from it. Never the signing user. */
export type VerificationStatement = Awaited<ReturnType<typeof selectVerifications>>[number];

export async function getVerification(db: Queryable, id: number): Promise<VerificationStatement | undefined> {
  const [row] = await selectVerifications(db, eq(verificationStatements.id, id));
  return row;
}

export async function listVerifications(db: Queryable, filter: { siteId?: number; mineral?: string } = {}): Promise<VerificationStatement[]> {
  return selectVerifications(
    db,
    and(
      filter.siteId === undefined ? undefined : eq(verificationStatements.siteId, filter.siteId),
      filter.mineral === undefined ? undefined : eq(verificationStatements.mineral, filter.mineral),
    ),
  );
}

/**
 * What the registry may still issue from a statement: its responsible quantity less every draw
 * (issues count positive, cancellations negative); null when there is no such statement.
 */
export async function remainingIssuableKg(db: Queryable, statementId: number): Promise<number | null> {
  const [row] = await db
    .select({ responsibleKg: verificationStatements.responsibleKg, drawnKg })
    .from(verificationStatements)
    .where(eq(verificationStatements.id, statementId));
  return row ? row.responsibleKg - row.drawnKg : null;
}

/** The earliest statement of the site and mineral whose period shares a day with [start, end]. */
export async function findOverlappingStatement(db: Queryable, props: { siteId: number; mineral: string; start: string; end: string }) {
  const [row] = await db
    .select({ id: verificationStatements.id, periodStart: verificationStatements.periodStart, periodEnd: verificationStatements.periodEnd })
    .from(verificationStatements)
    .where(
      and(
        eq(verificationStatements.siteId, props.siteId),
        eq(verificationStatements.mineral, props.mineral),
        lte(verificationStatements.periodStart, props.end),
        gte(verificationStatements.periodEnd, props.start),
      ),
    )
    .orderBy(asc(verificationStatements.id))
    .limit(1);
  return row;
}

/** Declarations that count: a row stops counting once a later row corrects it. */
const notCorrected = sql`not exists (select 1 from ${productionDeclarations} c where c.corrects_id = ${productionDeclarations.id})`;

/** The same, for every mineral declared at the site in the period. */
export async function declaredContainedByMineral(db: Queryable, props: { siteId: number; start: string; end: string }) {
  return db
    .select({ mineral: productionDeclarations.mineral, containedKg: sql<number>`sum(${productionDeclarations.containedKg})`.mapWith(Number) })
    .from(productionDeclarations)
    .where(
      and(
        eq(productionDeclarations.siteId, props.siteId),
        gte(productionDeclarations.producedOn, props.start),
        lte(productionDeclarations.producedOn, props.end),
        notCorrected,
      ),
    )
    .groupBy(productionDeclarations.mineral)
    .orderBy(asc(productionDeclarations.mineral));
}

export type BaselineCriterion = { code: string; textEn: string; textFr: string; rating: (typeof ratings)[number] | null };

/** Passing ratings for a baseline criterion: a criterion that does not apply to the site cannot fail it. */
const passingRatings: readonly string[] = ['met', 'not_applicable'];

/**
 * The baseline criteria of the assessment's standard version, in the standard's order, with the
 * assessment's rating of each (null when not rated), and the codes of those that fail.
 */
export async function baselineStatus(db: Queryable, assessmentId: number): Promise<{ criteria: BaselineCriterion[]; failing: string[] }> {
  const criteria = await db
    .select({ code: standardCriteria.code, textEn: standardCriteria.textEn, textFr: standardCriteria.textFr, rating: assessmentResponses.rating })
    .from(assessments)
    .innerJoin(standardCriteria, and(eq(standardCriteria.versionId, assessments.standardVersionId), eq(standardCriteria.level, 'baseline')))
    .leftJoin(assessmentResponses, and(eq(assessmentResponses.assessmentId, assessments.id), eq(assessmentResponses.criterionId, standardCriteria.id)))
    .where(eq(assessments.id, assessmentId))
    .orderBy(asc(standardCriteria.position), asc(standardCriteria.code));
  return { criteria, failing: criteria.filter((c) => c.rating === null || !passingRatings.includes(c.rating)).map((c) => c.code) };
}

/** An assessment with what a statement needs from it: its site, standard version and verifier organisation. */
export async function assessmentForVerification(db: Queryable, assessmentId: number) {
  const [row] = await db
    .select({
      id: assessments.id,
      status: assessments.status,
      periodStart: assessments.periodStart,
      periodEnd: assessments.periodEnd,
      standardVersion: standardVersions.version,
      verifierOrganisationId: assessments.verifierOrganisationId,
      verifierCode: organisations.code,
      verifierName: organisations.name,
      site: { id: sites.id, code: sites.code, name: sites.name, status: sites.status, cooperativeOrganisationId: sites.cooperativeOrganisationId },
    })
    .from(assessments)
    .innerJoin(sites, eq(sites.id, assessments.siteId))
    .innerJoin(standardVersions, eq(standardVersions.id, assessments.standardVersionId))
    .innerJoin(organisations, eq(organisations.id, assessments.verifierOrganisationId))
    .where(eq(assessments.id, assessmentId));
  return row;
}

export async function findSiteByCode(db: Queryable, code: string) {
  const [row] = await db.select().from(sites).where(eq(sites.code, code));
  return row;
}


/** A statement prepared for its verifier to sign, with the key it names; for the verifier alone. */
export async function getVerificationDraft(db: Queryable, id: number) {
  const [row] = await db
    .select({
      id: verificationDrafts.id,
      siteCode: sites.code,
      siteName: sites.name,
      siteCooperativeOrgId: sites.cooperativeOrganisationId,
      mineral: verificationDrafts.mineral,
      periodStart: verificationDrafts.periodStart,
      periodEnd: verificationDrafts.periodEnd,
      assessmentId: verificationDrafts.assessmentId,
      verifierOrganisationId: verificationDrafts.verifierOrganisationId,
      verifierCode: organisations.code,
      responsibleKg: verificationDrafts.responsibleKg,
      declaredKg: verificationDrafts.declaredKg,
      document: verificationDrafts.document,
      keyId: verificationDrafts.keyId,
      publicKey: organisationKeys.publicKey,
      keyRetiredAt: organisationKeys.retiredAt,
      preparedAt: verificationDrafts.preparedAt,
      statementId: verificationDrafts.statementId,
    })
    .from(verificationDrafts)
    .innerJoin(sites, eq(sites.id, verificationDrafts.siteId))
    .innerJoin(organisations, eq(organisations.id, verificationDrafts.verifierOrganisationId))
    .innerJoin(organisationKeys, eq(organisationKeys.id, verificationDrafts.keyId))
    .where(eq(verificationDrafts.id, id));
  return row;
}
export type VerificationDraftView = NonNullable<Awaited<ReturnType<typeof getVerificationDraft>>>;
