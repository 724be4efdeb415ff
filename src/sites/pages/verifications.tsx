import { isIsoDate } from '../../core/calendar.ts';
import type { Context, Hono } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import { formatDate, formatDateTime, formatTonnes } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { parseTypedTonnes, tonnesInput } from '../../core/quantities.ts';
import { runCommand, type CommandContext } from '../../journal/public.ts';
import { CardGrid, CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, StatusTag, SummaryCard, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, refusalOnForm, type Form, type RefusalStatus } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { planVerificationStatement, type SignVerificationProps, statementSentences, type VerificationPlan } from '../verification-statements.ts';
import { prepareVerificationStatement } from '../commands/verifications/prepare-verification-statement.ts';
import { signVerificationStatement } from '../commands/verifications/sign-verification-statement.ts';
import { keyCustodyOf } from '../organisation-keys.ts';
import type { KeyCustody } from '../schema.ts';
import { registerVerifierKeysPages } from './verifier-keys.tsx';
import { verificationError, verificationsText, type VerificationsKey } from '../messages/verifications.ts';
import {
  assessmentForVerification,
  baselineStatus,
  declaredContainedByMineral,
  documentSha256,
  findSiteByCode,
  getVerification,
  listVerifications,
  parseVerificationDocument,
  verifyStatementSignature,
  type VerificationStatement,
} from '../queries/verifications.ts';
import { listMinerals } from '../queries/production.ts';

type Translate = (key: VerificationsKey, params?: Record<string, string | number>) => string;

const translator = (locale: Locale): Translate => (key, params) => verificationsText.t(locale, key, params);

function ViewPage({ c, v, mineralLabel }: { c: Context<AppEnv>; v: VerificationStatement; mineralLabel: string }) {
  const locale = c.get('locale');
  const t = translator(locale);
  const check = verifyStatementSignature(v);
  const document = parseVerificationDocument(v.document);
  const verifier = `${v.verifierName} (${v.verifierCode})`;
  const facts = [
    { label: t('site'), value: <a href={`/sites/${v.siteCode}`}>{`${v.siteName} (${v.siteCode})`}</a> },
    { label: t('mineral'), value: mineralLabel },
    { label: t('period'), value: t('period_value', { start: formatDate(locale, v.periodStart), end: formatDate(locale, v.periodEnd) }) },
    { label: t('verifier'), value: verifier },
    { label: t('signed_on'), value: formatDateTime(locale, v.signedAt) },
    { label: t('assessment'), value: String(v.assessmentId) },
    { label: t('standard_version'), value: document?.assessment?.standardVersion ?? '—' },
    { label: t('baseline_criteria'), value: <span class="mono">{document?.assessment?.baselineCriteria?.join(', ') ?? '—'}</span> },
  ];
  return (
    <>
      {c.req.query('signed') === '1' && (
        <div class="panel" role="status">
          {t('signed_panel')}
        </div>
      )}
      <h1>{t('view_title', { id: v.id })}</h1>
      <p>{check.valid ? <StatusTag tone="green">{t('signature_valid')}</StatusTag> : <StatusTag tone="red">{t('signature_invalid')}</StatusTag>}</p>
      {document?.statement?.[locale] && <p class="lead">{document.statement[locale]}</p>}
      <p>{check.valid ? t('signature_valid_text', { verifier }) : t('signature_invalid_text', { reason: check.reason ?? '' })}</p>
      <p id="key-custody">
        <StatusTag tone={v.keyCustody === 'verifier' ? 'green' : 'grey'}>{t(`key_held_by_${v.keyCustody}`)}</StatusTag> {t(`key_held_by_${v.keyCustody}_text`)}
      </p>
      <CardGrid>
        <SummaryCard figure={formatTonnes(locale, v.responsibleKg)} label={t('responsible_label', { mineral: mineralLabel.toLocaleLowerCase(locale) })} />
        <SummaryCard figure={formatTonnes(locale, v.responsibleKg - v.drawnKg)} label={t('remaining_label')} />
        <SummaryCard figure={formatTonnes(locale, v.drawnKg)} label={t('issued_label')} />
        <SummaryCard figure={formatTonnes(locale, v.declaredKg)} label={t('declared_label')} />
      </CardGrid>
      <DataTable caption={t('facts_caption')} rows={facts} columns={[{ header: t('fact'), cell: (f) => f.label }, { header: t('value'), cell: (f) => f.value }]} />
      <details>
        <summary>{t('document_summary')}</summary>
        <h3>{t('document_label')}</h3>
        <pre id="document">{v.document.toString('utf8')}</pre>
        <h3>{t('signature_label')}</h3>
        <p class="mono secret" id="signature">
          {v.signature.toString('base64')}
        </p>
        <h3>{t('public_key_label')}</h3>
        <p class="mono secret">{v.publicKey.toString('base64')}</p>
        <h3>{t('sha256_label')}</h3>
        <p class="mono secret">{documentSha256(v.document)}</p>
      </details>
      <h2>{t('check_title')}</h2>
      <p>{t('check_text')}</p>
      <ul>
        <li>
          <a href="/docs/verifications.md">{t('check_link')}</a>
        </li>
        <li>
          <a href={`/api/v1/verifications/${v.id}`}>{t('api_link')}</a>
        </li>
        <li>
          <a href={`/api/v1/organisations/${v.verifierCode}/verifier-keys`}>{t('keys_link', { verifier: v.verifierName })}</a>
        </li>
      </ul>
    </>
  );
}

