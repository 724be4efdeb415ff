import type { Hono } from 'hono';
import { defineMessages } from '../core/i18n/index.ts';
import { formatDateTime, formatNumber } from '../core/i18n/format.ts';
import { authorize } from '../core/auth/policies.ts';
import { notFound } from '../core/errors.ts';
import { CardGrid, DataTable, EmptyState, ErrorSummary, Field, SelectField, SummaryCard, type FieldErrors } from '../web/components.tsx';
import type { AppEnv } from '../web/context.ts';
import { renderPage } from '../web/layout.tsx';
import { eventTypeLabel, labelledEventTypes } from './event-types.ts';
import { entryAt, journalSize, latestCheckpoint, pageOfEvents, type EventListFilter } from './queries.ts';

export const journalText = defineMessages({
  en: {
    title: 'Public journal',
    lead: 'Every change in Orebook is an event in this journal. The events form a Merkle tree, and the registry signs its root regularly, so anyone can check that no event was changed or removed.',
    entries: 'events in the journal',
    checkpoints_size: 'events covered by the latest signed checkpoint',
    signed_at: 'latest checkpoint signed (UTC)',
    latest_checkpoint: 'Latest signed checkpoint',
    keys: 'Public keys',
    keys_text: 'Check the signature with this verifier key (C2SP signed-note, Ed25519):',
    recent: 'Events',
    recent_caption: 'Journal events, newest first',
    filtered_caption: 'Journal events of the chosen type and days, newest first',
    filters: 'Filter the events',
    filter_type: 'Type of event',
    all_types: 'All types',
    from_day: 'From (UTC day)',
    to_day: 'To (UTC day, included)',
    day_invalid: 'Enter a day as year-month-day, for example 2026-03-31',
    type_invalid: 'There is no such type of event',
    apply_filters: 'Show these events',
    clear_filters: 'Show all events',
    newer: 'Newer events',
    older: 'Older events',
    pages: 'Pages of events',
    no_match: 'No event matches these filters.',
    no_match_next: 'Choose another type or other days, or show all events.',
    entry_title: 'Journal entry {index}',
    entry_lead: 'One event of the public journal, exactly as it is recorded. Its leaf hash is what the signed checkpoints commit to.',
    entry_caption: 'What the entry records',
    entry_number: 'Entry number',
    entry_type_code: 'Code',
    entry_json: 'The entry (canonical JSON, shown indented)',
    entry_json_hint: 'The recorded bytes are this JSON without spaces or line breaks (RFC 8785); the leaf hash is SHA-256 of a zero byte followed by them (RFC 9162).',
    leaf_hash: 'Leaf hash (SHA-256, hex)',
    raw_bytes: 'The exact bytes',
    raw_bytes_link: 'download the entry as recorded',
    proof: 'Inclusion proof',
    proof_link: 'proof against the latest signed checkpoint ({size} entries)',
    proof_pending: 'Not yet covered by a signed checkpoint: the next one will include it.',
    entry_missing: 'The journal has no entry {index}.',
    seq: 'Number',
    time: 'Time (UTC)',
    type: 'Event',
    subject: 'About',
    org: 'By',
    how_title: 'How to check it yourself',
    how_text: 'Download the entries and proofs from the API and recompute the root; the format is documented step by step.',
    how_link: 'Journal format and verification',
    empty: 'The journal is empty.',
    empty_next: 'Its first event appears when an organisation is created.',
    none_yet: 'No checkpoint has been signed yet.',
  },
  fr: {
    title: 'Journal public',
    lead: 'Chaque changement dans Orebook est un événement de ce journal. Les événements forment un arbre de Merkle dont le registre signe régulièrement la racine : chacun peut vérifier qu’aucun événement n’a été modifié ou retiré.',
    entries: 'événements dans le journal',
    checkpoints_size: 'événements couverts par le dernier point de contrôle signé',
    signed_at: 'dernier point de contrôle signé (UTC)',
    latest_checkpoint: 'Dernier point de contrôle signé',
    keys: 'Clés publiques',
    keys_text: 'Vérifiez la signature avec cette clé de vérification (C2SP signed-note, Ed25519) :',
    recent: 'Événements',
    recent_caption: 'Événements du journal, du plus récent au plus ancien',
    filtered_caption: 'Événements du journal du type et des jours choisis, du plus récent au plus ancien',
    filters: 'Filtrer les événements',
    filter_type: 'Type d’événement',
    all_types: 'Tous les types',
    from_day: 'Du (jour UTC)',
    to_day: 'Au (jour UTC, inclus)',
    day_invalid: 'Saisissez un jour sous la forme année-mois-jour, par exemple 2026-03-31',
    type_invalid: 'Ce type d’événement n’existe pas',
    apply_filters: 'Afficher ces événements',
    clear_filters: 'Afficher tous les événements',
    newer: 'Événements plus récents',
    older: 'Événements plus anciens',
    pages: 'Pages d’événements',
    no_match: 'Aucun événement ne correspond à ces filtres.',
    no_match_next: 'Choisissez un autre type ou d’autres jours, ou affichez tous les événements.',
    entry_title: 'Entrée {index} du journal',
    entry_lead: 'Un événement du journal public, exactement tel qu’il est enregistré. Son empreinte de feuille est ce sur quoi s’engagent les points de contrôle signés.',
    entry_caption: 'Ce que l’entrée enregistre',
    entry_number: 'Numéro de l’entrée',
    entry_type_code: 'Code',
    entry_json: 'L’entrée (JSON canonique, présenté indenté)',
    entry_json_hint: 'Les octets enregistrés sont ce JSON sans espaces ni retours à la ligne (RFC 8785) ; l’empreinte de feuille est le SHA-256 d’un octet nul suivi de ces octets (RFC 9162).',
    leaf_hash: 'Empreinte de feuille (SHA-256, hexadécimal)',
    raw_bytes: 'Les octets exacts',
    raw_bytes_link: 'télécharger l’entrée telle qu’enregistrée',
    proof: 'Preuve d’inclusion',
    proof_link: 'preuve par rapport au dernier point de contrôle signé ({size} entrées)',
    proof_pending: 'Pas encore couverte par un point de contrôle signé : le prochain l’inclura.',
    entry_missing: 'Le journal n’a pas d’entrée {index}.',
    seq: 'Numéro',
    time: 'Heure (UTC)',
    type: 'Événement',
    subject: 'Objet',
    org: 'Par',
    how_title: 'Comment le vérifier vous-même',
    how_text: 'Téléchargez les entrées et les preuves depuis l’API et recalculez la racine ; le format est documenté pas à pas.',
    how_link: 'Format du journal et vérification',
    empty: 'Le journal est vide.',
    empty_next: 'Son premier événement apparaît à la création d’une organisation.',
    none_yet: 'Aucun point de contrôle n’a encore été signé.',
  },
});

