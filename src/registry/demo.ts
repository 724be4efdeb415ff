import { demoActors } from '../accounts/public.ts';
import { runCommand } from '../journal/public.ts';
import { listVerifications } from '../sites/public.ts';
import type { DemoContext } from '../web/module.ts';
import { approveAccount } from './commands/approve-account.ts';
import { cancelUnits } from './commands/cancel-units.ts';
import { finishRetirement } from './commands/finish-retirement.ts';
import { calculateFootprint } from './commands/footprints/calculate-footprint.ts';
import { recordProductLine } from './commands/footprints/record-product-line.ts';
import { issueBatch } from './commands/issue-batch.ts';
import { openAccount } from './commands/open-account.ts';
import { retireCredits } from './commands/retire-credits.ts';
import { placeOrder } from './commands/sales/place-order.ts';
import { recordPayment } from './commands/sales/record-payment.ts';
import { recordReferencePrice } from './commands/sales/record-reference-price.ts';
import { setCreditPrice } from './commands/sales/set-credit-price.ts';

/** Yearly average cobalt prices of DOMAIN.md (standard grade, USD per tonne): good enough for the demo, not for real invoices. */
const cobaltPrices: [number, number][] = [
  [2019, 32_000],
  [2020, 31_500],
  [2021, 51_000],
  [2022, 63_500],
  [2023, 33_500],
  [2024, 24_500],
];
const priceSource = 'Public yearly averages of the standard-grade cobalt price (demo figures, rounded)';
const registryFeeBasisPoints = 500;
const usd = (dollars: number) => dollars * 100;

/**
 * The registry's demo: vintages 2023 to 2025 issued from the demo site's verifications (one
 * batch issued twice by mistake and cancelled), the price schedule with its provenance, the first
 * buyer (Fairphone) buying and retiring about 2.5 t against its whole 2023 use, and a battery
 * maker (Nordcell) with a 2025 footprint it has covered in part, and an order still unpaid.
 */
