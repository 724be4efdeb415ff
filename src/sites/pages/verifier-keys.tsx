import type { Context, Hono } from 'hono';
import { findOrganisation } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import { formatDateTime } from '../../core/i18n/format.ts';
import type { Locale } from '../../core/i18n/index.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, DataTable, ErrorSummary, StatusTag, TextareaField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, refusalOnForm, type RefusalStatus } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { submitStatementSignature } from '../commands/verifications/submit-statement-signature.ts';
import { registerVerifierKey } from '../commands/verifier-keys/register-verifier-key.ts';
import { retireVerifierKey } from '../commands/verifier-keys/retire-verifier-key.ts';
import { setKeyCustody } from '../commands/verifier-keys/set-key-custody.ts';
import { verificationsText, type VerificationsKey } from '../messages/verifications.ts';
import { keyCustodyOf, organisationPublicKeys } from '../organisation-keys.ts';
import { documentSha256, type VerificationDraftView } from '../queries/verifications.ts';
import { draftForVerifier } from '../routes/verifications.ts';

type Translate = (key: VerificationsKey, params?: Record<string, string | number>) => string;
const translator = (locale: Locale): Translate => (key, params) => verificationsText.t(locale, key, params);

/** The data attributes the browser script reads its messages from: it has no text of its own. */
const scriptMessages = (t: Translate, keys: VerificationsKey[], params: Record<string, string | number> = {}) =>
  Object.fromEntries(keys.map((key) => [`data-msg-${key.replace(/_/g, '-')}`, t(key, params)]));

/** The signed-in verifier's own organisation, after asking the policy. */
async function ownOrganisation(c: Context<AppEnv>) {
  const actor = c.get('actor');
  const orgId = 'orgId' in actor && actor.orgId !== null ? actor.orgId : -1;
  authorize(actor, 'verifier_key.manage', { orgId });
  const organisation = await findOrganisation(c.get('deps').db, { id: orgId });
  return { id: organisation!.id, code: organisation!.code, name: organisation!.name };
}

async function KeysPage({ c, errors }: { c: Context<AppEnv>; errors: FieldErrors }) {
  const locale = c.get('locale');
  const t = translator(locale);
  const db = c.get('deps').db;
  const organisation = await ownOrganisation(c);
  const [custody, keys] = await Promise.all([keyCustodyOf(db, organisation.id), organisationPublicKeys(db, organisation.id)]);
  const activeOwn = keys.find((key) => key.retiredAt === null && key.custody === 'verifier');
  return (
    <>
      <h1>{t('keys_title')}</h1>
      <p class="lead">{t('keys_lead')}</p>
      <p>
        <StatusTag tone={custody === 'verifier' ? 'green' : 'grey'}>{t(`key_held_by_${custody}`)}</StatusTag> {t(`keys_custody_${custody}`)}
      </p>
      <ErrorSummary locale={locale} errors={errors} />
      {keys.length > 0 && (
        <DataTable
          caption={t('keys_caption', { organisation: organisation.name })}
          rows={keys}
          columns={[
            { header: t('key_id'), cell: (key) => String(key.id) },
            { header: t('key_public'), cell: (key) => <span class="mono">{key.publicKey.toString('base64')}</span> },
            { header: t('key_held_column'), cell: (key) => t(`key_holder_${key.custody}`) },
            { header: t('key_created'), cell: (key) => formatDateTime(locale, key.createdAt) },
            {
              header: t('key_retired'),
              cell: (key) =>
                key.retiredAt ? (
                  formatDateTime(locale, key.retiredAt)
                ) : key.custody === 'verifier' ? (
                  <form method="post" action={`/verifier-keys/${key.id}/retire`}>
                    <CsrfField token={c.get('csrfToken')} />
                    <StatusTag tone="green">{t('key_active')}</StatusTag>{' '}
                    <button class="button button-secondary" type="submit">
                      {t('key_retire')}
                    </button>
                  </form>
                ) : (
                  <StatusTag tone="green">{t('key_active')}</StatusTag>
                ),
            },
          ]}
        />
      )}
      <h2>{activeOwn ? t('rotate_title') : t('register_title')}</h2>
      {activeOwn && <p>{t('rotate_text', { keyId: activeOwn.id })}</p>}
      <form method="post" action="/verifier-keys" id="register-key" {...scriptMessages(t, ['no_ed25519'])}>
        <CsrfField token={c.get('csrfToken')} />
        {activeOwn && <input type="hidden" name="replaces" value={String(activeOwn.id)} />}
        <TextareaField name="publicKey" label={t('public_key_field')} hint={t('public_key_hint')} error={errors.publicKey} rows={3} />
        <button class="button" type="submit">
          {t('register_button')}
        </button>
        <div class="panel" id="browser-key">
          <p>{t('browser_key_hint')}</p>
          <button class="button button-secondary" type="button" id="make-browser-key" hidden>
            {t('browser_key_button')}
          </button>
          <p id="browser-key-status" role="status"></p>
        </div>
      </form>
      {/* The switch to the other custody: back to the registry's key, or to a key the verifier holds. */}
      <h2>{t(custody === 'verifier' ? 'use_registry_title' : 'use_own_title')}</h2>
      <p>{t(custody === 'verifier' ? 'use_registry_text' : 'use_own_text')}</p>
      <form method="post" action="/verifier-keys/custody">
        <CsrfField token={c.get('csrfToken')} />
        <input type="hidden" name="custody" value={custody === 'verifier' ? 'registry' : 'verifier'} />
        <button class="button button-warning" type="submit">
          {t(custody === 'verifier' ? 'use_registry_button' : 'use_own_button')}
        </button>
      </form>
      <script src="/static/verifier-sign.js" defer></script>
    </>
  );
}

