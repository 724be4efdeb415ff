import type { Context, Hono } from 'hono';
import type { Child } from 'hono/jsx';
import { accountFigures, accountsText, findOrganisation, listTokens } from './accounts/public.ts';
import { can } from './core/auth/policies.ts';
import { defineMessages } from './core/i18n/index.ts';
import { formatDateTime, formatNumber } from './core/i18n/format.ts';
import { journalSize, latestCheckpoint } from './journal/public.ts';
import { CardGrid, CsrfField, HomeSection, SummaryCard } from './web/components.tsx';
import type { AppEnv } from './web/context.ts';
import { renderPage } from './web/layout.tsx';
import type { OrebookModule } from './web/module.ts';

export const homeText = defineMessages({
  en: {
    public_title: 'Orebook: responsible minerals, checkable by anyone',
    public_lead: 'Orebook is the registry of Responsible Minerals Credits and the record of the site programmes they fund: safety at the mine, children back to school, savings groups, and where every franc of premium goes. Every change is in a public, signed journal.',
    signed_in_title: 'Your work in Orebook',
    journal_events: 'events in the public journal',
    checkpoint_signed: 'latest signed checkpoint (UTC)',
    no_checkpoint: 'no checkpoint yet',
    organisations: 'organisations',
    users: 'users',
    active_tokens: 'active API tokens',
    your_organisation: 'Your organisation: {name} ({kind}).',
    tasks: 'Accounts and journal',
    task_locked: '{count, plural, one {# user account locked} other {# user accounts locked}} after failed sign-ins',
    task_tokens_expiring: '{count, plural, one {# API token expires} other {# API tokens expire}} within 14 days',
    task_checkpoint_stale: 'No checkpoint signed in the last 24 hours',
    sign_checkpoint: 'Sign a checkpoint now',
    no_tasks: 'No locked account, expiring API token or unsigned checkpoint.',
    your_tokens: 'API tokens of your organisation',
    sign_in_prompt: 'Work for the programme? Sign in to see your tasks.',
  },
  fr: {
    public_title: 'Orebook : des minerais responsables, vérifiables par tous',
    public_lead: 'Orebook est le registre des crédits de minerais responsables et le registre des programmes qu’ils financent sur les sites : sécurité à la mine, enfants retournés à l’école, groupes d’épargne, et la destination de chaque franc de prime. Chaque changement figure dans un journal public et signé.',
    signed_in_title: 'Votre travail dans Orebook',
    journal_events: 'événements dans le journal public',
    checkpoint_signed: 'dernier point de contrôle signé (UTC)',
    no_checkpoint: 'aucun point de contrôle',
    organisations: 'organisations',
    users: 'utilisateurs',
    active_tokens: 'jetons d’API actifs',
    your_organisation: 'Votre organisation : {name} ({kind}).',
    tasks: 'Comptes et journal',
    task_locked: '{count, plural, one {# compte bloqué} other {# comptes bloqués}} après des connexions échouées',
    task_tokens_expiring: '{count, plural, one {# jeton d’API expire} other {# jetons d’API expirent}} dans les 14 jours',
    task_checkpoint_stale: 'Aucun point de contrôle signé depuis 24 heures',
    sign_checkpoint: 'Signer un point de contrôle maintenant',
    no_tasks: 'Aucun compte bloqué, jeton d’API sur le point d’expirer ni point de contrôle à signer.',
    your_tokens: 'jetons d’API de votre organisation',
    sign_in_prompt: 'Vous travaillez pour le programme ? Connectez-vous pour voir vos tâches.',
  },
});

const day = 86_400_000;