export async function loadRegistryDemo(ctx: DemoContext): Promise<void> {
  const admin = ctx.system;
  const actors = await demoActors(ctx);
  const fairphone = actors['buyer@orebook.demo']!;
  const nordcell = actors['buyer2@orebook.demo']!;

  // Issuance: one batch per verified statement, the whole verified quantity. For 2024 the
  // secretariat first issued all but 2 t, then issued those 2 t from the 2024 statement by mistake
  // (they were meant for 2025); the error is cancelled, and the statement's 2 t are issuable again.
  const statements = (await listVerifications(ctx.db, {})).filter((s) => s.siteCode === 'KAM' && s.mineral === 'cobalt');
  const vintages: number[] = [];
  for (const statement of statements.sort((a, b) => a.periodEnd.localeCompare(b.periodEnd))) {
    const vintage = Number(statement.periodEnd.slice(0, 4));
    const erroneousKg = vintage === 2024 ? 2_000 : 0;
    await runCommand(ctx.db, admin, (c) => issueBatch(c, { statementId: statement.id, quantityKg: statement.responsibleKg - erroneousKg }));
    if (erroneousKg > 0) {
      const error = await runCommand(ctx.db, admin, (c) => issueBatch(c, { statementId: statement.id, quantityKg: erroneousKg }));
      await runCommand(ctx.db, admin, (c) =>
        cancelUnits(c, { batchId: error.id, quantityKg: erroneousKg, reason: 'Issued from the 2024 statement by mistake: these 2 t were meant for the 2025 vintage.' }),
      );
    }
    vintages.push(vintage);
  }

  // The price schedule and its provenance.
  for (const [year, price] of cobaltPrices) {
    await runCommand(ctx.db, admin, (c) => recordReferencePrice(c, { mineral: 'cobalt', year, currency: 'USD', pricePerTonneMinor: usd(price), source: priceSource }));
  }
  await runCommand(ctx.db, admin, (c) =>
    setCreditPrice(c, {
      mineral: 'cobalt',
      vintage: 2023,
      currency: 'USD',
      rule: 'manual',
      pricePerTonneMinor: usd(5_000),
      reason: 'The 10 % rule gives about USD 4,867 per tonne; the programme published a round USD 5,000 for the 2023 credits.',
      registryFeeBasisPoints,
    }),
  );
  for (const vintage of [2024, 2025]) {
    await runCommand(ctx.db, admin, (c) => setCreditPrice(c, { mineral: 'cobalt', vintage, currency: 'USD', rule: 'ten_percent_of_three_year_average', registryFeeBasisPoints }));
  }

  // Accounts, opened by the buyers with their company details, approved by the secretariat.
  const openApproved = async (actor: typeof fairphone, details: { name: string; legalName: string; country: string; registrationNumber: string; contactEmail: string }) => {
    const account = await runCommand(ctx.db, actor, (c) => openAccount(c, details));
    return runCommand(ctx.db, admin, (c) => approveAccount(c, { accountId: account.id }));
  };
  const fairphoneAccount = await openApproved(fairphone, { name: 'Cobalt claims', legalName: 'Fairphone B.V.', country: 'NL', registrationNumber: 'KvK 00000001 (demo)', contactEmail: 'credits@fairphone.demo' });
  const nordcellAccount = await openApproved(nordcell, { name: 'Cell production', legalName: 'Nordcell Batteries AB', country: 'SE', registrationNumber: 'Org.nr 556000-0001 (demo)', contactEmail: 'sourcing@nordcell.demo' });
  // A third organisation asked for an account and waits for the secretariat's checks.
  await runCommand(ctx.db, nordcell, (c) =>
    openAccount(c, { name: 'Storage products', legalName: 'Nordcell Batteries AB', country: 'SE', registrationNumber: 'Org.nr 556000-0001 (demo)', contactEmail: 'sourcing@nordcell.demo' }),
  );

  const buyAndPay = async (actor: typeof fairphone, props: { accountId: number; vintage: number; quantityKg: number; buyerReference: string; receivedOn: string; reference: string }) => {
    const order = await runCommand(ctx.db, actor, (c) => placeOrder(c, { accountId: props.accountId, siteCode: 'KAM', mineral: 'cobalt', vintage: props.vintage, quantityKg: props.quantityKg, buyerReference: props.buyerReference }));
    await runCommand(ctx.db, admin, (c) => recordPayment(c, { orderId: order.id, amountMinor: order.amountMinor, currency: order.currency, receivedOn: props.receivedOn, reference: props.reference }));
    return order;
  };

  // Fairphone: its whole 2023 cobalt use, about 2.5 t, bought and retired.
  const phone = await runCommand(ctx.db, fairphone, (c) => recordProductLine(c, { name: 'Smartphone batteries and spare parts', mineral: 'cobalt', milligramsPerUnit: 8_300 }));
  const fairphoneFootprint = await runCommand(ctx.db, fairphone, (c) =>
    calculateFootprint(c, { mineral: 'cobalt', periodStart: '2023-01-01', periodEnd: '2023-12-31', lines: [{ productLineId: phone.id, unitsSold: 301_204 }] }),
  );
  await buyAndPay(fairphone, { accountId: fairphoneAccount.id, vintage: 2023, quantityKg: fairphoneFootprint.requiredKg, buyerReference: 'PO-2023-0815', receivedOn: '2026-02-12', reference: 'SEPA FP-2026-0212' });
  const fairphoneRetirement = await runCommand(ctx.db, fairphone, (c) =>
    retireCredits(c, {
      accountId: fairphoneAccount.id,
      quantityKg: fairphoneFootprint.requiredKg,
      beneficiary: 'Fairphone B.V.',
      claimPeriodStart: '2023-01-01',
      claimPeriodEnd: '2023-12-31',
      covers: 'Total use: the cobalt in every phone battery and spare battery sold in 2023',
      footprintReference: fairphoneFootprint.reference,
      publicStatement: 'We match all the cobalt in the batteries we sold in 2023 with Responsible Minerals Credits from the Kamilombe site.',
    }),
  );
  await finishRetirement({ db: ctx.db, keyring: ctx.keyring, publicBaseUrl: ctx.publicBaseUrl }, fairphoneRetirement.id);

  // Nordcell: a 2025 footprint over two product lines, 20 t bought and 15 t retired so far.
  const module12 = await runCommand(ctx.db, nordcell, (c) => recordProductLine(c, { name: 'NC-M12 electric-vehicle battery module', mineral: 'cobalt', milligramsPerUnit: 2_400_000 }));
  const storage = await runCommand(ctx.db, nordcell, (c) => recordProductLine(c, { name: 'NC-S4 home storage pack', mineral: 'cobalt', milligramsPerUnit: 850_000 }));
  const nordcellFootprint = await runCommand(ctx.db, nordcell, (c) =>
    calculateFootprint(c, {
      mineral: 'cobalt',
      periodStart: '2025-01-01',
      periodEnd: '2025-12-31',
      lines: [
        { productLineId: module12.id, unitsSold: 12_000 },
        { productLineId: storage.id, unitsSold: 9_500 },
      ],
    }),
  );
  await buyAndPay(nordcell, { accountId: nordcellAccount.id, vintage: 2025, quantityKg: 20_000, buyerReference: 'NC-PO-44817', receivedOn: '2026-06-30', reference: 'SWIFT NCB-260630-01' });
  const nordcellRetirement = await runCommand(ctx.db, nordcell, (c) =>
    retireCredits(c, {
      accountId: nordcellAccount.id,
      quantityKg: 15_000,
      beneficiary: 'Nordcell Batteries AB',
      claimPeriodStart: '2025-01-01',
      claimPeriodEnd: '2025-12-31',
      covers: 'NC-M12 battery modules (12,000 units) and NC-S4 storage packs (9,500 units) sold in 2025, in part',
      footprintReference: nordcellFootprint.reference,
      publicStatement: 'A first 15 t of the cobalt in the cells we sold in 2025; the rest follows as the 2025 credits are issued.',
    }),
  );
  await finishRetirement({ db: ctx.db, keyring: ctx.keyring, publicBaseUrl: ctx.publicBaseUrl }, nordcellRetirement.id);
  // A further order, invoiced, waiting for the transfer from the buyer's bank.
  await runCommand(ctx.db, nordcell, (c) => placeOrder(c, { accountId: nordcellAccount.id, siteCode: 'KAM', mineral: 'cobalt', vintage: 2024, quantityKg: 10_000, buyerReference: 'NC-PO-45102' }));

  ctx.say(
    `registry: vintages ${vintages.join(', ')} issued, Fairphone retired ${fairphoneFootprint.requiredKg / 1000} t for 2023, Nordcell retired 15 t of ${nordcellFootprint.requiredKg / 1000} t for 2025`,
  );
}
