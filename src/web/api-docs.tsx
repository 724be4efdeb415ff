import type { Context } from 'hono';
import { defineMessages } from '../core/i18n/index.ts';
import type { AppEnv } from './context.ts';
import { renderPage } from './layout.tsx';

const docsText = defineMessages({
  en: {
    title: 'API reference',
    lead: 'Every endpoint under /api/v1, generated from the same schemas that validate requests. The machine-readable OpenAPI 3.1 document is at',
    auth: 'Send an API token as “Authorization: Bearer obk_…”, or use a browser session (then unsafe requests need the X-CSRF-Token header). Errors always have the shape {"error": {"code", "message", "details"}}; the message follows Accept-Language or ?lang=.',
    parameters: 'Parameters',
    body: 'Request body',
    responses: 'Responses',
    public: 'public',
    signed_in: 'signed in',
  },
  fr: {
    title: 'Référence de l’API',
    lead: 'Chaque point d’accès sous /api/v1, généré à partir des schémas qui valident les requêtes. Le document OpenAPI 3.1 lisible par machine est à',
    auth: 'Envoyez un jeton d’API en « Authorization: Bearer obk_… », ou utilisez une session de navigateur (les requêtes modifiantes demandent alors l’en-tête X-CSRF-Token). Les erreurs ont toujours la forme {"error": {"code", "message", "details"}} ; le message suit Accept-Language ou ?lang=.',
    parameters: 'Paramètres',
    body: 'Corps de la requête',
    responses: 'Réponses',
    public: 'public',
    signed_in: 'connecté',
  },
});

type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: { name: string; in: string; required?: boolean; schema?: unknown }[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
};
type OpenApiDocument = { paths?: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, unknown> } };

/** A readable API reference rendered on the server from the OpenAPI document: no CDN, no script. */
export function renderApiDocs(c: Context<AppEnv>, openApi: object) {
  const document = openApi as OpenApiDocument;
  const locale = c.get('locale');
  const t = (key: Parameters<typeof docsText.t>[1]) => docsText.t(locale, key);
  const operations = Object.entries(document.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );
  const tags = [...new Set(operations.map((o) => o.operation.tags?.[0] ?? 'Other'))];
  return renderPage(c, {
    title: t('title'),
    children: (
      <>
        <h1>{t('title')}</h1>
        <p class="lead">
          {t('lead')} <a href="/api/openapi.json">/api/openapi.json</a>.
        </p>
        <p>{t('auth')}</p>
        {tags.map((tag) => (
          <section>
            <h2 id={`tag-${tag}`}>{tag}</h2>
            {operations
              .filter((o) => (o.operation.tags?.[0] ?? 'Other') === tag)
              .map(({ path, method, operation }) => (
                <div class="endpoint">
                  <h3>
                    <span class="method">{method.toUpperCase()}</span> <code>{path}</code>{' '}
                    <small>({operation.security?.length ? t('signed_in') : t('public')})</small>
                  </h3>
                  {operation.summary && <p>{operation.summary}</p>}
                  {operation.description && <p>{operation.description}</p>}
                  {operation.parameters && operation.parameters.length > 0 && (
                    <>
                      <h4>{t('parameters')}</h4>
                      <ul>
                        {operation.parameters.map((p) => (
                          <li>
                            <code>{p.name}</code> ({p.in}
                            {p.required ? ', required' : ''}) <code>{JSON.stringify(p.schema)}</code>
                          </li>
                        ))}
                      </ul>
                    </>
                  )}
                  {operation.requestBody?.content?.['application/json'] && (
                    <details>
                      <summary>{t('body')}</summary>
                      <pre>{JSON.stringify(operation.requestBody.content['application/json'].schema, null, 2)}</pre>
                    </details>
                  )}
                  <h4>{t('responses')}</h4>
                  <ul>
                    {Object.entries(operation.responses ?? {}).map(([status, response]) => (
                      <li>
                        <code>{status}</code> {response.description}
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
          </section>
        ))}
      </>
    ),
  });
}
