import type { Context } from 'hono';
import { authorize } from '../../../core/auth/policies.ts';
import type { Locale, Params } from '../../../core/i18n/index.ts';
import type { AppEnv } from '../../../web/context.ts';
import type { WorkerColumn } from '../../worker-records.ts';
import { siteError } from '../../messages/sites.ts';
import { workersText, type WorkersTextKey } from '../../messages/workers.ts';
import { findSiteByCode, type SiteWithDetails } from '../../queries/sites.ts';

export const pageSize = 50;

export const fieldOf: Record<WorkerColumn, string> = {
  full_name: 'fullName',
  sex: 'sex',
  birth_year: 'birthYear',
  operator_group: 'operatorGroup',
  id_number: 'idNumber',
  registered_on: 'registeredOn',
};

/** The site a URL names, once the actor may act on it; the policy is asked before the site is known to exist. */
export async function siteFor(c: Context<AppEnv>, action: 'worker.read' | 'worker.register'): Promise<SiteWithDetails> {
  const code = c.req.param('code') ?? '';
  const site = await findSiteByCode(c.get('deps').db, code);
  authorize(c.get('actor'), action, { siteCooperativeOrgId: site?.cooperativeOrganisationId ?? -1 });
  if (!site) throw siteError('site_not_found', 404, { code });
  return site;
}

export const textOf = (locale: Locale) => (key: WorkersTextKey, params?: Params) => workersText.t(locale, key, params);
export const groupLabel = (locale: Locale, g: { labelEn: string; labelFr: string }) => (locale === 'fr' ? g.labelFr : g.labelEn);
export const crumbs = (site: SiteWithDetails, locale: Locale) => [
  { href: `/sites/${site.code}`, label: site.name },
  { href: `/sites/${site.code}/workers`, label: workersText.t(locale, 'register_title') },
];
