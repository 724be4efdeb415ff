import type { Context, Hono } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import type { AppError } from '../../../core/errors.ts';
import { formatTonnes } from '../../../core/i18n/format.ts';
import { runCommand } from '../../../journal/public.ts';
import { CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, type FieldErrors } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { issueBatch } from '../../commands/issue-batch.ts';
import { getBatch } from '../../queries/ledger.ts';
import { listIssuableStatements } from '../../queries/operations.ts';
import { formOf, refusalOnForm, type Form, type RefusalStatus } from '../../../web/forms.ts';
import { dateRange, parseId, registryCrumbs, text } from '../accounts/shared.tsx';
import { parseTypedTonnes } from '../../../core/quantities.ts';

async function issuePage(c: Context<AppEnv>, values: Form, errors: FieldErrors, status: 200 | 400 | RefusalStatus = 200) {
  const locale = c.get('locale');
  const t = text(locale);
  const db = c.get('deps').db;
  const statements = await listIssuableStatements(db);
  const issuable = statements.filter((s) => s.remainingKg > 0);
  const issuedId = parseId(c.req.query('issued'));
  const issued = issuedId === null ? undefined : await getBatch(db, issuedId);
  return renderPage(
    c,
    {
      title: t('issue_title'),
      breadcrumbs: registryCrumbs(locale),
      children: (
        <>
          <h1>{t('issue_title')}</h1>
          <p class="lead">{t('issue_lead')}</p>
          {issued && (
            <p class="panel" role="status">
              {t('issued_notice', { serials: issued.serialPrefix, quantity: formatTonnes(locale, issued.quantityKg) })}
            </p>
          )}
          {statements.length === 0 ? (
            <EmptyState title={t('no_statements')} next={t('no_statements_next')} />
          ) : (
            <DataTable
              caption={t('statements_caption')}
              rows={statements}
              columns={[
                { header: t('statement'), cell: (s) => <a href={`/verifications/${s.id}`}>{`#${s.id}`}</a> },
                { header: t('site'), cell: (s) => `${s.siteName} (${s.siteCode})` },
                { header: t('mineral'), cell: (s) => s.mineral },
                { header: t('period'), cell: (s) => dateRange(locale, s.periodStart, s.periodEnd) },
                { header: t('verifier'), cell: (s) => s.verifierName },
                { header: t('verified'), cell: (s) => formatTonnes(locale, s.responsibleKg), numeric: true },
                { header: t('issued'), cell: (s) => formatTonnes(locale, s.issuedKg), numeric: true },
                { header: t('remaining'), cell: (s) => formatTonnes(locale, s.remainingKg), numeric: true },
              ]}
            />
          )}
          {issuable.length > 0 && (
            <>
              <h2>{t('issue_form_title')}</h2>
              <ErrorSummary locale={locale} errors={errors} />
              <form method="post" action="/registry/issue" id="form" novalidate>
                <CsrfField token={c.get('csrfToken')} />
                <SelectField
                  name="statement"
                  label={t('statement_label')}
                  value={values.statement}
                  error={errors.statement}
                  options={issuable.map((s) => ({
                    value: String(s.id),
                    label: t('statement_option', { id: s.id, site: s.siteCode, mineral: s.mineral, period: dateRange(locale, s.periodStart, s.periodEnd), remaining: formatTonnes(locale, s.remainingKg) }),
                  }))}
                />
                <Field name="quantity" label={t('issue_quantity_label')} hint={t('quantity_hint')} value={values.quantity} error={errors.quantity} />
                <button class="button" type="submit">
                  {t('issue_submit')}
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

const fieldOfIssueError = (error: AppError) => (['exceeds_issuable_quantity', 'quantity_invalid'].includes(error.code) ? 'quantity' : error.code.startsWith('verification_') ? 'statement' : 'form');

/** The secretariat issues a batch from a signed verification statement, within what it still allows. */
export function registerIssuePages(pages: Hono<AppEnv>) {
  pages.get('/registry/issue', (c) => {
    authorize(c.get('actor'), 'registry.issue');
    return issuePage(c, {}, {});
  });

  pages.post('/registry/issue', async (c) => {
    const actor = c.get('actor');
    authorize(actor, 'registry.issue');
    const locale = c.get('locale');
    const t = text(locale);
    const form = await formOf(c);
    const statementId = parseId(form.statement);
    const quantityKg = parseTypedTonnes(form.quantity ?? '');
    if (statementId === null || quantityKg === null) {
      const errors: FieldErrors = {};
      if (statementId === null) errors.statement = t('field_statement_invalid');
      if (quantityKg === null) errors.quantity = t('field_quantity_invalid');
      return issuePage(c, form, errors, 400);
    }
    try {
      const batch = await runCommand(c.get('deps').db, actor, (ctx) => issueBatch(ctx, { statementId, quantityKg }));
      return c.redirect(`/registry/issue?issued=${batch.id}`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, locale, fieldOfIssueError);
      return issuePage(c, form, refusal.errors, refusal.status);
    }
  });
}
