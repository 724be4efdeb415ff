import { sql, TransactionRollbackError } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actorOf, insertSignedStatement } from '../../test/factories/registry.ts';
import { createTestContext, system, type TestContext } from '../../test/harness.ts';
import type { Actor } from '../core/auth/roles.ts';
import { AppError } from '../core/errors.ts';
import { runInvariants } from '../core/invariants.ts';
import { rowsOf, type Database } from '../db/connect.ts';
import { type CommandContext, journalSize, runCommand } from '../journal/public.ts';
import { approveAccount } from './commands/approve-account.ts';
import { cancelUnits } from './commands/cancel-units.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { openAccount, openIssuanceAccount } from './commands/open-account.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { reverseTransfer } from './commands/reverse-transfer.ts';
import { placeOrder } from './commands/sales/place-order.ts';
import { recordPayment } from './commands/sales/record-payment.ts';
import { setCreditPrice } from './commands/sales/set-credit-price.ts';
import { suspendAccount } from './commands/suspend-account.ts';
import { transferCredits } from './commands/transfer-credits.ts';
import { registryInvariants } from './invariants.ts';
import { accountBalance, getIssuanceAccount } from './queries/accounts.ts';
import { holdings } from './queries/ledger.ts';

/**
 * Random sequences of issuances, sales (an order and its payment), transfers (by quantity and by
 * named ranges), reversals, retirements, cancellations and suspensions across the issuance account and three holding
 * accounts. A model keeps, for every unit of every batch, who holds it or whether it is retired or
 * cancelled; each command must succeed exactly when the model says it can, take exactly the units
 * the model takes, and leave every registry invariant holding. Each sequence runs in a transaction
 * that is rolled back, so every run starts from the same empty ledger.
 */

/** An account by index (0 is the issuance account), or `holder`: one that holds credits, chosen by `seed`. */
type Source = number | 'holder';

type Step =
  | { kind: 'issue'; quantity: number }
  | { kind: 'transfer'; from: Source; to: number; quantity: number; seed: number }
  | { kind: 'sell'; to: number; quantity: number }
  | { kind: 'transfer_range'; from: Source; to: number; pick: number; offset: number; length: number }
  | { kind: 'retire'; account: Source; quantity: number; seed: number }
  | { kind: 'cancel'; pick: number; quantity: number }
  | { kind: 'reverse'; pick: number }
  | { kind: 'toggle_suspension'; account: number };

const account = fc.integer({ min: 0, max: 3 });
const holdingAccount = fc.integer({ min: 1, max: 3 });
// Mostly an account that holds something, so that most commands go through; sometimes any, so that refusals are tested too.
const source = (any: fc.Arbitrary<number>) => fc.oneof({ arbitrary: fc.constant('holder' as const), weight: 3 }, { arbitrary: any, weight: 1 });
const quantity = fc.integer({ min: 1, max: 120 });
const issueStep = fc.record({ kind: fc.constant('issue' as const), quantity: fc.integer({ min: 1, max: 400 }) });
const step: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: issueStep, weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('transfer' as const), from: source(account), to: account, quantity, seed: fc.nat() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('sell' as const), to: holdingAccount, quantity }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('transfer_range' as const), from: source(account), to: account, pick: fc.nat(), offset: fc.nat(), length: fc.nat() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('retire' as const), account: source(holdingAccount), quantity: fc.integer({ min: 1, max: 60 }), seed: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(), quantity }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant('toggle_suspension' as const), account: holdingAccount }), weight: 1 },
);
// Every sequence starts by issuing a batch and selling some of it to a holder, then goes anywhere.
const sale = fc.record({ kind: fc.constant('transfer' as const), from: fc.constant(0), to: holdingAccount, quantity, seed: fc.nat() });
const sequence = fc.tuple(issueStep, sale, fc.array(step, { minLength: 3, maxLength: 10 })).map(([first, second, rest]): Step[] => [first, second, ...rest]);

/** Where a unit is: held by an account (by index), retired from one, or cancelled. */
type Place = { state: 'held' | 'retired'; account: number } | { state: 'cancelled' };
type Unit = { batch: number; unit: number };
type ModelTransfer = { id: number; from: number; to: number; units: Unit[]; reversed: boolean; isReversal: boolean };

