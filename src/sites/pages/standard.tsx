import type { Context, Hono } from 'hono';
import { authorize, can } from '../../core/auth/policies.ts';
import { AppError } from '../../core/errors.ts';
import { formatDate, formatNumber } from '../../core/i18n/format.ts';
import type { Locale, Params } from '../../core/i18n/index.ts';
import { runCommand } from '../../journal/public.ts';
import { CardGrid, CsrfField, DataTable, EmptyState, ErrorSummary, Field, SelectField, StatusTag, SummaryCard, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { renderPage } from '../../web/layout.tsx';
import { frame } from '../../web/messages.ts';
import { createStandardVersion } from '../commands/standard/create-standard-version.ts';
import { publishStandardVersion } from '../commands/standard/publish-standard-version.ts';
import { standardError, standardText } from '../messages/standard.ts';
import { criteriaOf, findStandardVersion, latestPublishedVersion, listVersions, type StandardCriterion } from '../queries/standard.ts';
import { standardAreas } from '../schema.ts';

type Key = Parameters<typeof standardText.t>[1];
const text = (locale: Locale) => (key: Key, params?: Params) => standardText.t(locale, key, params);

const home = (c: Context<AppEnv>) => ({ href: '/', label: frame.t(c.get('locale'), 'nav_home') });

function LevelTag({ locale, level }: { locale: Locale; level: 'baseline' | 'progress' }) {
  return <StatusTag tone={level === 'baseline' ? 'blue' : 'grey'}>{standardText.t(locale, `level_${level}`)}</StatusTag>;
}

/** The criteria of a version, area by area, in the reader's language, with the verifier's guidance folded away. */
function CriteriaByArea({ locale, criteria }: { locale: Locale; criteria: StandardCriterion[] }) {
  const t = text(locale);
  return (
    <>
      {standardAreas.map((area) => {
        const inArea = criteria.filter((c) => c.area === area);
        if (inArea.length === 0) return null;
        return (
          <section id={area}>
            <h2>{t(`area_${area}`)}</h2>
            {inArea.map((criterion) => (
              <article class="criterion" id={criterion.code}>
                <h3>
                  <span class="mono">{criterion.code}</span> <LevelTag locale={locale} level={criterion.level} />
                </h3>
                <p>{locale === 'fr' ? criterion.textFr : criterion.textEn}</p>
                <details>
                  <summary>{t('guidance')}</summary>
                  <p>{locale === 'fr' ? criterion.guidanceFr : criterion.guidanceEn}</p>
                </details>
              </article>
            ))}
          </section>
        );
      })}
    </>
  );
}

/** The draft versions and the form to create one, for those who may publish the standard: a refused creation comes back here, and so does its 403. */
async function versionsPage(c: Context<AppEnv>, extra: { values?: Record<string, string>; errors?: FieldErrors; notice?: string; status?: 200 | 400 | 409 | 422 } = {}) {
  authorize(c.get('actor'), 'standard.publish');
  const locale = c.get('locale');
  const t = text(locale);
  const versions = await listVersions(c.get('deps').db);
  const errors = extra.errors ?? {};
  const hasPublished = versions.some((v) => v.status === 'published');
  return renderPage(
    c,
    {
      title: t('versions_title'),
      breadcrumbs: [home(c), { href: '/standard', label: t('title') }],
      children: (
        <>
          <h1>{t('versions_title')}</h1>
          <p class="lead">{t('versions_lead')}</p>
          {extra.notice && (
            <p class="panel" role="status">
              {extra.notice}
            </p>
          )}
          {versions.length === 0 ? (
            <EmptyState title={t('no_versions')} next={t('no_versions_next')} />
          ) : (
            <DataTable
              caption={t('versions_caption')}
              rows={versions}
              columns={[
                { header: t('version'), cell: (v) => <span class="mono">{v.version}</span> },
                { header: t('status'), cell: (v) => <StatusTag tone={v.status === 'published' ? 'green' : 'yellow'}>{t(`status_${v.status}`)}</StatusTag> },
                { header: t('criteria'), cell: (v) => formatNumber(locale, v.criteria), numeric: true },
                { header: t('created'), cell: (v) => formatDate(locale, v.createdAt) },
                { header: t('published'), cell: (v) => (v.publishedAt ? formatDate(locale, v.publishedAt) : '—') },
                {
                  header: t('action'),
                  cell: (v) =>
                    v.status === 'draft' ? (
                      <a href={`/standard/versions/${encodeURIComponent(v.version)}/publish`}>{t('review_and_publish', { version: v.version })}</a>
                    ) : (
                      <a href={`/standard/versions/${encodeURIComponent(v.version)}`}>{t('view_published', { version: v.version })}</a>
                    ),
                },
              ]}
            />
          )}
          <h2>{t('create_title')}</h2>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action="/standard/versions" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="version" label={t('version')} hint={t('version_hint')} value={extra.values?.version} error={errors.version} />
            <SelectField
              name="source"
              label={t('source')}
              value={extra.values?.source ?? (hasPublished ? 'latest_published' : 'default')}
              error={errors.source}
              options={[
                ...(hasPublished ? [{ value: 'latest_published', label: t('source_latest_published') }] : []),
                { value: 'default', label: t('source_default') },
              ]}
            />
            <button class="button" type="submit">
              {t('create_button')}
            </button>
          </form>
        </>
      ),
    },
    extra.status ?? 200,
  );
}

async function versionOrNotFound(c: Context<AppEnv>) {
  const version = c.req.param('version') ?? '';
  const row = await findStandardVersion(c.get('deps').db, version);
  if (!row) throw standardError('standard_version_not_found', 404, { version });
  return row;
}

/** The standard for everyone; its versions, drafts and publishing for the secretariat. */
export function registerStandardPages(pages: Hono<AppEnv>) {
  pages.get('/standard', async (c) => {
    const locale = c.get('locale');
    const t = text(locale);
    const actor = c.get('actor');
    authorize(actor, 'standard.read');
    const db = c.get('deps').db;
    const latest = await latestPublishedVersion(db);
    const criteria = latest ? await criteriaOf(db, latest.id) : [];
    const baseline = criteria.filter((criterion) => criterion.level === 'baseline').length;
    return renderPage(c, {
      title: t('title'),
      breadcrumbs: [home(c)],
      children: (
        <>
          <h1>{t('title')}</h1>
          <p class="lead">{t('lead')}</p>
          {can(actor, 'standard.publish') && (
            <p>
              <a href="/standard/versions">{t('manage_versions')}</a>
            </p>
          )}
          {!latest ? (
            <EmptyState title={t('none_published')} next={t('none_published_next')} />
          ) : (
            <>
              <p>{t('version_line', { version: latest.version, date: formatDate(locale, latest.publishedAt!) })}</p>
              <CardGrid>
                <SummaryCard figure={formatNumber(locale, criteria.length)} label={t('criteria_count')} />
                <SummaryCard figure={formatNumber(locale, baseline)} label={t('baseline_count')} />
                <SummaryCard figure={formatNumber(locale, criteria.length - baseline)} label={t('progress_count')} />
              </CardGrid>
              <p>{t('levels_explained')}</p>
              <CriteriaByArea locale={locale} criteria={criteria} />
            </>
          )}
        </>
      ),
    });
  });

  pages.get('/standard/versions', async (c) => {
    const locale = c.get('locale');
    const created = c.req.query('created');
    const published = c.req.query('published');
    const notice = created ? standardText.t(locale, 'created_notice', { version: created }) : published ? standardText.t(locale, 'published_notice', { version: published }) : undefined;
    return versionsPage(c, { notice });
  });

  pages.post('/standard/versions', async (c) => {
    const actor = c.get('actor');
    const locale = c.get('locale');
    const body = await c.req.parseBody();
    const values = { version: String(body.version ?? '').trim(), source: String(body.source ?? '') };
    if (!values.version) return versionsPage(c, { values, errors: { version: standardText.t(locale, 'version_missing') }, status: 400 });
    const source = values.source === 'latest_published' ? ({ kind: 'latest_published' } as const) : ({ kind: 'default' } as const);
    try {
      await runCommand(c.get('deps').db, actor, (ctx) => createStandardVersion(ctx, { version: values.version, source }));
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500) throw error;
      const field = error.code === 'standard_none_published' ? 'source' : 'version';
      return versionsPage(c, { values, errors: { [field]: error.text[locale] }, status: error.status === 409 ? 409 : 422 });
    }
    return c.redirect(`/standard/versions?created=${encodeURIComponent(values.version)}`, 303);
  });

  pages.get('/standard/versions/:version', async (c) => {
    const locale = c.get('locale');
    const t = text(locale);
    const version = await versionOrNotFound(c);
    authorize(c.get('actor'), version.status === 'published' ? 'standard.read' : 'standard.publish');
    const criteria = await criteriaOf(c.get('deps').db, version.id);
    const title = `${t('title')} ${version.version}`;
    return renderPage(c, {
      title,
      breadcrumbs: [home(c), { href: '/standard', label: t('title') }],
      children: (
        <>
          <h1>{title}</h1>
          <p>
            <StatusTag tone={version.status === 'published' ? 'green' : 'yellow'}>{t(`status_${version.status}`)}</StatusTag>{' '}
            {version.publishedAt && t('version_line', { version: version.version, date: formatDate(locale, version.publishedAt) })}
          </p>
          <CriteriaByArea locale={locale} criteria={criteria} />
        </>
      ),
    });
  });

  pages.get('/standard/versions/:version/publish', async (c) => {
    authorize(c.get('actor'), 'standard.publish');
    const locale = c.get('locale');
    const t = text(locale);
    const version = await versionOrNotFound(c);
    const criteria = await criteriaOf(c.get('deps').db, version.id);
    const baseline = criteria.filter((criterion) => criterion.level === 'baseline').length;
    const title = t('publish_title', { version: version.version });
    return renderPage(c, {
      title,
      breadcrumbs: [home(c), { href: '/standard', label: t('title') }, { href: '/standard/versions', label: t('versions_title') }],
      children: (
        <>
          <h1>{title}</h1>
          {version.status === 'published' ? (
            <p class="panel" role="status">
              {t('already_published', { version: version.version, date: formatDate(locale, version.publishedAt!) })}
            </p>
          ) : (
            <>
              <p class="lead">{t('publish_summary', { version: version.version, criteria: criteria.length, baseline, progress: criteria.length - baseline })}</p>
              <div class="panel">
                <p>
                  <strong>{t('publish_warning')}</strong>
                </p>
              </div>
              <form method="post" action={`/standard/versions/${encodeURIComponent(version.version)}/publish`}>
                <CsrfField token={c.get('csrfToken')} />
                <button class="button button-warning" type="submit">
                  {t('publish_button', { version: version.version })}
                </button>{' '}
                <a href="/standard/versions">{t('cancel')}</a>
              </form>
              <p class="hint">{t('edit_hint', { version: version.version })}</p>
            </>
          )}
          <DataTable
            caption={t('criteria_caption', { version: version.version })}
            rows={criteria}
            columns={[
              { header: t('code'), cell: (criterion) => <span class="mono">{criterion.code}</span> },
              { header: t('area'), cell: (criterion) => t(`area_${criterion.area}`) },
              { header: t('level'), cell: (criterion) => <LevelTag locale={locale} level={criterion.level} /> },
              { header: t('text'), cell: (criterion) => (locale === 'fr' ? criterion.textFr : criterion.textEn) },
            ]}
          />
        </>
      ),
    });
  });

  pages.post('/standard/versions/:version/publish', async (c) => {
    const published = await runCommand(c.get('deps').db, c.get('actor'), (ctx) => publishStandardVersion(ctx, { version: c.req.param('version') }));
    return c.redirect(`/standard/versions?published=${encodeURIComponent(published.version)}`, 303);
  });
}
