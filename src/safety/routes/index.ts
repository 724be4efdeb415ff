import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../../web/context.ts';
import { registerExposureApi } from './exposure.ts';
import { registerIncidentsApi } from './incidents.ts';
import { registerInterventionsApi } from './interventions.ts';
import { registerSafetySummaryApi } from './summary.ts';

/** Safety at the sites: the public summary, and incidents, interventions, hours and work patterns for the roles that work on them. */
export function registerSafetyApi(api: OpenAPIHono<AppEnv>) {
  registerSafetySummaryApi(api);
  registerIncidentsApi(api);
  registerInterventionsApi(api);
  registerExposureApi(api);
}