class Model {
  batches: { id: number; places: Place[] }[] = [];
  suspended = [false, false, false, false];
  transfers: ModelTransfer[] = [];

  /** The units an account holds, first in, first out: batches in issue order, units ascending. */
  held(accountIndex: number): Unit[] {
    return this.batches.flatMap((batch, b) => batch.places.flatMap((place, u) => (place.state === 'held' && place.account === accountIndex ? [{ batch: b, unit: u + 1 }] : [])));
  }

  isHeldBy(unit: Unit, accountIndex: number) {
    const place = this.batches[unit.batch]!.places[unit.unit - 1]!;
    return place.state === 'held' && place.account === accountIndex;
  }

  /** The account a step names; for `holder`, one of the candidates that holds units (the first candidate when none does). */
  resolve(source: Source, seed: number, candidates: readonly number[]): number {
    if (source !== 'holder') return source;
    const holding = candidates.filter((candidate) => this.held(candidate).length > 0);
    return holding.length === 0 ? candidates[0]! : holding[seed % holding.length]!;
  }

  place(units: readonly Unit[], place: Place) {
    for (const { batch, unit } of units) this.batches[batch]!.places[unit - 1] = place;
  }
}

let t: TestContext;
let statementId: number;
let siteId: number;
let issuanceId: number;
let holders: { id: number; code: string }[];

beforeAll(async () => {
  t = await createTestContext();
  await t.buildOrganisation({ kind: 'secretariat' });
  holders = await Promise.all([1, 2, 3].map(() => t.buildOrganisation({ kind: 'buyer' })));
  const signed = await insertSignedStatement(t, { responsibleKg: 1_000_000 });
  statementId = signed.statement.id;
  siteId = signed.site.id;
  await runCommand(t.db, system, (ctx) => setCreditPrice(ctx, { mineral: 'cobalt', vintage: 2024, currency: 'USD', rule: 'manual', pricePerTonneMinor: 500_000, reason: 'published price', registryFeeBasisPoints: 500 }));
  issuanceId = (await runCommand(t.db, system, (ctx) => openIssuanceAccount(ctx))).accountId;
});
afterAll(() => t?.close());

/** Runs `body` in a transaction that is always rolled back. */
async function inRolledBackTransaction(body: (db: Database) => Promise<void>) {
  try {
    await t.db.transaction(async (tx) => {
      await body(tx);
      tx.rollback();
    });
  } catch (error) {
    if (!(error instanceof TransactionRollbackError)) throw error;
  }
}

