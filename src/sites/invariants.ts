import { sql } from 'drizzle-orm';
import type { Invariant } from '../core/invariants.ts';
import { rowsOf, type Queryable } from '../db/connect.ts';
import { listVerifications, parseVerificationDocument, verifyStatementSignature, type VerificationStatement } from './queries/verifications.ts';

const signatureReasons: Record<string, string> = {
  malformed_key: 'its key is not a valid Ed25519 public key',
  signature_mismatch: 'the signature does not match the stored document bytes',
  not_a_statement: 'its document is not a verification statement',
  not_canonical: 'its document bytes are not RFC 8785 canonical JSON',
  key_mismatch: 'its document names another key than the one stored with it',
  key_retired: 'it was signed after its key was retired',
};

/** How a statement's signed document differs from the columns the registry works from, if it does. */
function documentDifferences(v: VerificationStatement): string[] {
  const document = parseVerificationDocument(v.document);
  if (!document) return [];
  const pairs: [name: string, inDocument: unknown, inRow: unknown][] = [
    ['site', document.site?.code, v.siteCode],
    ['mineral', document.mineral, v.mineral],
    ['period start', document.period?.start, v.periodStart],
    ['period end', document.period?.end, v.periodEnd],
    ['assessment', document.assessment?.id, v.assessmentId],
    ['verifier', document.verifier?.code, v.verifierCode],
    ['declared kg', document.declaredKg, v.declaredKg],
    ['responsible kg', document.responsibleKg, v.responsibleKg],
    ['signing time', document.signedAt, v.signedAt.toISOString()],
  ];
  return pairs.filter(([, inDocument, inRow]) => inDocument !== inRow).map(([name, inDocument, inRow]) => `${name} is ${String(inDocument)} in the document, ${String(inRow)} in the row`);
}

/** The sites module's checks for `orebook verify`: signed statements, what is drawn from them, and production corrections. */
export const sitesInvariants: Invariant[] = [
  {
    id: 'sites.verification_signatures',
    description: 'Every verification statement’s signature verifies over its stored bytes with its stored key, and the signed document says what the row says',
    async check(db, problem) {
      for (const v of await listVerifications(db)) {
        const check = verifyStatementSignature(v);
        if (!check.valid) problem(`verification statement ${v.id} (${v.siteCode}, ${v.mineral}, ${v.periodStart} to ${v.periodEnd}): ${signatureReasons[check.reason ?? ''] ?? check.reason}`);
        const differences = documentDifferences(v);
        if (differences.length > 0) problem(`verification statement ${v.id}: its document and its row disagree: ${differences.join('; ')}`);
      }
    },
  },
  {
    id: 'sites.verification_draws',
    description: 'What the registry has drawn from each verification statement is between zero and its responsible quantity',
    async check(db, problem) {
      for (const v of await listVerifications(db)) {
        if (v.drawnKg < 0) problem(`verification statement ${v.id}: more was given back than drawn (net draws ${v.drawnKg} kg)`);
        if (v.drawnKg > v.responsibleKg) problem(`verification statement ${v.id}: ${v.drawnKg} kg drawn, more than its ${v.responsibleKg} kg produced responsibly`);
      }
    },
  },
  {
    id: 'sites.verification_no_overlap',
    description: 'No two verification statements of one site and mineral cover the same day',
    async check(db: Queryable, problem) {
      const rows = rowsOf<{ first: number; second: number; site: string; mineral: string }>(
        await db.execute(sql`
          select a.id as first, b.id as second, s.code as site, a.mineral
          from verification_statements a
          join verification_statements b on b.site_id = a.site_id and b.mineral = a.mineral and b.id > a.id
            and b.period_start <= a.period_end and b.period_end >= a.period_start
          join sites s on s.id = a.site_id
          order by a.id, b.id`),
      );
      for (const row of rows) problem(`verification statements ${row.first} and ${row.second} of site ${row.site} for ${row.mineral} overlap`);
    },
  },
  {
    id: 'sites.verification_within_declared',
    description: 'No verification statement confirms more than the production declared for its period',
    async check(db, problem) {
      for (const v of await listVerifications(db)) {
        if (v.responsibleKg > v.declaredKg) problem(`verification statement ${v.id}: ${v.responsibleKg} kg produced responsibly, more than the ${v.declaredKg} kg declared`);
      }
    },
  },
  {
    id: 'sites.production_corrections',
    description: 'Every production correction points at an earlier declaration of the same site and mineral, and no declaration is corrected twice',
    async check(db: Queryable, problem) {
      const corrections = rowsOf<{ id: number; corrects_id: number; target_id: number | null; same_site: boolean | null; same_mineral: boolean | null }>(
        await db.execute(sql`
          select c.id, c.corrects_id, t.id as target_id, t.site_id = c.site_id as same_site, t.mineral = c.mineral as same_mineral
          from production_declarations c
          left join production_declarations t on t.id = c.corrects_id
          where c.corrects_id is not null
          order by c.id`),
      );
      for (const row of corrections) {
        const label = `production declaration ${row.id} corrects ${row.corrects_id}`;
        if (row.target_id === null) problem(`${label}, which does not exist`);
        else if (!row.same_site || !row.same_mineral) problem(`${label}, a declaration of another ${row.same_site ? 'mineral' : 'site'}`);
        else if (Number(row.corrects_id) >= Number(row.id)) problem(`${label}, which is not an earlier declaration`);
      }
      const twice = rowsOf<{ corrects_id: number; ids: string }>(
        await db.execute(sql`
          select corrects_id, string_agg(id::text, ', ' order by id) as ids
          from production_declarations where corrects_id is not null
          group by corrects_id having count(*) > 1 order by corrects_id`),
      );
      for (const row of twice) problem(`production declaration ${row.corrects_id} is corrected more than once (by ${row.ids})`);
    },
  },
];
