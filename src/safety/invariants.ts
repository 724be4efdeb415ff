import { sql } from 'drizzle-orm';
import type { Invariant } from '../core/invariants.ts';
import { rowsOf, type Queryable } from '../db/connect.ts';

/** The safety module's checks for `orebook verify`. */
export const safetyInvariants: Invariant[] = [
  {
    id: 'safety.incident_corrections',
    description: 'Every incident correction points at an earlier incident of the same site, and no incident is corrected twice',
    async check(db: Queryable, problem) {
      const rows = rowsOf<{ id: number; corrects_id: number; target_id: number | null; same_site: boolean | null }>(
        await db.execute(sql`
          select c.id, c.corrects_id, t.id as target_id, t.site_id = c.site_id as same_site
          from safety_incidents c left join safety_incidents t on t.id = c.corrects_id
          where c.corrects_id is not null order by c.id`),
      );
      for (const row of rows) {
        const label = `safety incident ${row.id} corrects ${row.corrects_id}`;
        if (row.target_id === null) problem(`${label}, which does not exist`);
        else if (!row.same_site) problem(`${label}, an incident of another site`);
        else if (Number(row.corrects_id) >= Number(row.id)) problem(`${label}, which is not an earlier incident`);
      }
      const twice = rowsOf<{ corrects_id: number; ids: string }>(
        await db.execute(sql`
          select corrects_id, string_agg(id::text, ', ' order by id) as ids from safety_incidents
          where corrects_id is not null group by corrects_id having count(*) > 1 order by corrects_id`),
      );
      for (const row of twice) problem(`safety incident ${row.corrects_id} is corrected more than once (by ${row.ids})`);
    },
  },
  {
    id: 'safety.incident_links_same_site',
    description: 'An incident’s pit, the operator groups of the people it affected and its corrective actions all belong to its site',
    async check(db: Queryable, problem) {
      const rows = rowsOf<{ id: number; what: string; ref: number }>(
        await db.execute(sql`
          select i.id, 'pit' as what, p.id as ref from safety_incidents i join pits p on p.id = i.pit_id where p.site_id <> i.site_id
          union all
          select i.id, 'operator group', g.id from safety_incident_people ip join safety_incidents i on i.id = ip.incident_id
            join operator_groups g on g.id = ip.operator_group_id where g.site_id <> i.site_id
          union all
          select i.id, 'corrective action', a.id from safety_incident_actions ia join safety_incidents i on i.id = ia.incident_id
            join corrective_actions a on a.id = ia.corrective_action_id where a.site_id <> i.site_id
          order by 1`),
      );
      for (const row of rows) problem(`safety incident ${row.id} names ${row.what} ${row.ref} of another site`);
    },
  },
  {
    id: 'safety.counts_non_negative',
    description: 'Counts of people affected are positive; quantities, costs, people reached and hours are never negative',
    async check(db: Queryable, problem) {
      const rows = rowsOf<{ what: string; id: number }>(
        await db.execute(sql`
          select 'people affected of incident' as what, incident_id as id from safety_incident_people where count < 1
          union all select 'intervention', id from safety_interventions where quantity < 0 or cost_minor < 0 or people_reached < 0
          union all select 'hours entry', id from safety_hours_worked where hours < 0
          order by 1, 2`),
      );
      for (const row of rows) problem(`${row.what} ${row.id} has a negative or zero count`);
    },
  },
  {
    id: 'safety.injuries_affect_someone',
    description: 'Every fatal, serious or minor incident that counts names at least one person affected',
    async check(db: Queryable, problem) {
      const rows = rowsOf<{ id: number; severity: string }>(
        await db.execute(sql`
          select i.id, i.severity from safety_incidents i
          where i.severity <> 'near_miss' and i.status <> 'withdrawn'
            and not exists (select 1 from safety_incident_people p where p.incident_id = i.id)
          order by i.id`),
      );
      for (const row of rows) problem(`safety incident ${row.id} (${row.severity}) names nobody affected`);
    },
  },
];
