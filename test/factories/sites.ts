import { randomBytes } from 'node:crypto';
import { defaultOperatorGroups, operatorGroups, sites } from '../../src/sites/schema.ts';
import type { Database } from '../../src/db/connect.ts';

/**
 * A site with the default operator groups, inserted directly: for tests of parts of the sites
 * module that need a site but are not about creating one.
 */
export async function insertSite(db: Database, props: { cooperativeOrganisationId: number; code?: string; name?: string }) {
  const code = props.code ?? `S${randomBytes(2).toString('hex').toUpperCase().replace(/[^A-Z]/g, 'X')}`.slice(0, 6).padEnd(3, 'X');
  const [site] = await db
    .insert(sites)
    .values({
      code,
      name: props.name ?? `Site ${code}`,
      province: 'Lualaba',
      town: 'Kolwezi',
      latitudeE6: -10_716_700,
      longitudeE6: 25_472_200,
      concessionHolder: 'Entreprise Générale du Cobalt',
      cooperativeOrganisationId: props.cooperativeOrganisationId,
    })
    .returning();
  const groups = await db
    .insert(operatorGroups)
    .values(defaultOperatorGroups.map((group) => ({ siteId: site!.id, code: group, labelEn: group.replace(/_/g, ' '), labelFr: group.replace(/_/g, ' ') })))
    .returning();
  return { site: site!, groups };
}
