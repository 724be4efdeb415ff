/** The roles of DESIGN.md; `public` is the anonymous reader and is never stored on a user. */
export const roles = ['admin', 'field', 'cooperative', 'verifier', 'committee', 'buyer', 'member', 'public'] as const;
export type Role = (typeof roles)[number];
export const userRoles = ['admin', 'field', 'cooperative', 'verifier', 'committee', 'buyer', 'member'] as const;
export type UserRole = (typeof userRoles)[number];

export const organisationKinds = ['secretariat', 'cooperative', 'verifier', 'buyer', 'member', 'donor', 'partner'] as const;
export type OrganisationKind = (typeof organisationKinds)[number];

/**
 * Which roles a user of each kind of organisation may have. The secretariat runs the programme
 * (admin, field officers); committee members sit for the cooperative or the workers' groups, and
 * the alliance's representative comes from the secretariat.
 */
export const rolesByOrganisationKind: Record<OrganisationKind, readonly UserRole[]> = {
  secretariat: ['admin', 'field', 'committee'],
  cooperative: ['cooperative', 'committee', 'field'],
  verifier: ['verifier'],
  buyer: ['buyer', 'member'],
  member: ['member'],
  donor: ['member'],
  partner: ['field', 'committee'],
};

/**
 * Who is acting: a signed-in user, a machine client with a token, the system (CLI, demo), or nobody.
 * A user or token carries the kind of its organisation, which some rules look at (a field officer
 * of the secretariat is not one of a partner organisation).
 */
export type Actor =
  | { kind: 'user'; userId: number; orgId: number; orgCode: string; orgKind: OrganisationKind; role: UserRole; displayName: string }
  | { kind: 'token'; tokenId: number; orgId: number; orgCode: string; orgKind: OrganisationKind; role: UserRole }
  | { kind: 'system'; orgId: number | null; orgCode: string | null; role: 'admin' }
  | { kind: 'anonymous'; role: 'public' };

export const anonymous: Actor = { kind: 'anonymous', role: 'public' };

export function isAuthenticated(actor: Actor): actor is Exclude<Actor, { kind: 'anonymous' }> {
  return actor.kind !== 'anonymous';
}

/** The organisation an actor acts for; null for the public and for the system acting for no one. */
export const organisationOf = (actor: Actor): number | null => ('orgId' in actor ? actor.orgId : null);
