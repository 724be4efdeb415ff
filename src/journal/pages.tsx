import type { Hono } from 'hono';
import { defineMessages } from '../core/i18n/index.ts';
import { formatDateTime, formatNumber } from '../core/i18n/format.ts';
import { CardGrid, DataTable, EmptyState, SummaryCard } from '../web/components.tsx';
import type { AppEnv } from '../web/context.ts';
import { renderPage } from '../web/layout.tsx';
import { journalSize, latestCheckpoint, recentEvents } from './queries.ts';

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
    recent: 'Latest events',
    recent_caption: 'The 50 latest journal events, newest first',
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
    recent: 'Derniers événements',
    recent_caption: 'Les 50 derniers événements du journal, du plus récent au plus ancien',
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

export function registerJournalPages(pages: Hono<AppEnv>) {
  pages.get('/journal', async (c) => {
    const locale = c.get('locale');
    const t = (key: Parameters<typeof journalText.t>[1]) => journalText.t(locale, key);
    const { db, keyring } = c.get('deps');
    const [size, checkpoint, events] = await Promise.all([journalSize(db), latestCheckpoint(db), recentEvents(db, 50)]);
    return renderPage(c, {
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
          <h2>{t('recent')}</h2>
          {events.length === 0 ? (
            <EmptyState title={t('empty')} next={t('empty_next')} />
          ) : (
            <DataTable
              caption={t('recent_caption')}
              rows={events}
              columns={[
                { header: t('seq'), cell: (e) => formatNumber(locale, e.seq), numeric: true },
                { header: t('time'), cell: (e) => formatDateTime(locale, e.recordedAt) },
                { header: t('type'), cell: (e) => <span class="mono">{e.type}</span> },
                { header: t('subject'), cell: (e) => <span class="mono">{e.subject}</span> },
                { header: t('org'), cell: (e) => e.orgCode ?? '—' },
              ]}
            />
          )}
          <h2>{t('how_title')}</h2>
          <p>
            {t('how_text')} <a href="/docs/journal.md">{t('how_link')}</a> · <a href="/api/v1/journal/checkpoint">checkpoint</a> ·{' '}
            <a href="/.well-known/orebook-key">/.well-known/orebook-key</a>
          </p>
        </>
      ),
    });
  });
}