function DraftPage({ c, draft, errors, signature }: { c: Context<AppEnv>; draft: VerificationDraftView; errors: FieldErrors; signature?: string | undefined }) {
  const locale = c.get('locale');
  const t = translator(locale);
  const publicKey = draft.publicKey.toString('base64');
  if (draft.statementId !== null) {
    return (
      <>
        <h1>{t('draft_title', { id: draft.id })}</h1>
        <p>
          <a href={`/verifications/${draft.statementId}`}>{t('draft_signed_text', { statementId: draft.statementId })}</a>
        </p>
      </>
    );
  }
  return (
    <>
      <h1>{t('draft_title', { id: draft.id })}</h1>
      <p class="lead">{t('draft_lead', { keyId: draft.keyId })}</p>
      <ErrorSummary locale={locale} errors={errors} />
      <h2>{t('draft_document_label')}</h2>
      <pre id="document" data-document={draft.document.toString('base64')} data-public-key={publicKey}>
        {draft.document.toString('utf8')}
      </pre>
      <p>
        {t('sha256_label')}: <span class="mono">{documentSha256(draft.document)}</span>
      </p>
      <p>
        {t('public_key_label')}: <span class="mono">{publicKey}</span>
      </p>
      <p>
        <a href={`/api/v1/verification-drafts/${draft.id}/document`} download={`orebook-statement-draft-${draft.id}.json`}>
          {t('draft_download')}
        </a>
      </p>
      <form method="post" action={`/verification-drafts/${draft.id}/signature`} id="signature-form">
        <CsrfField token={c.get('csrfToken')} />
        <h2>{t('draft_browser_title')}</h2>
        <div class="panel" id="browser-signing" {...scriptMessages(t, ['no_ed25519', 'draft_key_missing', 'draft_key_wrong', 'draft_signed_ready'], { publicKey })}>
          <p>{t('draft_browser_text')}</p>
          <button class="button" type="button" id="sign-in-browser" hidden>
            {t('draft_browser_button')}
          </button>
          <p id="key-file-row" hidden>
            <label for="key-file">{t('draft_key_file_label')}</label> <input type="file" id="key-file" accept=".pem,.key,.txt" />
          </p>
          <p id="browser-signing-status" role="status"></p>
        </div>
        <h2>{t('draft_cli_title')}</h2>
        <p>{t('draft_cli_text')}</p>
        <pre>{`orebook sign-statement --key verifier-key.pem --in orebook-statement-draft-${draft.id}.json --out statement.sig`}</pre>
        <TextareaField name="signature" label={t('signature_field')} hint={t('signature_hint')} value={signature} error={errors.signature} rows={2} />
        <button class="button button-warning" type="submit">
          {t('upload_button')}
        </button>
      </form>
      <script src="/static/verifier-sign.js" defer></script>
    </>
  );
}

