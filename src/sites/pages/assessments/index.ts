import type { Hono } from 'hono';
import type { AppEnv } from '../../../web/context.ts';
import { registerAssessmentAreaPages } from './area.tsx';
import { registerAssessmentEvidencePages } from './evidence.tsx';
import { registerAssessmentOverviewPage } from './overview.tsx';
import { registerAssessmentListPages } from './start.tsx';
import { registerAssessmentSubmitPages } from './submit.tsx';

/** The assessment pages: a site's list, starting one, the overview, one page per area, evidence, review and submit. */
export function registerAssessmentsPages(pages: Hono<AppEnv>) {
  registerAssessmentListPages(pages);
  registerAssessmentOverviewPage(pages);
  registerAssessmentAreaPages(pages);
  registerAssessmentEvidencePages(pages);
  registerAssessmentSubmitPages(pages);
}
