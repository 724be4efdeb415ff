import { declaredContainedKg } from '../queries/production.ts';
import { isIsoDate } from '../../core/calendar.ts';
import { createPrivateKey, sign } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { authorize } from '../../core/auth/policies.ts';
import type { Actor } from '../../core/auth/roles.ts';
import { canonicalBytes } from '../../core/canonical-json.ts';
import { notFound } from '../../core/errors.ts';
import { formatDate, formatNumber, formatTonnes } from '../../core/i18n/format.ts';
import { locales, type Localized } from '../../core/i18n/index.ts';
import type { Queryable } from '../../db/connect.ts';
import { databaseErrorCode } from '../../db/transaction.ts';
import { appendEvent, type CommandContext } from '../../journal/public.ts';
import { verificationError, verificationsText } from '../messages/verifications.ts';
import {
  assessmentForVerification,
  baselineStatus,
  documentSha256,
  findOverlappingStatement,
  verificationDocumentType,
  verifyStatementSignature,
  type VerificationDocument,
} from '../queries/verifications.ts';
import { listMinerals } from '../queries/production.ts';
import { organisationKeys, sites, verificationDraws, verificationStatements } from '../schema.ts';
import { ensureOrganisationKey } from './organisation-keys.ts';

export type SignVerificationProps = {
  /** The submitted assessment the statement rests on; it fixes the site, the standard version and the verifier organisation. */
  assessmentId: number;
  /** Mineral code, e.g. `cobalt`. */
  mineral: string;
  /** First and last day of the verified period (ISO dates, both included), within the assessment's period. */
  periodStart: string;
  periodEnd: string;
  /** Kilograms of contained metal produced responsibly in the period: above zero, at most what was declared. */
  responsibleKg: number;
};

/** Everything a statement will say, once every rule has been checked. */
export type VerificationPlan = SignVerificationProps & {
  site: { id: number; code: string; name: string };
  mineralLabel: Localized;
  assessment: { id: number; standardVersion: string };
  verifier: { id: number; code: string; name: string };
  baselineCriteria: string[];
  declaredKg: number;
};

const isPositiveKg = (value: number) => Number.isSafeInteger(value) && value > 0;

const overlapError = (statementId: number | null) =>
  verificationError('verification_period_overlaps', 409, () => ({ statementId: statementId ?? '?' }), { statementId });

/**
 * When a statement is signed at a site's address, the policy is asked of that site before it is
 * known to exist (so that its code cannot be probed), and an assessment of another site is not found.
 */