/** The verifier's keys page, and the page where it signs a prepared statement with its own key. */
export function registerVerifierKeysPages(pages: Hono<AppEnv>) {
  const keysPage = async (c: Context<AppEnv>, errors: FieldErrors = {}, status: 200 | RefusalStatus = 200) =>
    renderPage(c, { title: verificationsText.t(c.get('locale'), 'keys_title'), children: await KeysPage({ c, errors }) }, status);

  pages.get('/verifier-keys', (c) => keysPage(c));

  pages.post('/verifier-keys', async (c) => {
    const organisation = await ownOrganisation(c);
    const form = await formOf(c);
    const replaces = form.replaces ? Number(form.replaces) : undefined;
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) =>
        registerVerifierKey(ctx, { organisation, publicKey: form.publicKey ?? '', replaces: Number.isSafeInteger(replaces) ? replaces : undefined }),
      );
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { verifier_key_malformed: 'publicKey', verifier_key_already_registered: 'publicKey' });
      return keysPage(c, refusal.errors, refusal.status);
    }
    return c.redirect('/verifier-keys', 303);
  });

  pages.post('/verifier-keys/:id{[0-9]+}/retire', async (c) => {
    const organisation = await ownOrganisation(c);
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => retireVerifierKey(ctx, { organisation, keyId: Number(c.req.param('id')) }));
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return keysPage(c, refusal.errors, refusal.status);
    }
    return c.redirect('/verifier-keys', 303);
  });

  pages.post('/verifier-keys/custody', async (c) => {
    const organisation = await ownOrganisation(c);
    const form = await formOf(c);
    const custody = form.custody === 'verifier' ? 'verifier' : 'registry';
    try {
      await runCommand(c.get('deps').db, c.get('actor'), (ctx) => setKeyCustody(ctx, { organisation, custody }));
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'));
      return keysPage(c, refusal.errors, refusal.status);
    }
    return c.redirect('/verifier-keys', 303);
  });

  const draftPage = async (c: Context<AppEnv>, errors: FieldErrors = {}, status: 200 | RefusalStatus = 200, signature?: string) => {
    const draft = await draftForVerifier(c.get('deps').db, c.get('actor'), Number(c.req.param('id')));
    return renderPage(
      c,
      {
        title: verificationsText.t(c.get('locale'), 'draft_title', { id: draft.id }),
        breadcrumbs: [
          { href: '/sites', label: verificationsText.t(c.get('locale'), 'sites') },
          { href: `/sites/${draft.siteCode}`, label: draft.siteName },
        ],
        children: <DraftPage c={c} draft={draft} errors={errors} signature={signature} />,
      },
      status,
    );
  };

  pages.get('/verification-drafts/:id{[0-9]+}', (c) => draftPage(c));

  pages.post('/verification-drafts/:id{[0-9]+}/signature', async (c) => {
    const form = await formOf(c);
    try {
      const statement = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => submitStatementSignature(ctx, { draftId: Number(c.req.param('id')), signature: form.signature ?? '' }));
      return c.redirect(`/verifications/${statement.id}?signed=1`, 303);
    } catch (error) {
      const refusal = refusalOnForm(error, c.get('locale'), { signature_malformed: 'signature', signature_does_not_verify: 'signature' });
      return draftPage(c, refusal.errors, refusal.status, form.signature);
    }
  });
}