const pageSize = 50;
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;
const typePattern = /^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/;

/** A day of the calendar (UTC), or undefined for anything else (`2026-02-31` included). */
function dayOf(value: string | undefined): string | undefined {
  if (!value || !dayPattern.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? value : undefined;
}

/** A query string of the filters with a position, so that paging keeps the filters and every view has a permalink. */
function journalLink(filter: EventListFilter, position: Record<string, number>): string {
  const query = new URLSearchParams();
  if (filter.type) query.set('type', filter.type);
  if (filter.fromDay) query.set('from', filter.fromDay);
  if (filter.toDay) query.set('to', filter.toDay);
  for (const [name, value] of Object.entries(position)) query.set(name, String(value));
  const text = query.toString();
  return text ? `/journal?${text}` : '/journal';
}

const position = (value: string | undefined) => (value && /^\d{1,15}$/.test(value) ? Number(value) : undefined);

export function registerJournalPages(pages: Hono<AppEnv>) {
  pages.get('/journal', async (c) => {
    authorize(c.get('actor'), 'journal.read');
    const locale = c.get('locale');
    const t = (key: Parameters<typeof journalText.t>[1]) => journalText.t(locale, key);
    const { db, keyring } = c.get('deps');
    const query = c.req.query();
    const errors: FieldErrors = {};
    const filter: EventListFilter = {};
    if (query.type) {
      if (typePattern.test(query.type)) filter.type = query.type;
      else errors.type = t('type_invalid');
    }
    for (const [name, field] of [['from', 'fromDay'], ['to', 'toDay']] as const) {
      if (!query[name]) continue;
      const day = dayOf(query[name]);
      if (day) filter[field] = day;
      else errors[name] = t('day_invalid');
    }
    const filtered = Boolean(filter.type || filter.fromDay || filter.toDay);
    const [size, checkpoint, page] = await Promise.all([
      journalSize(db),
      latestCheckpoint(db),
      pageOfEvents(db, filter, { before: position(query.before), after: position(query.after) }, pageSize),
    ]);
    const { events } = page;
    const types = filter.type && !labelledEventTypes.includes(filter.type) ? [...labelledEventTypes, filter.type] : labelledEventTypes;
    return renderPage(
      c,
      {
        title: t('title'),
        children: (
          <>
            <h1>{t('title')}</h1>
            <p class="lead">{t('lead')}</p>
            <CardGrid>
              <SummaryCard figure={formatNumber(locale, size)} label={t('entries')} />
              <SummaryCard figure={formatNumber(locale, checkpoint?.treeSize ?? 0)} label={t('checkpoints_size')} />
              {checkpoint && <SummaryCard small figure={formatDateTime(locale, checkpoint.signedAt)} label={t('signed_at')} />}
            </CardGrid>
            <h2>{t('latest_checkpoint')}</h2>
            {checkpoint ? <pre id="checkpoint">{checkpoint.note}</pre> : <p>{t('none_yet')}</p>}
            <h2>{t('keys')}</h2>
            <p>{t('keys_text')}</p>
            {keyring.published.map((key) => (
              <p class="mono">{key.verifierKey}</p>
            ))}
            <h2 id="events">{t('recent')}</h2>
            <ErrorSummary locale={locale} errors={errors} />
            <form method="get" action="/journal#events" class="filters" aria-label={t('filters')}>
              <SelectField
                name="type"
                label={t('filter_type')}
                value={filter.type ?? ''}
                error={errors.type}
                options={[{ value: '', label: t('all_types') }, ...[...types].sort((a, b) => eventTypeLabel(locale, a).localeCompare(eventTypeLabel(locale, b), locale)).map((type) => ({ value: type, label: eventTypeLabel(locale, type) }))]}
              />
              <Field name="from" type="date" label={t('from_day')} value={filter.fromDay ?? (errors.from ? query.from : undefined)} error={errors.from} />
              <Field name="to" type="date" label={t('to_day')} value={filter.toDay ?? (errors.to ? query.to : undefined)} error={errors.to} />
              <p>
                <button class="button button-secondary" type="submit">
                  {t('apply_filters')}
                </button>{' '}
                {filtered && <a href="/journal#events">{t('clear_filters')}</a>}
              </p>
            </form>
            {events.length === 0 ? (
              size === 0 ? <EmptyState title={t('empty')} next={t('empty_next')} /> : <EmptyState title={t('no_match')} next={<a href="/journal#events">{t('no_match_next')}</a>} />
            ) : (
              <DataTable
                caption={filtered ? t('filtered_caption') : t('recent_caption')}
                rows={events}
                columns={[
                  { header: t('seq'), cell: (e) => <a href={`/journal/${e.seq}`}>{formatNumber(locale, e.seq)}</a>, numeric: true },
                  { header: t('time'), cell: (e) => formatDateTime(locale, e.recordedAt) },
                  { header: t('type'), cell: (e) => <span title={e.type}>{eventTypeLabel(locale, e.type)}</span> },
                  { header: t('subject'), cell: (e) => <span class="mono">{e.subject}</span> },
                  { header: t('org'), cell: (e) => e.orgCode ?? '—' },
                ]}
              />
            )}
            {(page.hasNewer || page.hasOlder) && (
              <nav class="pager" aria-label={t('pages')}>
                {page.hasNewer && events[0] ? <a href={`${journalLink(filter, { after: events[0].seq })}#events`}>← {t('newer')}</a> : <span />}
                {page.hasOlder && events.at(-1) ? <a href={`${journalLink(filter, { before: events.at(-1)!.seq })}#events`}>{t('older')} →</a> : <span />}
              </nav>
            )}
            <h2>{t('how_title')}</h2>
            <p>
              {t('how_text')} <a href="/docs/journal.md">{t('how_link')}</a> · <a href="/api/v1/journal/checkpoint">checkpoint</a> ·{' '}
              <a href="/.well-known/orebook-key">/.well-known/orebook-key</a>
            </p>
          </>
        ),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    );
  });

  // One entry, readable: what a certificate's "journal entry" links to. Entries carry no personal data by design.
  pages.get('/journal/:index{[0-9]{1,15}}', async (c) => {
    authorize(c.get('actor'), 'journal.read');
    const locale = c.get('locale');
    const t = (key: Parameters<typeof journalText.t>[1], params?: Record<string, string | number>) => journalText.t(locale, key, params);
    const index = Number(c.req.param('index'));
    const db = c.get('deps').db;
    const [entry, checkpoint] = await Promise.all([entryAt(db, index), latestCheckpoint(db)]);
    const title = t('entry_title', { index: formatNumber(locale, index) });
    if (!entry) {
      return renderPage(c, { title, breadcrumbs: [{ href: '/journal', label: t('title') }], children: <EmptyState title={t('entry_missing', { index: formatNumber(locale, index) })} next={<a href="/journal">{t('title')}</a>} /> }, 404);
    }
    const event = JSON.parse(entry.bytes.toString('utf8')) as unknown;
    return renderPage(c, {
      title,
      breadcrumbs: [{ href: '/journal', label: t('title') }],
      children: (
        <>
          <h1>{title}</h1>
          <p class="lead">{t('entry_lead')}</p>
          <dl class="summary-list" aria-label={t('entry_caption')}>
            <dt>{t('entry_number')}</dt>
            <dd>{formatNumber(locale, entry.seq)}</dd>
            <dt>{t('type')}</dt>
            <dd>
              {eventTypeLabel(locale, entry.type)} (<span class="mono">{entry.type}</span>)
            </dd>
            <dt>{t('time')}</dt>
            <dd>{formatDateTime(locale, entry.recordedAt)}</dd>
            <dt>{t('org')}</dt>
            <dd>{entry.orgCode ?? '—'}</dd>
            <dt>{t('subject')}</dt>
            <dd class="mono">{entry.subject}</dd>
            <dt>{t('leaf_hash')}</dt>
            <dd class="mono hash">{entry.leafHash.toString('hex')}</dd>
            <dt>{t('raw_bytes')}</dt>
            <dd>
              <a href={`/journal/${entry.seq}/entry.json`}>{t('raw_bytes_link')}</a> · <a href={`/api/v1/journal/entries?start=${entry.seq}&limit=1`}>API</a>
            </dd>
            <dt>{t('proof')}</dt>
            <dd>
              {checkpoint && checkpoint.treeSize > entry.seq ? (
                <a href={`/api/v1/journal/proof/inclusion?index=${entry.seq}&size=${checkpoint.treeSize}`}>{t('proof_link', { size: formatNumber(locale, checkpoint.treeSize) })}</a>
              ) : (
                t('proof_pending')
              )}
            </dd>
          </dl>
          <h2>{t('entry_json')}</h2>
          <p class="hint">{t('entry_json_hint')}</p>
          <pre class="entry-json">{JSON.stringify(event, null, 2)}</pre>
        </>
      ),
    });
  });

  // The entry's exact bytes, to hash or keep: what the leaf hash and the proofs are computed over.
  pages.get('/journal/:index{[0-9]{1,15}}/entry.json', async (c) => {
    authorize(c.get('actor'), 'journal.read');
    const entry = await entryAt(c.get('deps').db, Number(c.req.param('index')));
    if (!entry) throw notFound();
    return c.body(new Uint8Array(entry.bytes), 200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, max-age=3600' });
  });
}