async function refuseAssessmentOfAnotherSite(ctx: CommandContext, siteCode: string, assessmentId: number): Promise<void> {
  const [site] = await ctx.tx.select({ id: sites.id, cooperativeOrganisationId: sites.cooperativeOrganisationId }).from(sites).where(eq(sites.code, siteCode));
  authorize(ctx.actor, 'verification.sign', { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw notFound();
  const assessment = await assessmentForVerification(ctx.tx, assessmentId);
  if (assessment?.site.id !== site.id) throw verificationError('assessment_not_found', 404, () => ({ id: assessmentId }));
}

/**
 * Checks every rule of a statement without writing anything, and returns what would be signed.
 * The confirmation page shows this plan; `signVerificationStatement` checks it again in its own
 * transaction.
 */
export async function planVerificationStatement(db: Queryable, actor: Actor, props: SignVerificationProps): Promise<VerificationPlan> {
  const assessment = await assessmentForVerification(db, props.assessmentId);
  if (!assessment) throw verificationError('assessment_not_found', 404, () => ({ id: props.assessmentId }));
  authorize(actor, 'verification.sign', { siteCooperativeOrgId: assessment.site.cooperativeOrganisationId });
  if (!('orgId' in actor) || actor.orgId !== assessment.verifierOrganisationId) throw verificationError('not_assessing_verifier', 403);
  const { site } = assessment;
  if (site.status !== 'active') {
    throw verificationError('site_not_active', 422, (locale) => ({ site: site.name, status: verificationsText.t(locale, `status_${site.status}`) }), { status: site.status });
  }
  if (assessment.status !== 'submitted') throw verificationError('assessment_not_submitted', 422);
  if (!isPositiveKg(props.responsibleKg)) throw verificationError('verification_quantity_invalid', 422);
  const [mineral] = await listMinerals(db, [props.mineral]);
  if (!mineral) throw verificationError('unknown_mineral', 422, () => ({ mineral: props.mineral }));
  const { periodStart: start, periodEnd: end } = props;
  if (!isIsoDate(start) || !isIsoDate(end) || start > end) throw verificationError('verification_period_invalid', 422);
  if (start < assessment.periodStart || end > assessment.periodEnd) {
    throw verificationError(
      'verification_period_outside_assessment',
      422,
      (locale) => ({ start: formatDate(locale, assessment.periodStart), end: formatDate(locale, assessment.periodEnd) }),
      { assessmentStart: assessment.periodStart, assessmentEnd: assessment.periodEnd },
    );
  }
  const baseline = await baselineStatus(db, assessment.id);
  if (baseline.failing.length > 0) throw verificationError('baseline_not_met', 422, () => ({ failing: baseline.failing.join(', ') }), { failing: baseline.failing });
  const overlapping = await findOverlappingStatement(db, { siteId: site.id, mineral: mineral.code, start, end });
  if (overlapping) throw overlapError(overlapping.id);
  const declaredKg = await declaredContainedKg(db, { siteId: site.id, mineral: mineral.code, from: start, to: end });
  if (props.responsibleKg > declaredKg) {
    throw verificationError('exceeds_declared_production', 422, (locale) => ({ declared: formatTonnes(locale, declaredKg) }), { declaredKg });
  }
  return {
    ...props,
    site: { id: site.id, code: site.code, name: site.name },
    mineralLabel: { en: mineral.labelEn, fr: mineral.labelFr },
    assessment: { id: assessment.id, standardVersion: assessment.standardVersion },
    verifier: { id: assessment.verifierOrganisationId, code: assessment.verifierCode, name: assessment.verifierName },
    baselineCriteria: baseline.criteria.map((criterion) => criterion.code),
    declaredKg,
  };
}

/** The one sentence the statement makes, in every language, as it will be signed. */
export function statementSentences(plan: VerificationPlan): Localized {
  const sentence = (locale: (typeof locales)[number]) =>
    verificationsText.t(locale, 'statement_sentence', {
      site: `${plan.site.name} (${plan.site.code})`,
      mineral: plan.mineralLabel[locale].toLocaleLowerCase(locale),
      start: formatDate(locale, plan.periodStart),
      end: formatDate(locale, plan.periodEnd),
      t: formatNumber(locale, plan.responsibleKg / 1000, { minimumFractionDigits: 3, maximumFractionDigits: 3 }),
    });
  return { en: sentence('en'), fr: sentence('fr') };
}

function statementDocument(plan: VerificationPlan, signedAt: Date, publicKey: Buffer): VerificationDocument {
  return {
    type: verificationDocumentType,
    version: 1,
    site: { code: plan.site.code, name: plan.site.name },
    mineral: plan.mineral,
    period: { start: plan.periodStart, end: plan.periodEnd },
    assessment: { id: plan.assessment.id, standardVersion: plan.assessment.standardVersion, baselineCriteria: plan.baselineCriteria },
    verifier: { code: plan.verifier.code, name: plan.verifier.name },
    declaredKg: plan.declaredKg,
    responsibleKg: plan.responsibleKg,
    statement: statementSentences(plan),
    signedAt: signedAt.toISOString(),
    key: { publicKey: publicKey.toString('base64') },
  };
}

export type SignedStatement = typeof verificationStatements.$inferSelect;

/**
 * The verifier states that every baseline criterion was met at the assessment's site for a
 * mineral and period, and confirms the quantity produced responsibly. The document is signed with
 * the verifier organisation's key and kept as the exact bytes that were signed. Refused (and
 * nothing written) when any rule of `planVerificationStatement` fails; two statements of one site
 * and mineral never overlap, even when signed at the same moment (the EXCLUDE constraint decides).
 */
export async function signVerificationStatement(ctx: CommandContext, { site: siteCode, ...props }: SignVerificationProps & { /** The site a URL names: the assessment must be of it. */ site?: string }): Promise<SignedStatement> {
  if (siteCode !== undefined) await refuseAssessmentOfAnotherSite(ctx, siteCode, props.assessmentId);
  const plan = await planVerificationStatement(ctx.tx, ctx.actor, props);
  const key = await ensureOrganisationKey(ctx, plan.verifier.id);
  const document = canonicalBytes(statementDocument(plan, ctx.now, key.publicKey));
  const signature = sign(null, document, createPrivateKey({ key: key.privateKeyPkcs8, format: 'der', type: 'pkcs8' }));
  let statement: SignedStatement;
  try {
    // A savepoint, so that when a concurrent signing got the period first we can still say which statement it was.
    statement = await ctx.tx.transaction(async (savepoint) => {
      const [row] = await savepoint
        .insert(verificationStatements)
        .values({
          siteId: plan.site.id,
          mineral: plan.mineral,
          periodStart: plan.periodStart,
          periodEnd: plan.periodEnd,
          assessmentId: plan.assessment.id,
          verifierOrganisationId: plan.verifier.id,
          declaredKg: plan.declaredKg,
          responsibleKg: plan.responsibleKg,
          document,
          signature,
          keyId: key.id,
          signedByUserId: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
          signedAt: ctx.now,
        })
        .returning();
      return row!;
    });
  } catch (error) {
    // exclusion_violation: verification_statements_no_overlap
    if (databaseErrorCode(error) !== '23P01') throw error;
    const other = await findOverlappingStatement(ctx.tx, { siteId: plan.site.id, mineral: plan.mineral, start: plan.periodStart, end: plan.periodEnd });
    throw overlapError(other?.id ?? null);
  }
  await appendEvent(ctx, {
    type: 'sites.verification_signed',
    subject: `verification:${statement.id}`,
    payload: {
      statementId: statement.id,
      site: plan.site.code,
      mineral: plan.mineral,
      period: { start: plan.periodStart, end: plan.periodEnd },
      responsibleKg: plan.responsibleKg,
      documentSha256: documentSha256(document),
      signature: signature.toString('base64'),
      verifier: plan.verifier.code,
      publicKey: key.publicKey.toString('base64'),
    },
  });
  return statement;
}

export type DrawProps = {
  statementId: number;
  /** Kilograms, above zero. */
  quantityKg: number;
  /** What the draw is for, e.g. the registry batch it issues or cancels (up to 200 characters). */
  reference: string;
};

export type Draw = { draw: typeof verificationDraws.$inferSelect; remainingKg: number };

/** Validates a draw and locks its statement, so that draws on one statement happen one after another. */
async function lockStatementForDraw(ctx: CommandContext, props: DrawProps) {
  if (!isPositiveKg(props.quantityKg)) throw verificationError('draw_quantity_invalid', 422);
  const reference = props.reference.trim();
  if (reference.length === 0 || reference.length > 200) throw verificationError('draw_reference_missing', 422);
  const [statement] = await ctx.tx
    .select({
      id: verificationStatements.id,
      responsibleKg: verificationStatements.responsibleKg,
      document: verificationStatements.document,
      signature: verificationStatements.signature,
      publicKey: organisationKeys.publicKey,
      keyRetiredAt: organisationKeys.retiredAt,
    })
    .from(verificationStatements)
    .innerJoin(organisationKeys, eq(organisationKeys.id, verificationStatements.keyId))
    .where(eq(verificationStatements.id, props.statementId))
    .for('update', { of: verificationStatements });
  if (!statement) throw verificationError('verification_not_found', 404, () => ({ id: props.statementId }));
  const [drawn] = await ctx.tx
    .select({ kg: sql<number>`coalesce(sum(${verificationDraws.quantityKg}), 0)`.mapWith(Number) })
    .from(verificationDraws)
    .where(eq(verificationDraws.statementId, statement.id));
  return { statement, drawnKg: drawn?.kg ?? 0, reference };
}

/**
 * Takes quantity from a statement when the registry issues credits from it. For the registry's
 * own issuing command: it runs in that command's transaction and appends no event (the issuing
 * event records the draw). Refused when the statement's signature does not verify, or when the
 * quantity is more than what remains; concurrent draws queue on the statement's row.
 */
export async function drawFromVerification(ctx: CommandContext, props: DrawProps): Promise<Draw> {
  const { statement, drawnKg, reference } = await lockStatementForDraw(ctx, props);
  if (!verifyStatementSignature(statement).valid) throw verificationError('verification_signature_invalid', 409, () => ({ id: statement.id }));
  const remainingKg = statement.responsibleKg - drawnKg;
  if (props.quantityKg > remainingKg) {
    throw verificationError('exceeds_issuable_quantity', 422, (locale) => ({ remaining: formatTonnes(locale, Math.max(0, remainingKg)), id: statement.id }), { remainingKg });
  }
  const [draw] = await ctx.tx.insert(verificationDraws).values({ statementId: statement.id, quantityKg: props.quantityKg, reference, createdAt: ctx.now }).returning();
  return { draw: draw!, remainingKg: remainingKg - props.quantityKg };
}

/**
 * Gives quantity back to a statement when the registry cancels units issued from it (a negative
 * draw). Like `drawFromVerification`, for the registry's own command, with no event of its own.
 * Never gives back more than has been drawn.
 */
export async function restoreToVerification(ctx: CommandContext, props: DrawProps): Promise<Draw> {
  const { statement, drawnKg, reference } = await lockStatementForDraw(ctx, props);
  if (props.quantityKg > drawnKg) {
    throw verificationError('exceeds_drawn_quantity', 422, (locale) => ({ drawn: formatTonnes(locale, Math.max(0, drawnKg)), id: statement.id }), { drawnKg });
  }
  const [draw] = await ctx.tx.insert(verificationDraws).values({ statementId: statement.id, quantityKg: -props.quantityKg, reference, createdAt: ctx.now }).returning();
  return { draw: draw!, remainingKg: statement.responsibleKg - drawnKg + props.quantityKg };
}
