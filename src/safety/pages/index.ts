import type { Hono } from 'hono';
import type { AppEnv } from '../../web/context.ts';
import { registerDashboardPages } from './dashboard.tsx';
import { registerExposurePages } from './exposure.tsx';
import { registerIncidentPages } from './incidents.tsx';

/** The safety pages: overview and dashboards, incidents, interventions, work pattern and hours. */
export function registerSafetyPages(pages: Hono<AppEnv>) {
  registerDashboardPages(pages);
  registerIncidentPages(pages);
  registerExposurePages(pages);
}
