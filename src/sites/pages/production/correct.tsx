import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import { AppError } from '../../../core/errors.ts';
import { formatDate, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, ErrorSummary, Field, FileField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { formWithFiles, type Form } from '../../../web/forms.ts';
import { renderPage } from '../../../web/layout.tsx';
import { correctProduction } from '../../commands/production/correct-production.ts';
import { evidenceFromFile } from '../../production-declarations.ts';
import { productionError, productionText } from '../../messages/production.ts';
import { findDeclaration, listMinerals, type DeclarationEntry } from '../../queries/production.ts';
import { FigureFields, type Mineral, type Site, crumbs, fieldOfError, formatGrade, mineralLabel, percentText, productionPath, readFigures, resourceOf, siteOf, statusOfError, text, tonnesText } from './shared.tsx';

function DeclarationSummary({ locale, entry, minerals }: { locale: Locale; entry: DeclarationEntry; minerals: Mineral[] }) {
  const t = text(locale);
  return (
    <DataTable
      caption={t('current_figures')}
      rows={[entry]}
      columns={[
        { header: t('produced_on'), cell: (e) => formatDate(locale, e.producedOn) },
        { header: t('mineral'), cell: (e) => mineralLabel(minerals, e.mineral, locale) },
        { header: t('lot'), cell: (e) => e.lotReference ?? '—' },
        { header: t('wet_ore'), cell: (e) => formatTonnes(locale, e.wetOreKg), numeric: true },
        { header: t('dry_ore'), cell: (e) => formatTonnes(locale, e.dryOreKg), numeric: true },
        { header: t('grade'), cell: (e) => formatGrade(locale, e.gradeBasisPoints), numeric: true },
        { header: t('contained'), cell: (e) => formatTonnes(locale, e.containedKg), numeric: true },
        { header: t('buyer'), cell: (e) => e.buyer },
      ]}
    />
  );
}

async function correctPage(c: Context<AppEnv>, site: Site, entry: DeclarationEntry, values: Form, errors: FieldErrors, status: 200 | 400 | 409 | 413 | 422 = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const minerals = await listMinerals(c.get('deps').db);
  const title = t('correct_title', { id: entry.id });
  return renderPage(
    c,
    {
      title,
      breadcrumbs: crumbs(c, site),
      children: (
        <>
          <h1>{title}</h1>
          <p class="lead">{t('correct_lead')}</p>
          <DeclarationSummary locale={locale} entry={entry} minerals={minerals} />
          {entry.correctedById !== null ? (
            <div class="panel" role="status">
              <p>{t('already_corrected_text', { by: entry.correctedById })}</p>
              <p>
                <a href={`${productionPath(site)}/${entry.correctedById}/correct`}>{t('open_newest', { by: entry.correctedById })}</a>
              </p>
            </div>
          ) : (
            <>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action={`${productionPath(site)}/${entry.id}/correct`} enctype="multipart/form-data" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <Field name="reason" label={t('reason')} hint={t('reason_hint')} value={values.reason} error={errors.reason} />
                <p class="hint">{t('void_hint')}</p>
                <FigureFields locale={locale} minerals={minerals} values={values} errors={errors} fixedMineral={entry.mineral} />
                <FileField name="evidence" label={t('evidence_label')} hint={t('evidence_keep_hint')} error={errors.evidence} accept="application/pdf,image/jpeg,image/png" />
                <button class="button" type="submit">
                  {t('correct_button')}
                </button>
              </form>
            </>
          )}
        </>
      ),
    },
    status,
  );
}

/**
 * The declaration a URL names, at this site, for those who may declare its production: the
 * correction form shows it (its buyer too), so it is read only by them.
 */
async function entryOf(c: Context<AppEnv>, site: Site) {
  authorize(c.get('actor'), 'production.declare', resourceOf(site));
  const id = Number(c.req.param('id'));
  const entry = Number.isSafeInteger(id) && id > 0 ? await findDeclaration(c.get('deps').db, { siteId: site.id, id }) : undefined;
  if (!entry) throw productionError('declaration_not_found', 404, { id: c.req.param('id') ?? '' });
  return entry;
}

/** Correcting a declaration with a new entry. */
export function registerCorrectionPages(pages: Hono<AppEnv>) {
  pages.get('/sites/:code/production/:id/correct', async (c) => {
    const site = await siteOf(c);
    const entry = await entryOf(c, site);
    const values = {
      producedOn: entry.producedOn,
      lotReference: entry.lotReference ?? '',
      wetOreTonnes: tonnesText(entry.wetOreKg),
      dryOreTonnes: tonnesText(entry.dryOreKg),
      gradePercent: percentText(entry.gradeBasisPoints),
      buyer: entry.buyer,
    };
    return correctPage(c, site, entry, values, {});
  });

  pages.post('/sites/:code/production/:id/correct', async (c) => {
    const actor = c.get('actor');
    const locale = c.get('locale');
    const site = await siteOf(c);
    const entry = await entryOf(c, site);
    const { form, files } = await formWithFiles(c);
    const minerals = await listMinerals(c.get('deps').db);
    const { figures, errors } = readFigures({ ...form, mineral: entry.mineral }, locale, minerals);
    if (!form.reason?.trim()) errors.reason = productionText.t(locale, 'correction_reason_missing');
    if (Object.keys(errors).length > 0) return correctPage(c, site, entry, form, errors, 400);
    try {
      const evidence = await evidenceFromFile(files.evidence?.[0]);
      const corrected = await runCommand(c.get('deps').db, actor, (ctx) =>
        correctProduction(ctx, { siteId: site.id, correctsId: entry.id, reason: form.reason!, ...figures, lotReference: figures.lotReference ?? null, evidence }),
      );
      return c.redirect(`${productionPath(site)}?year=${corrected.producedOn.slice(0, 4)}&corrected=${corrected.id}`, 303);
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const fresh = await entryOf(c, site);
      return correctPage(c, site, fresh, form, { [fieldOfError(error)]: error.text[locale] }, statusOfError(error));
    }
  });
}