/** Runs one sequence against the database and the model; throws on the first difference. */
async function check(steps: Step[], db: Database) {
  const model = new Model();
  const accountIds = [issuanceId];
  const actors: Actor[] = [system];
  for (const holder of holders) {
    const opened = await runCommand(db, actorOf(holder, 'buyer'), (ctx) =>
      openAccount(ctx, { name: 'Main', legalName: `${holder.code} SA`, country: 'FR', registrationNumber: 'RCS 1', contactEmail: 'contact@example.test' }),
    );
    await runCommand(db, system, (ctx) => approveAccount(ctx, { accountId: opened.id }));
    accountIds.push(opened.id);
    actors.push(actorOf(holder, 'buyer'));
  }
  const unitsOf = (ranges: readonly { batchId: number; firstUnit: number; lastUnit: number }[]) =>
    ranges.flatMap((r) => {
      const batch = model.batches.findIndex((b) => b.id === r.batchId);
      return Array.from({ length: r.lastUnit - r.firstUnit + 1 }, (_, i) => ({ batch, unit: r.firstUnit + i }));
    });

  /** Runs a command; when the model expects an error, checks the code and that nothing was written. */
  async function attempt<T>(actor: Actor, expectedError: string | null, command: (ctx: CommandContext) => Promise<T>): Promise<T | null> {
    const before = await journalSize(db);
    try {
      const result = await runCommand(db, actor, command);
      expect(expectedError, 'the model expected a refusal').toBeNull();
      return result;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      expect(error.code).toBe(expectedError);
      expect(await journalSize(db)).toBe(before);
      return null;
    }
  }

  const transferError = (from: number, to: number) => (from === to ? 'same_account' : model.suspended[from] || model.suspended[to] ? 'account_suspended' : null);

  for (const s of steps) {
    switch (s.kind) {
      case 'issue': {
        const batch = await attempt(system, null, (ctx) => issueBatch(ctx, { statementId, quantityKg: s.quantity }));
        model.batches.push({ id: batch!.id, places: Array.from({ length: s.quantity }, () => ({ state: 'held', account: 0 }) as Place) });
        break;
      }
      case 'transfer': {
        const from = model.resolve(s.from, s.seed, [0, 1, 2, 3]);
        const held = model.held(from);
        const expected = transferError(from, s.to) ?? (held.length < s.quantity ? 'insufficient_credits' : null);
        const moved = await attempt(actors[from]!, expected, (ctx) => transferCredits(ctx, { fromAccountId: accountIds[from]!, toAccountId: accountIds[s.to]!, quantityKg: s.quantity }));
        if (moved) {
          expect(unitsOf(moved.ranges)).toEqual(held.slice(0, s.quantity));
          model.place(held.slice(0, s.quantity), { state: 'held', account: s.to });
          model.transfers.push({ id: moved.id, from, to: s.to, units: held.slice(0, s.quantity), reversed: false, isReversal: false });
        }
        break;
      }
      case 'sell': {
        // Every batch comes from one statement, so a sale takes the issuance account's units first in, first out.
        const available = model.held(0);
        const expected = model.suspended[s.to] ? 'account_suspended' : available.length < s.quantity ? 'exceeds_available' : null;
        const order = await attempt(actors[s.to]!, expected, (ctx) => placeOrder(ctx, { accountId: accountIds[s.to]!, siteId, mineral: 'cobalt', vintage: 2024, quantityKg: s.quantity }));
        if (!order) break;
        const paid = await attempt(system, null, (ctx) => recordPayment(ctx, { orderId: order.id, amountMinor: order.amountMinor, currency: order.currency, receivedOn: '2026-01-15', reference: 'bank transfer' }));
        const units = available.slice(0, s.quantity);
        expect(unitsOf(paid!.ranges)).toEqual(units);
        model.place(units, { state: 'held', account: s.to });
        model.transfers.push({ id: paid!.transferId, from: 0, to: s.to, units, reversed: false, isReversal: false });
        break;
      }
      case 'transfer_range': {
        const from = model.resolve(s.from, s.pick, [0, 1, 2, 3]);
        const blocks = await holdings(db, accountIds[from]!);
        if (blocks.length === 0) break;
        const block = blocks[s.pick % blocks.length]!;
        const firstUnit = block.firstUnit + (s.offset % block.quantityKg);
        const lastUnit = firstUnit + (s.length % (block.lastUnit - firstUnit + 1));
        const range = { batchId: block.batchId, firstUnit, lastUnit };
        const units = unitsOf([range]);
        expect(units.every((unit) => model.isHeldBy(unit, from)), 'the ledger says the source holds units the model does not').toBe(true);
        const moved = await attempt(actors[from]!, transferError(from, s.to), (ctx) => transferCredits(ctx, { fromAccountId: accountIds[from]!, toAccountId: accountIds[s.to]!, blocks: [range] }));
        if (moved) {
          model.place(units, { state: 'held', account: s.to });
          model.transfers.push({ id: moved.id, from, to: s.to, units, reversed: false, isReversal: false });
        }
        break;
      }
      case 'retire': {
        const retiring = model.resolve(s.account, s.seed, [1, 2, 3]);
        const held = model.held(retiring);
        const expected = model.suspended[retiring] ? 'account_suspended' : held.length < s.quantity ? 'insufficient_credits' : null;
        const retired = await attempt(actors[retiring]!, expected, (ctx) =>
          retireCredits(ctx, { accountId: accountIds[retiring]!, quantityKg: s.quantity, beneficiary: 'Beneficiary SA', claimPeriodStart: '2024-01-01', claimPeriodEnd: '2024-12-31', covers: 'total use' }),
        );
        if (retired) {
          expect(unitsOf(retired.ranges)).toEqual(held.slice(0, s.quantity));
          model.place(held.slice(0, s.quantity), { state: 'retired', account: retiring });
        }
        break;
      }
      case 'cancel': {
        if (model.batches.length === 0) break;
        const b = s.pick % model.batches.length;
        const inIssuance = model.held(0).filter((unit) => unit.batch === b).reverse();
        const cancelled = await attempt(system, inIssuance.length < s.quantity ? 'exceeds_cancellable' : null, (ctx) => cancelUnits(ctx, { batchId: model.batches[b]!.id, quantityKg: s.quantity, reason: 'issued in error' }));
        if (cancelled) {
          const expectedUnits = inIssuance.slice(0, s.quantity);
          expect(unitsOf(cancelled.ranges).sort((x, y) => x.unit - y.unit)).toEqual([...expectedUnits].sort((x, y) => x.unit - y.unit));
          model.place(expectedUnits, { state: 'cancelled' });
        }
        break;
      }
      case 'reverse': {
        if (model.transfers.length === 0) break;
        const original = model.transfers[s.pick % model.transfers.length]!;
        const expected = original.isReversal
          ? 'transfer_is_reversal'
          : original.reversed
            ? 'transfer_already_reversed'
            : original.units.every((unit) => model.isHeldBy(unit, original.to))
              ? null
              : 'transfer_not_reversible';
        const reversal = await attempt(system, expected, (ctx) => reverseTransfer(ctx, { transferId: original.id, reason: 'wrong account' }));
        if (reversal) {
          model.place(original.units, { state: 'held', account: original.from });
          original.reversed = true;
          model.transfers.push({ id: reversal.id, from: original.to, to: original.from, units: original.units, reversed: false, isReversal: true });
        }
        break;
      }
      case 'toggle_suspension': {
        const accountId = accountIds[s.account]!;
        await attempt(system, null, (ctx) => (model.suspended[s.account] ? approveAccount(ctx, { accountId }) : suspendAccount(ctx, { accountId })));
        model.suspended[s.account] = !model.suspended[s.account];
        break;
      }
    }
  }

  // Every unit is where the model says, and every balance is what the model counts.
  const blocks = rowsOf<{ batch_id: number; first_unit: number | string; last_unit: number | string; state: string; account_id: number }>(
    await db.execute(sql`select batch_id, first_unit, last_unit, state, account_id from credit_blocks where superseded_at is null`),
  );
  const actual = new Map<string, string>();
  for (const block of blocks) {
    const b = model.batches.findIndex((batch) => batch.id === Number(block.batch_id));
    for (let unit = Number(block.first_unit); unit <= Number(block.last_unit); unit++) {
      actual.set(`${b}:${unit}`, block.state === 'cancelled' ? 'cancelled' : `${block.state}:${accountIds.indexOf(Number(block.account_id))}`);
    }
  }
  const expected = new Map<string, string>();
  model.batches.forEach((batch, b) => batch.places.forEach((place, u) => expected.set(`${b}:${u + 1}`, place.state === 'cancelled' ? 'cancelled' : `${place.state}:${place.account}`)));
  expect(actual).toEqual(expected);
  for (const [index, id] of accountIds.entries()) {
    const retiredByModel = model.batches.reduce((sum, batch) => sum + batch.places.filter((p) => p.state === 'retired' && p.account === index).length, 0);
    expect(await accountBalance(db, id)).toEqual({ heldKg: model.held(index).length, retiredKg: retiredByModel });
  }
  const results = await runInvariants(db, registryInvariants);
  expect(results.filter((r) => r.problems.length > 0)).toEqual([]);
}

describe('The registry ledger under random sequences of commands', () => {
  it('keeps every unit where a simple model of unit sets puts it, and every invariant', async () => {
    expect(await getIssuanceAccount(t.db)).toMatchObject({ id: issuanceId });
    await fc.assert(
      fc.asyncProperty(sequence, async (steps) => {
        await inRolledBackTransaction((db) => check(steps, db));
      }),
      { numRuns: 30 },
    );
    const [live] = rowsOf<{ n: number }>(await t.db.execute(sql`select count(*)::int as n from credit_blocks`));
    expect(live!.n).toBe(0);
  });
});