async function AdminHome({ c }: { c: Context<AppEnv> }) {
  const locale = c.get('locale');
  const t = (key: Parameters<typeof homeText.t>[1], params?: Record<string, number>) => homeText.t(locale, key, params);
  const db = c.get('deps').db;
  const [figures, size, checkpoint] = await Promise.all([accountFigures(db), journalSize(db), latestCheckpoint(db)]);
  const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);
  const stale = !checkpoint || Date.now() - checkpoint.signedAt.getTime() > day;
  const tasks: Child[] = [];
  if (figures.lockedUsers > 0) tasks.push(<a href="/users">{t('task_locked', { count: figures.lockedUsers })}</a>);
  if (figures.tokensExpiringSoon > 0) tasks.push(<a href="/tokens">{t('task_tokens_expiring', { count: figures.tokensExpiringSoon })}</a>);
  if (stale) {
    tasks.push(
      <form method="post" action="/journal/checkpoint" class="inline-form">
        {t('task_checkpoint_stale')} <CsrfField token={c.get('csrfToken')} />
        <button type="submit" class="button button-secondary">
          {t('sign_checkpoint')}
        </button>
      </form>,
    );
  }
  return (
    <>
      <CardGrid>
        <SummaryCard figure={formatNumber(locale, sum(figures.organisationsByKind))} label={t('organisations')} />
        <SummaryCard figure={formatNumber(locale, sum(figures.usersByRole))} label={t('users')} />
        <SummaryCard figure={formatNumber(locale, figures.activeTokens)} label={t('active_tokens')} />
        <SummaryCard figure={formatNumber(locale, size)} label={t('journal_events')} />
      </CardGrid>
      {/* Each module's section below lists its own tasks: this one says only whether accounts and the journal need anything. */}
      <HomeSection title={t('tasks')} tasks={tasks} empty={t('no_tasks')} />
    </>
  );
}

async function MemberHome({ c }: { c: Context<AppEnv> }) {
  const locale = c.get('locale');
  const actor = c.get('actor');
  const t = (key: Parameters<typeof homeText.t>[1], params?: Record<string, string>) => homeText.t(locale, key, params);
  const db = c.get('deps').db;
  if (!('orgId' in actor) || actor.orgId === null) return null;
  const [organisation, tokens, size] = await Promise.all([findOrganisation(db, { id: actor.orgId }), listTokens(db, actor.orgId), journalSize(db)]);
  const active = tokens.filter((token) => !token.revokedAt && (!token.expiresAt || token.expiresAt > new Date())).length;
  return (
    <>
      {organisation && <p>{t('your_organisation', { name: organisation.name, kind: accountsText.t(locale, `kind_${organisation.kind}`) })}</p>}
      <CardGrid>
        <SummaryCard figure={formatNumber(locale, active)} label={t('your_tokens')} />
        <SummaryCard figure={formatNumber(locale, size)} label={t('journal_events')} />
      </CardGrid>
    </>
  );
}

async function PublicHome({ c }: { c: Context<AppEnv> }) {
  const locale = c.get('locale');
  const t = (key: Parameters<typeof homeText.t>[1]) => homeText.t(locale, key);
  const db = c.get('deps').db;
  const [size, checkpoint] = await Promise.all([journalSize(db), latestCheckpoint(db)]);
  return (
    <>
      <p class="lead">{t('public_lead')}</p>
      <CardGrid>
        <SummaryCard figure={formatNumber(locale, size)} label={t('journal_events')} />
        <SummaryCard small figure={checkpoint ? formatDateTime(locale, checkpoint.signedAt) : '—'} label={checkpoint ? t('checkpoint_signed') : t('no_checkpoint')} />
      </CardGrid>
      <p>
        <a href="/login">{t('sign_in_prompt')}</a>
      </p>
    </>
  );
}

/** The home page: the public figures for visitors, and each role's own figures and tasks once signed in. */
export function registerHomePage(pages: Hono<AppEnv>, modules: readonly OrebookModule[]) {
  pages.get('/', async (c) => {
    const actor = c.get('actor');
    const locale = c.get('locale');
    const sections = actor.kind === 'anonymous' ? [] : await Promise.all(modules.map((module) => module.homeSection?.(c) ?? null));
    const title = actor.kind === 'anonymous' ? homeText.t(locale, 'public_title') : homeText.t(locale, 'signed_in_title');
    const body = actor.kind === 'anonymous' ? await PublicHome({ c }) : can(actor, 'organisation.list') ? await AdminHome({ c }) : await MemberHome({ c });
    return renderPage(c, {
      title,
      children: (
        <>
          <h1>{title}</h1>
          {body}
          {sections}
        </>
      ),
    });
  });
}
