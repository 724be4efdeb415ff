import type { Hono } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import type { AppEnv } from '../../web/context.ts';
import { activitiesXml, listIatiActivities } from '../iati/activities-xml.ts';
import { loadOrganisationFigures, organisationXml } from '../iati/organisation-xml.ts';

const xmlHeaders = { 'Content-Type': 'application/xml; charset=utf-8' };

/** The alliance's public IATI files, for anyone and for IATI's registry to fetch. */
export function registerIatiPages(pages: Hono<AppEnv>): void {
  pages.get('/iati/activities.xml', async (c) => {
    authorize(c.get('actor'), 'finance.read.public');
    const activities = await listIatiActivities(
      c.get('deps').db,
      c.get('modules').flatMap((module) => module.indicators ?? []),
    );
    // An activity file must hold at least one activity (iati-activities-schema.xsd): none is no file.
    if (activities.length === 0) throw notFound();
    return c.body(activitiesXml(activities, new Date()), 200, xmlHeaders);
  });

  pages.get('/iati/organisation.xml', async (c) => {
    authorize(c.get('actor'), 'finance.read.public');
    const deps = c.get('deps');
    return c.body(organisationXml(await loadOrganisationFigures(deps.db), deps.publicBaseUrl, new Date()), 200, xmlHeaders);
  });
}
