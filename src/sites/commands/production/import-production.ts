import { organisationOf } from '../../../core/auth/roles.ts';
import { storeFile } from '../../../files/public.ts';
import { appendEvent, type CommandContext } from '../../../journal/public.ts';
import { productionError } from '../../messages/production.ts';
import { productionDeclarations } from '../../schema.ts';
import { lockSiteToDeclare, type ProductionDeclaration } from '../../production-declarations.ts';
import { containedKgOf } from '../../production-figures.ts';
import { type ImportPlan, planProductionImport } from '../../production-import-files.ts';

export type ImportResult = { plan: ImportPlan; imported: ProductionDeclaration[] };

/**
 * Imports a file of declarations for one site, all or nothing: any bad row refuses the whole file
 * (422 `import_invalid`, every problem in the details). Rows already declared are skipped, so
 * importing the same file twice adds nothing. The file is kept as restricted evidence and the
 * journal records one event for the import, with the file's SHA-256.
 */
export async function importProduction(ctx: CommandContext, props: { siteId: number; filename: string; content: Buffer }): Promise<ImportResult> {
  const site = await lockSiteToDeclare(ctx, props.siteId);
  const plan = await planProductionImport(ctx.tx, { siteId: site.id, content: props.content, now: ctx.now });
  if (plan.problems.length > 0) throw productionError('import_invalid', 422, { count: plan.problems.length }, plan.problems);
  const file = await storeFile(ctx, {
    filename: props.filename || `production.${plan.format}`,
    contentType: plan.format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv',
    content: props.content,
  });
  const imported: ProductionDeclaration[] = [];
  for (let start = 0; start < plan.toImport.length; start += 1_000) {
    const batch = plan.toImport.slice(start, start + 1_000).map((f) => ({
      siteId: site.id,
      mineral: f.mineral,
      producedOn: f.producedOn,
      lotReference: f.lotReference ?? null,
      wetOreKg: f.wetOreKg,
      dryOreKg: f.dryOreKg,
      gradeBasisPoints: f.gradeBasisPoints,
      containedKg: containedKgOf(f.dryOreKg, f.gradeBasisPoints),
      buyer: f.buyer,
      evidenceFileId: null,
      declaredByOrganisationId: organisationOf(ctx.actor),
    }));
    imported.push(...(await ctx.tx.insert(productionDeclarations).values(batch).returning()));
  }
  const byMineral: Record<string, { declarations: number; containedKg: number }> = {};
  for (const row of imported) {
    const total = (byMineral[row.mineral] ??= { declarations: 0, containedKg: 0 });
    total.declarations += 1;
    total.containedKg += row.containedKg;
  }
  await appendEvent(ctx, {
    type: 'sites.production_imported',
    subject: `site:${site.code}`,
    payload: { site: site.code, fileSha256: file.sha256, format: plan.format, count: imported.length, alreadyDeclared: plan.alreadyDeclared.length, byMineral },
  });
  return { plan, imported };
}
