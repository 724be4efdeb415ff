import type { Actor, OrganisationKind, UserRole } from '../core/auth/roles.ts';
import { runCommand } from '../journal/public.ts';
import type { DemoContext } from '../web/module.ts';
import { createOrganisation, createUser } from './commands.ts';
import { listUsers } from './queries.ts';

/**
 * The programme's organisations: the real public partners by name (the alliance, its pilot
 * cooperative, its first buyer, its donor), invented ones where a real name would claim too much.
 */
export const demoOrganisations: { code: string; name: string; kind: OrganisationKind; country: string }[] = [
  { code: 'fca', name: 'Fair Cobalt Alliance (secretariat)', kind: 'secretariat', country: 'CD' },
  { code: 'cmds', name: 'Coopérative Minière pour le Développement Social (CMDS)', kind: 'cooperative', country: 'CD' },
  { code: 'fairphone', name: 'Fairphone B.V.', kind: 'buyer', country: 'NL' },
  { code: 'nordcell', name: 'Nordcell Batteries AB', kind: 'buyer', country: 'SE' },
  { code: 'kivu-audit', name: 'Kivu Assurance & Audit SARL', kind: 'verifier', country: 'CD' },
  { code: 'arm', name: 'Alliance for Responsible Mining', kind: 'member', country: 'CO' },
  { code: 'eprm', name: 'European Partnership for Responsible Minerals', kind: 'donor', country: 'NL' },
  // An accredited child-protection organisation that manages remediation cases (invented for the demo).
  { code: 'kolwezi-care', name: 'Réseau Kolwezi pour l’Enfance (demo)', kind: 'partner', country: 'CD' },
];

/** One invented person per role; the password is printed only when the server runs on demo data. */
export const demoUsers: { org: string; email: string; displayName: string; role: UserRole }[] = [
  { org: 'fca', email: 'admin@orebook.demo', displayName: 'Amani Kabeya', role: 'admin' },
  { org: 'fca', email: 'field@orebook.demo', displayName: 'Esther Mwamba', role: 'field' },
  { org: 'cmds', email: 'cooperative@orebook.demo', displayName: 'Jean-Pierre Ilunga', role: 'cooperative' },
  { org: 'cmds', email: 'committee@orebook.demo', displayName: 'Marie Kalenga', role: 'committee' },
  { org: 'kivu-audit', email: 'verifier@orebook.demo', displayName: 'Claire Nsimba', role: 'verifier' },
  { org: 'fairphone', email: 'buyer@orebook.demo', displayName: 'Lotte de Vries', role: 'buyer' },
  { org: 'nordcell', email: 'buyer2@orebook.demo', displayName: 'Erik Lindqvist', role: 'buyer' },
  { org: 'arm', email: 'member@orebook.demo', displayName: 'Sofía Restrepo', role: 'member' },
  // A buyer that is also a member of the alliance: its member page shows the credits it bought and retired.
  { org: 'nordcell', email: 'member2@orebook.demo', displayName: 'Ingrid Sandberg', role: 'member' },
  { org: 'eprm', email: 'donor@orebook.demo', displayName: 'Anna Keller', role: 'member' },
  { org: 'kolwezi-care', email: 'casework@orebook.demo', displayName: 'Grâce Mutombo', role: 'field' },
];

export const demoPassword = (email: string) => `demo-${email.split('@')[0]}-2026`;

export async function loadAccountsDemo(ctx: DemoContext): Promise<void> {
  for (const organisation of demoOrganisations) {
    const created = await runCommand(ctx.db, ctx.system, (command) => createOrganisation(command, organisation));
    ctx.organisations[organisation.code] = created.id;
    if (organisation.kind === 'secretariat') ctx.system = { kind: 'system', orgId: created.id, orgCode: created.code, role: 'admin' };
  }
  for (const user of demoUsers) {
    await runCommand(ctx.db, ctx.system, (command) =>
      createUser(command, {
        organisationId: ctx.organisations[user.org]!,
        email: user.email,
        displayName: user.displayName,
        role: user.role,
        password: demoPassword(user.email),
        locale: user.org === 'cmds' || user.org === 'kivu-audit' ? 'fr' : 'en',
      }),
    );
  }
  ctx.say(`${demoOrganisations.length} organisations, ${demoUsers.length} users`);
}

/** The demo's people, as actors of the organisations they belong to. */
export async function demoActors(ctx: DemoContext): Promise<Record<string, Actor>> {
  const actors: Record<string, Actor> = {};
  for (const user of await listUsers(ctx.db)) {
    actors[user.email] = { kind: 'user', userId: user.id, orgId: user.organisationId, orgCode: user.organisationCode, orgKind: user.organisationKind, role: user.role, displayName: user.displayName };
  }
  return actors;
}
