import type { Actor } from '../core/auth/roles.ts';
import type { Database } from '../db/connect.ts';
import { runCommand } from '../journal/public.ts';
import type { ActivityProps } from './activity-input.ts';
import { createActivity } from './commands/create-activity.ts';
import { createProgrammeArea } from './commands/create-programme-area.ts';
import { allianceProgrammeAreas } from './programme-areas.ts';

/** Sets up the alliance's six programme areas. */
export async function withProgrammeAreas(db: Database, actor: Actor): Promise<void> {
  for (const area of allianceProgrammeAreas) await runCommand(db, actor, (ctx) => createProgrammeArea(ctx, area));
}

/** An activity that the rules accept, at the given sites, with a funder named here and nothing else of note. */
export function activityProps(code: string, overrides: Partial<ActivityProps> = {}): ActivityProps {
  return {
    code,
    area: 'credit_mechanism',
    titleEn: 'Scale and digitise the cobalt credit mechanism',
    titleFr: 'Étendre et numériser le mécanisme de crédits cobalt',
    descriptionEn: 'Bring more sites into the credit mechanism and move its records online.',
    descriptionFr: 'Faire entrer plus de sites dans le mécanisme de crédits et mettre ses registres en ligne.',
    plannedStart: '2024-01-01',
    plannedEnd: '2026-12-31',
    actualStart: '2024-02-15',
    status: 2,
    sites: [],
    participants: [{ role: 1, name: 'European Partnership for Responsible Minerals' }],
    ...overrides,
  };
}

/** Records an activity as the actor. */
export const recordActivity = (db: Database, actor: Actor, props: ActivityProps) => runCommand(db, actor, (ctx) => createActivity(ctx, props));
