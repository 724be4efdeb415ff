import type { Context, Hono } from 'hono';
import { authorize, can } from '../../../core/auth/policies.ts';
import { organisationOf } from '../../../core/auth/roles.ts';
import { isoDateOf } from '../../../core/calendar.ts';
import { formatDate, formatMoney, formatTonnes } from '../../../core/i18n/format.ts';
import type { Locale } from '../../../core/i18n/index.ts';
import { organisationCredits, type CreditPurchase, type CreditRetirementSummary } from '../../../registry/public.ts';
import { DataTable, EmptyState } from '../../../web/components.tsx';
import type { AppEnv } from '../../../web/context.ts';
import { renderPage } from '../../../web/layout.tsx';
import { invoicePdfOfCall } from '../../invoice/contribution-call-response.ts';
import { listPublishedActivities } from '../../queries/activities.ts';
import { listProgrammeAreas } from '../../queries/areas.ts';
import { getMember } from '../../queries/members.ts';
import { MemberRecord, pageText } from './shared.tsx';

const mineralName = (locale: Locale, mineral: string) => ({ cobalt: { en: 'Cobalt', fr: 'Cobalt' }, copper: { en: 'Copper', fr: 'Cuivre' } })[mineral]?.[locale] ?? mineral;

function CreditsSection({ locale, purchases, retirements }: { locale: Locale; purchases: CreditPurchase[]; retirements: CreditRetirementSummary[] }) {
  const t = pageText(locale);
  return (
    <section>
      <h2 id="credits">{t('credits_title')}</h2>
      {purchases.length === 0 ? (
        <p>{t('no_purchases')}</p>
      ) : (
        <DataTable
          caption={t('purchases_caption')}
          rows={purchases}
          columns={[
            { header: t('col_invoice'), cell: (p) => p.invoiceNumber },
            { header: t('col_paid_on'), cell: (p) => formatDate(locale, p.paidOn) },
            { header: t('col_credits'), cell: (p) => t('credits_value', { mineral: mineralName(locale, p.mineral), vintage: p.vintage }) },
            { header: t('col_quantity'), cell: (p) => formatTonnes(locale, p.quantityKg), numeric: true },
            { header: t('col_amount'), cell: (p) => formatMoney(locale, p.amountMinor, p.currency), numeric: true },
          ]}
        />
      )}
      {retirements.length === 0 ? (
        <p>{t('no_retirements')}</p>
      ) : (
        <DataTable
          caption={t('retirements_caption')}
          rows={retirements}
          columns={[
            { header: t('col_retired'), cell: (r) => <a href={`/certificates/${r.id}`}>{formatDate(locale, r.retiredAt)}</a> },
            { header: t('col_credits'), cell: (r) => r.minerals.map((mineral) => t('credits_value', { mineral: mineralName(locale, mineral), vintage: r.vintages.join(', ') })).join('; ') },
            { header: t('col_quantity'), cell: (r) => formatTonnes(locale, r.quantityKg), numeric: true },
            { header: t('col_beneficiary'), cell: (r) => r.beneficiary },
            { header: t('col_claim_period'), cell: (r) => `${formatDate(locale, r.claimPeriodStart)} – ${formatDate(locale, r.claimPeriodEnd)}` },
          ]}
        />
      )}
    </section>
  );
}

type Area = Awaited<ReturnType<typeof listProgrammeAreas>>[number];
type Activity = Awaited<ReturnType<typeof listPublishedActivities>>[number];

function FundsSection({ locale, areas, activities }: { locale: Locale; areas: Area[]; activities: Activity[] }) {
  const t = pageText(locale);
  return (
    <section>
      <h2 id="funds">{t('funds_title')}</h2>
      <p>{t('funds_lead')}</p>
      <DataTable
        caption={t('funds_caption')}
        rows={areas}
        columns={[
          { header: t('col_area'), cell: (area) => (locale === 'fr' ? area.labelFr : area.labelEn) },
          {
            header: t('col_activities'),
            cell: (area) => {
              const titles = activities.filter((activity) => activity.areaId === area.id).map((activity) => (locale === 'fr' ? activity.titleFr : activity.titleEn));
              return titles.length === 0 ? t('no_activities') : titles.join(' · ');
            },
          },
        ]}
      />
    </section>
  );
}

/** A member's own page: its contributions and payments, the credits it bought and retired, and what its money funds. */
async function ownMembershipPage(c: Context<AppEnv>) {
  const actor = c.get('actor');
  const orgId = organisationOf(actor) ?? -1;
  authorize(actor, 'finance.membership.read', { orgId });
  // The secretariat has no membership of its own: its page is the list of members.
  if (can(actor, 'finance.members.list')) return c.redirect('/finance/members', 303);
  const locale = c.get('locale');
  const t = pageText(locale);
  const db = c.get('deps').db;
  const member = await getMember(db, orgId, isoDateOf(new Date()));
  if (!member) {
    return renderPage(c, { title: t('not_member_title'), children: <EmptyState title={t('not_member_title')} next={t('not_member_next')} /> });
  }
  const credits = await organisationCredits(db, orgId);
  const areas = await listProgrammeAreas(db);
  const activities = await listPublishedActivities(db);
  return renderPage(c, {
    title: t('own_title'),
    children: (
      <>
        <h1>{t('own_title')}</h1>
        <p class="lead">{t('own_lead', { organisation: member.organisationName, since: formatDate(locale, member.memberSince) })}</p>
        <MemberRecord locale={locale} member={member} admin={false} />
        <CreditsSection locale={locale} purchases={credits.purchases} retirements={credits.retirements} />
        <FundsSection locale={locale} areas={areas} activities={activities} />
      </>
    ),
  });
}

export function registerOwnMembershipPages(pages: Hono<AppEnv>) {
  pages.get('/finance/membership', (c) => ownMembershipPage(c));
  pages.get('/finance/contributions/:number{MC-[0-9]{4}-[0-9]{4,6}}/invoice.pdf', (c) => invoicePdfOfCall(c, c.req.param('number')));
}
