import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import { loggableError } from '../../core/errors.ts';
import { runCommand } from '../../journal/public.ts';
import type { AppEnv } from '../../web/context.ts';
import { errorResponses, jsonResponse, signedInSecurity } from '../../web/openapi.ts';
import { cancelUnits } from '../commands/cancel-units.ts';
import { finishRetirement } from '../commands/finish-retirement.ts';
import { issueBatch } from '../commands/issue-batch.ts';
import type { EventRange } from '../commands/ledger.ts';
import { retireCredits } from '../commands/retire-credits.ts';
import { reverseTransfer } from '../commands/reverse-transfer.ts';
import { transferCredits, type Transfer } from '../commands/transfer-credits.ts';
import { rangeSerials } from '../serials.ts';

/**
 * Quantities are checked by the commands, not the schema, so that a quantity of 0 or 1.5 gets the
 * registry's own `quantity_invalid` like every other rule on quantities.
 */
const QuantityKg = z.number().openapi({ description: 'Whole kilograms of contained metal above zero (1 credit = 1,000 kg)', example: 2500 });
const Id = z.number().int();

const NamedRange = z.strictObject({ batchId: Id, firstUnit: z.number().int(), lastUnit: z.number().int() }).openapi({ description: 'Units first..last of a batch, all in one held block of the account' });
const Blocks = z.array(NamedRange).openapi({ description: 'Named serial ranges (up to 1,000), instead of a quantity' });

const Range = z.object({ batchId: Id, serials: z.string().openapi({ example: 'RMC-CO-CD-KAM-2023-0001-1-2500' }), firstUnit: z.number().int(), lastUnit: z.number().int(), quantityKg: z.number().int() });

const Batch = z
  .object({
    id: Id,
    serialPrefix: z.string().openapi({ example: 'RMC-CO-CD-KAM-2023-0001' }),
    serials: z.string(),
    mineral: z.string(),
    site: z.string(),
    country: z.string(),
    vintage: z.number().int(),
    period: z.object({ start: z.string(), end: z.string() }),
    verificationStatementId: Id,
    quantityKg: z.number().int(),
    issuedAt: z.string(),
  })
  .openapi('IssuedCreditBatch');

const TransferResult = z
  .object({ id: Id, fromAccountId: Id, toAccountId: Id, quantityKg: z.number().int(), reversesTransferId: Id.nullable(), reason: z.string().nullable(), createdAt: z.string(), ranges: z.array(Range) })
  .openapi('CreditTransfer');

const RetirementResult = z
  .object({
    id: Id,
    accountId: Id,
    quantityKg: z.number().int(),
    beneficiary: z.string(),
    claimPeriod: z.object({ start: z.string(), end: z.string() }),
    covers: z.string(),
    footprintReference: z.string().nullable(),
    publicStatement: z.string(),
    retiredAt: z.string(),
    ranges: z.array(Range),
    serials: z.array(z.string()).openapi({ description: 'The retired serial ranges, as text' }),
    certificateUrl: z.string().openapi({ example: '/certificates/12' }),
    certificateApiUrl: z.string().openapi({ example: '/api/v1/certificates/12' }),
  })
  .openapi('CreditRetirementReceipt');

const CancellationResult = z
  .object({ id: Id, batchId: Id, quantityKg: z.number().int(), reason: z.string(), createdAt: z.string(), ranges: z.array(Range) })
  .openapi('CreditCancellation');

const transferAccounts = { fromAccountId: Id, toAccountId: Id };
const TransferBody = z.union([z.strictObject({ ...transferAccounts, quantityKg: QuantityKg }), z.strictObject({ ...transferAccounts, blocks: Blocks })]);

const claim = {
  accountId: Id,
  beneficiary: z.string().openapi({ description: 'Legal name of the company the claim is made for (public)', example: 'Fairphone B.V.' }),
  claimPeriodStart: z.string().openapi({ example: '2023-01-01' }),
  claimPeriodEnd: z.string().openapi({ example: '2023-12-31' }),
  covers: z.string().openapi({ description: 'A product line and its units, or “total use”', example: 'total use' }),
  footprintReference: z.string().nullable().optional(),
  publicStatement: z.string().optional(),
};
const RetireBody = z.union([z.strictObject({ ...claim, quantityKg: QuantityKg }), z.strictObject({ ...claim, blocks: Blocks })]);

const IssueBody = z.strictObject({ statementId: Id, quantityKg: QuantityKg });
const CancelBody = z.strictObject({ batchId: Id, quantityKg: QuantityKg, reason: z.string().openapi({ description: 'What was wrong with the issuance (public, up to 500 characters)' }) });
const ReverseBody = z.strictObject({ reason: z.string().openapi({ description: 'Why the transfer is undone (public, up to 500 characters)' }) });

const presentRanges = (ranges: readonly EventRange[]) => ranges.map((r) => ({ ...r, quantityKg: r.lastUnit - r.firstUnit + 1 }));

const presentTransfer = (t: Transfer) => ({
  id: t.id,
  fromAccountId: t.fromAccountId,
  toAccountId: t.toAccountId,
  quantityKg: t.quantityKg,
  reversesTransferId: t.reversesTransferId,
  reason: t.reason,
  createdAt: t.createdAt.toISOString(),
  ranges: presentRanges(t.ranges),
});

/** What follows a committed retirement (its checkpoint and certificate); a failure there is logged, never answered as an error, since the retirement stands. */
async function finishCommittedRetirement(c: Context<AppEnv>, retirementId: number) {
  const deps = c.get('deps');
  try {
    await finishRetirement(deps, retirementId);
  } catch (error) {
    deps.logger.error({ requestId: c.get('requestId'), retirementId, err: loggableError(error) }, 'finishing a retirement failed');
  }
}