/** The site and assessment a verifier signs from, after checking that this actor may sign from it. */
async function signingContext(c: Context<AppEnv>, siteCode: string, assessmentRef: string | undefined) {
  const actor = c.get('actor');
  const db = c.get('deps').db;
  const site = await findSiteByCode(db, siteCode);
  authorize(actor, 'verification.sign', { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw notFound();
  const assessmentId = Number(assessmentRef);
  const assessment = Number.isSafeInteger(assessmentId) && assessmentId > 0 ? await assessmentForVerification(db, assessmentId) : undefined;
  if (assessment?.site.id !== site.id) throw verificationError('assessment_not_found', 404, () => ({ id: assessmentRef ?? '' }));
  if (!('orgId' in actor) || actor.orgId !== assessment.verifierOrganisationId) throw verificationError('not_assessing_verifier', 403);
  const [baseline, declared, minerals, existing] = await Promise.all([
    baselineStatus(db, assessment.id),
    declaredContainedByMineral(db, { siteId: site.id, start: assessment.periodStart, end: assessment.periodEnd }),
    listMinerals(db),
    listVerifications(db, { siteId: site.id }),
  ]);
  return { site, assessment, baseline, declared, minerals, existing };
}

type SigningContext = Awaited<ReturnType<typeof signingContext>>;

/** Why no statement can be signed from this assessment now, in the reader's language; empty when it can. */
function blockers(locale: Locale, s: SigningContext): string[] {
  const t = translator(locale);
  const reasons: string[] = [];
  if (s.site.status !== 'active') reasons.push(t('site_not_active', { site: s.site.name, status: t(`status_${s.site.status}`) }));
  if (s.assessment.status !== 'submitted') reasons.push(t('assessment_not_submitted'));
  if (s.baseline.failing.length > 0) reasons.push(t('baseline_not_met', { failing: s.baseline.failing.join(', ') }));
  return reasons;
}

function SigningForm({ c, s, values, errors }: { c: Context<AppEnv>; s: SigningContext; values: Form; errors: FieldErrors }) {
  const locale = c.get('locale');
  const t = translator(locale);
  const { site, assessment, baseline, declared, minerals, existing } = s;
  const period = { start: formatDate(locale, assessment.periodStart), end: formatDate(locale, assessment.periodEnd) };
  const mineralLabel = (code: string) => minerals.find((m) => m.code === code)?.[locale === 'fr' ? 'labelFr' : 'labelEn'] ?? code;
  const reasons = blockers(locale, s);
  return (
    <>
      <h1>{t('new_title')}</h1>
      <p class="lead">{t('new_lead', { site: `${site.name} (${site.code})` })}</p>
      <p>{t('assessment_summary', { id: assessment.id, version: assessment.standardVersion, ...period })}</p>
      <p>
        <a href="/verifier-keys">{t('keys_title')}</a>
      </p>
      <h2>{t('baseline_title')}</h2>
      <p>{baseline.failing.length === 0 ? <StatusTag tone="green">{t('baseline_all_met')}</StatusTag> : <StatusTag tone="red">{t('baseline_some_failing')}</StatusTag>}</p>
      <DataTable
        caption={t('baseline_caption', { version: assessment.standardVersion, id: assessment.id })}
        rows={baseline.criteria}
        columns={[
          { header: t('criterion'), cell: (criterion) => <><span class="mono">{criterion.code}</span> {locale === 'fr' ? criterion.textFr : criterion.textEn}</> },
          { header: t('rating'), cell: (criterion) => t(`rating_${criterion.rating ?? 'none'}`) },
        ]}
      />
      <h2>{t('declared_title')}</h2>
      {declared.length === 0 ? (
        <EmptyState title={t('no_production')} next={t('no_production_next')} />
      ) : (
        <DataTable
          caption={t('declared_caption', { site: site.name, ...period })}
          rows={declared}
          columns={[
            { header: t('mineral'), cell: (row) => mineralLabel(row.mineral) },
            { header: t('contained_metal'), cell: (row) => formatTonnes(locale, row.containedKg), numeric: true },
          ]}
        />
      )}
      {existing.length > 0 && (
        <>
          <h2>{t('existing_title')}</h2>
          <DataTable
            caption={t('existing_caption', { site: site.name })}
            rows={existing}
            columns={[
              { header: t('mineral'), cell: (v) => mineralLabel(v.mineral) },
              { header: t('period'), cell: (v) => <a href={`/verifications/${v.id}`}>{t('period_value', { start: formatDate(locale, v.periodStart), end: formatDate(locale, v.periodEnd) })}</a> },
              { header: t('quantity'), cell: (v) => formatTonnes(locale, v.responsibleKg), numeric: true },
            ]}
          />
        </>
      )}
      {reasons.length > 0 ? (
        <div class="panel" role="alert">
          <h2>{t('cannot_sign_title')}</h2>
          <ul>
            {reasons.map((reason) => (
              <li>{reason}</li>
            ))}
          </ul>
        </div>
      ) : (
        <>
          <h2>{t('statement_title')}</h2>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action={`/sites/${site.code}/verifications/confirm`} id="form" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <input type="hidden" name="assessment" value={String(assessment.id)} />
            <SelectField
              name="mineral"
              label={t('mineral_label')}
              value={values.mineral ?? declared[0]?.mineral}
              error={errors.mineral}
              options={minerals.map((m) => ({ value: m.code, label: mineralLabel(m.code) }))}
            />
            <Field name="periodStart" type="date" label={t('period_start_label')} hint={t('period_hint', period)} value={values.periodStart ?? assessment.periodStart} error={errors.periodStart} />
            <Field name="periodEnd" type="date" label={t('period_end_label')} value={values.periodEnd ?? assessment.periodEnd} error={errors.periodEnd} />
            <Field name="quantity" label={t('quantity_label')} hint={t('quantity_hint')} value={values.quantity} error={errors.quantity} />
            <button class="button" type="submit">
              {t('continue')}
            </button>
          </form>
        </>
      )}
    </>
  );
}

function ConfirmPage({ c, plan, quantity, custody }: { c: Context<AppEnv>; plan: VerificationPlan; quantity: string; custody: KeyCustody }) {
  const locale = c.get('locale');
  const t = translator(locale);
  const sentences = statementSentences(plan);
  const hidden = { assessment: String(plan.assessmentId), mineral: plan.mineral, periodStart: plan.periodStart, periodEnd: plan.periodEnd, quantity };
  return (
    <>
      <h1>{t('confirm_title')}</h1>
      <div class="panel">
        <p>
          {t('confirm_text', {
            verifier: plan.verifier.name,
            count: plan.baselineCriteria.length,
            version: plan.assessment.standardVersion,
            site: `${plan.site.name} (${plan.site.code})`,
            mineral: plan.mineralLabel[locale].toLocaleLowerCase(locale),
            start: formatDate(locale, plan.periodStart),
            end: formatDate(locale, plan.periodEnd),
            responsible: formatTonnes(locale, plan.responsibleKg),
            declared: formatTonnes(locale, plan.declaredKg),
          })}
        </p>
      </div>
      <p>{t('confirm_sentences')}</p>
      <blockquote lang="en">{sentences.en}</blockquote>
      <blockquote lang="fr">{sentences.fr}</blockquote>
      <p>{t(`keys_custody_${custody}`)}</p>
      <form method="post" action={`/sites/${plan.site.code}/${custody === 'verifier' ? 'verification-drafts' : 'verifications'}`}>
        <CsrfField token={c.get('csrfToken')} />
        {Object.entries(hidden).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button class="button button-warning" type="submit">
          {custody === 'verifier' ? t('prepare_button') : t('sign')}
        </button>
      </form>
      <p>
        <a href={`/sites/${plan.site.code}/verifications/new?${new URLSearchParams(hidden).toString()}`}>{t('change')}</a>
      </p>
    </>
  );
}

/** The statement a submitted form asks for, or the field errors that stop it. */
function readStatementForm(locale: Locale, form: Form, s: SigningContext): { props: SignVerificationProps } | { errors: FieldErrors } {
  const t = translator(locale);
  const errors: FieldErrors = {};
  if (!s.minerals.some((m) => m.code === form.mineral)) errors.mineral = t('mineral_invalid');
  if (!isIsoDate(form.periodStart ?? '')) errors.periodStart = t('date_invalid');
  if (!isIsoDate(form.periodEnd ?? '')) errors.periodEnd = t('date_invalid');
  const responsibleKg = parseTypedTonnes(form.quantity ?? '');
  if (responsibleKg === null) errors.quantity = t('quantity_invalid');
  if (Object.keys(errors).length > 0) return { errors };
  return { props: { assessmentId: s.assessment.id, mineral: form.mineral!, periodStart: form.periodStart!, periodEnd: form.periodEnd!, responsibleKg: responsibleKg! } };
}

/** Where a refused statement's message goes on the form; rules about the whole statement go to the top. */
const fieldOfError: Record<string, string> = {
  unknown_mineral: 'mineral',
  verification_period_invalid: 'periodStart',
  verification_period_outside_assessment: 'periodStart',
  verification_period_overlaps: 'periodStart',
  verification_quantity_invalid: 'quantity',
  exceeds_declared_production: 'quantity',
};

/** The public view of a statement, and the verifier's form, confirmation and signing. */
export function registerVerificationsPages(pages: Hono<AppEnv>) {
  pages.get('/verifications/:id{[0-9]+}', async (c) => {
    authorize(c.get('actor'), 'verification.read.public');
    const db = c.get('deps').db;
    const id = Number(c.req.param('id'));
    const statement = await getVerification(db, id);
    if (!statement) throw verificationError('verification_not_found', 404, () => ({ id }));
    const locale = c.get('locale');
    const [mineral] = await listMinerals(db, [statement.mineral]);
    const mineralLabel = mineral ? (locale === 'fr' ? mineral.labelFr : mineral.labelEn) : statement.mineral;
    return renderPage(c, {
      title: verificationsText.t(locale, 'view_title', { id }),
      breadcrumbs: [
        { href: '/sites', label: verificationsText.t(locale, 'sites') },
        { href: `/sites/${statement.siteCode}`, label: statement.siteName },
      ],
      children: <ViewPage c={c} v={statement} mineralLabel={mineralLabel} />,
    });
  });

  const formPage = (c: Context<AppEnv>, s: SigningContext, values: Form, errors: FieldErrors, status: 200 | 400 | RefusalStatus = 200) =>
    renderPage(
      c,
      {
        title: verificationsText.t(c.get('locale'), 'new_title'),
        breadcrumbs: [
          { href: '/sites', label: verificationsText.t(c.get('locale'), 'sites') },
          { href: `/sites/${s.site.code}`, label: s.site.name },
        ],
        children: <SigningForm c={c} s={s} values={values} errors={errors} />,
      },
      status,
    );

  pages.get('/sites/:code/verifications/new', async (c) => {
    const s = await signingContext(c, c.req.param('code'), c.req.query('assessment'));
    const values: Form = {};
    for (const name of ['mineral', 'periodStart', 'periodEnd', 'quantity']) {
      const value = c.req.query(name);
      if (value !== undefined) values[name] = value;
    }
    return formPage(c, s, values, {});
  });

  pages.post('/sites/:code/verifications/confirm', async (c) => {
    const form = await formOf(c);
    const s = await signingContext(c, c.req.param('code'), form.assessment);
    const locale = c.get('locale');
    const read = readStatementForm(locale, form, s);
    if ('errors' in read) return formPage(c, s, form, read.errors, 400);
    let plan: VerificationPlan;
    try {
      plan = await planVerificationStatement(c.get('deps').db, c.get('actor'), read.props);
    } catch (error) {
      const refusal = refusalOnForm(error, locale, (e) => fieldOfError[e.code] ?? 'form');
      return formPage(c, s, form, refusal.errors, refusal.status);
    }
    const custody = await keyCustodyOf(c.get('deps').db, plan.verifier.id);
    return renderPage(c, { title: verificationsText.t(locale, 'confirm_title'), children: <ConfirmPage c={c} plan={plan} quantity={tonnesInput(plan.responsibleKg)} custody={custody} /> });
  });

  // Signing with the registry-held key, and preparing a draft for a key the verifier holds, read
  // the same form and refuse the same way; only the command and where it leads differ.
  const onStatementForm = (act: (ctx: CommandContext, props: SignVerificationProps & { site?: string }) => Promise<{ id: number }>, next: (id: number) => string) => async (c: Context<AppEnv>) => {
    const form = await formOf(c);
    const s = await signingContext(c, c.req.param('code') ?? '', form.assessment);
    const locale = c.get('locale');
    const read = readStatementForm(locale, form, s);
    if ('errors' in read) return formPage(c, s, form, read.errors, 400);
    try {
      const done = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => act(ctx, read.props));
      return c.redirect(next(done.id), 303);
    } catch (error) {
      const refusal = refusalOnForm(error, locale, (e) => fieldOfError[e.code] ?? 'form');
      return formPage(c, s, form, refusal.errors, refusal.status);
    }
  };
  pages.post('/sites/:code/verifications', onStatementForm(signVerificationStatement, (id) => `/verifications/${id}?signed=1`));
  pages.post('/sites/:code/verification-drafts', onStatementForm(prepareVerificationStatement, (id) => `/verification-drafts/${id}`));

  registerVerifierKeysPages(pages);
}
