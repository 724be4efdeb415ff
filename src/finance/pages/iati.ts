import type { Hono } from 'hono';
import { authorize } from '../../core/auth/policies.ts';
import { notFound } from '../../core/errors.ts';
import type { AppEnv } from '../../web/context.ts';
import { activitiesXml } from '../iati/activities-xml.ts';
import { listPublishedActivities } from '../queries/activities.ts';

/** The alliance's public IATI files, for anyone and for IATI's registry to fetch. */
export function registerIatiPages(pages: Hono<AppEnv>): void {
  pages.get('/iati/activities.xml', async (c) => {
    authorize(c.get('actor'), 'finance.read.public');
    const activities = await listPublishedActivities(c.get('deps').db);
    // An activity file must hold at least one activity (iati-activities-schema.xsd): none is no file.
    if (activities.length === 0) throw notFound();
    const xml = activitiesXml(activities, new Date());
    return c.body(xml, 200, { 'Content-Type': 'application/xml; charset=utf-8' });
  });
}