/** Issuing batches, transfers and their reversal, retirements and cancellations. */
export function registerOperationsApi(api: OpenAPIHono<AppEnv>): void {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/batches',
      tags: ['Registry operations'],
      summary: 'Issue a batch from a signed verification statement into the issuance account (the secretariat)',
      description: 'Refused with `quantity_invalid`, `verification_not_found`, `exceeds_issuable_quantity` (with `remainingKg`) or `verification_signature_invalid`.',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: IssueBody } }, required: true } },
      responses: { 201: jsonResponse(Batch, 'Issued'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'registry.issue');
      const batch = await runCommand(c.get('deps').db, actor, (ctx) => issueBatch(ctx, c.req.valid('json')));
      return c.json(
        {
          id: batch.id,
          serialPrefix: batch.serialPrefix,
          serials: rangeSerials(batch.serialPrefix, { first: 1, last: batch.quantityKg }),
          mineral: batch.mineral,
          site: batch.siteCode,
          country: batch.country,
          vintage: batch.vintage,
          period: { start: batch.periodStart, end: batch.periodEnd },
          verificationStatementId: batch.statementId,
          quantityKg: batch.quantityKg,
          issuedAt: batch.issuedAt.toISOString(),
        },
        201,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/transfers',
      tags: ['Registry operations'],
      summary: 'Transfer credits between approved accounts, by quantity (first in, first out) or by named serial ranges (the sending account’s holder, or the secretariat)',
      description:
        'Refused with `insufficient_credits`, `range_not_held`, `ranges_invalid`, `quantity_invalid`, `same_account`, `account_not_approved`, `account_suspended`, `account_not_found`, `not_account_holder` or `issuance_account_admin_only`; nothing changes.',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: TransferBody } }, required: true } },
      responses: { 201: jsonResponse(TransferResult, 'Transferred'), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'registry.transfer');
      const transfer = await runCommand(c.get('deps').db, actor, (ctx) => transferCredits(ctx, c.req.valid('json')));
      return c.json(presentTransfer(transfer), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/transfers/{id}/reversal',
      tags: ['Registry operations'],
      summary: 'Reverse a transfer with a compensating transfer of the same units back (the secretariat)',
      description: 'Refused with `transfer_not_reversible` (the receiver no longer holds all the units), `transfer_already_reversed`, `transfer_is_reversal`, `transfer_not_found` or `reason_required`.',
      security: signedInSecurity,
      request: { params: z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) }), body: { content: { 'application/json': { schema: ReverseBody } }, required: true } },
      responses: { 201: jsonResponse(TransferResult, 'The compensating transfer'), ...errorResponses(400, 401, 403, 404, 409, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'registry.transfer.reverse');
      const reversal = await runCommand(c.get('deps').db, actor, (ctx) => reverseTransfer(ctx, { transferId: c.req.valid('param').id, reason: c.req.valid('json').reason }));
      return c.json(presentTransfer(reversal), 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/retirements',
      tags: ['Registry operations'],
      summary: 'Retire credits from an approved account against a claim; irreversible (the account’s holder, or the secretariat)',
      description:
        'By quantity (first in, first out) or by named serial ranges. Answers with the retired serials and where to find the certificate. Refused with `beneficiary_required`, `claim_period_invalid`, `covers_required`, `claim_text_too_long`, `insufficient_credits`, `range_not_held`, `ranges_invalid`, `quantity_invalid`, `account_not_approved`, `account_suspended`, `account_not_found` or `not_account_holder`; nothing changes.',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: RetireBody } }, required: true } },
      responses: { 201: jsonResponse(RetirementResult, 'Retired'), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'registry.retire');
      const retirement = await runCommand(c.get('deps').db, actor, (ctx) => retireCredits(ctx, c.req.valid('json')));
      await finishCommittedRetirement(c, retirement.id);
      return c.json(
        {
          id: retirement.id,
          accountId: retirement.accountId,
          quantityKg: retirement.quantityKg,
          beneficiary: retirement.beneficiary,
          claimPeriod: { start: retirement.claimPeriodStart, end: retirement.claimPeriodEnd },
          covers: retirement.covers,
          footprintReference: retirement.footprintReference,
          publicStatement: retirement.publicStatement,
          retiredAt: retirement.createdAt.toISOString(),
          ranges: presentRanges(retirement.ranges),
          serials: retirement.ranges.map((r) => r.serials),
          certificateUrl: `/certificates/${retirement.id}`,
          certificateApiUrl: `/api/v1/certificates/${retirement.id}`,
        },
        201,
      );
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/registry/cancellations',
      tags: ['Registry operations'],
      summary: 'Cancel units issued in error that are still in the issuance account, highest serials first; the verification statement may issue them again (the secretariat)',
      description: 'Refused with `exceeds_cancellable` (with `cancellableKg`), `batch_not_found`, `quantity_invalid` or `reason_required`.',
      security: signedInSecurity,
      request: { body: { content: { 'application/json': { schema: CancelBody } }, required: true } },
      responses: { 201: jsonResponse(CancellationResult, 'Cancelled'), ...errorResponses(400, 401, 403, 404, 422) },
    }),
    async (c) => {
      const actor = c.get('actor');
      authorize(actor, 'registry.cancel');
      const cancellation = await runCommand(c.get('deps').db, actor, (ctx) => cancelUnits(ctx, c.req.valid('json')));
      return c.json(
        { id: cancellation.id, batchId: cancellation.batchId, quantityKg: cancellation.quantityKg, reason: cancellation.reason, createdAt: cancellation.createdAt.toISOString(), ranges: presentRanges(cancellation.ranges) },
        201,
      );
    },
  );
}
