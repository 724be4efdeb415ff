import { coreError } from '../errors.ts';
import { isAuthenticated, type Actor, type Role } from './roles.ts';

/**
 * Every rule of who may do what, in one place. A rule names the roles that may act, and may add a
 * condition on the resource (for example "only tokens of one's own organisation"). Every command
 * asks `authorize` itself, first, so a write is checked the same way whether it comes from the API,
 * a page, an import or the CLI. Reads ask it where they are answered (a route, a page, a query);
 * pages use `can` only to decide what to show. No handler checks a role itself.
 */
type Rule<R> = { roles: readonly Role[]; when?: (actor: Actor, resource: R) => boolean };

const everyone: readonly Role[] = ['admin', 'field', 'cooperative', 'verifier', 'committee', 'buyer', 'member', 'public'];
const signedIn: readonly Role[] = everyone.filter((role) => role !== 'public');

const sameOrganisation = (actor: Actor, resource: { orgId: number }) => actor.role === 'admin' || ('orgId' in actor && actor.orgId === resource.orgId);

type SiteResource = { siteCooperativeOrgId: number };
/** The secretariat runs the programme: its staff work at every site. The system (CLI, demo) acts as the secretariat. */
const ofSecretariat = (actor: Actor) => actor.kind === 'system' || ('orgKind' in actor && actor.orgKind === 'secretariat');
const ofSiteCooperative = (actor: Actor, site: SiteResource) => 'orgId' in actor && actor.orgId === site.siteCooperativeOrgId;
/**
 * A site's own records (production details, assessments, corrective actions, safety, their
 * evidence): the secretariat's staff and the verifiers everywhere; the users of a cooperative
 * (cooperative, field, committee) only at the sites it operates; a partner organisation's field
 * officers and committee members nowhere (they follow their own child cases).
 */
const siteRecords = (actor: Actor, site: SiteResource) => actor.role === 'admin' || actor.role === 'verifier' || ofSecretariat(actor) || ofSiteCooperative(actor, site);
/**
 * Personal data at a site (the worker register): admins, the secretariat's field officers, and the
 * site's own cooperative (its cooperative and field users). A partner organisation's field user
 * follows its own child cases, not the register.
 */
const personalDataAtSite = (actor: Actor, site: SiteResource) =>
  actor.role === 'admin' || (actor.role === 'field' && ofSecretariat(actor)) || ((actor.role === 'cooperative' || actor.role === 'field') && ofSiteCooperative(actor, site));
/** Personal data kept across sites (savings members, child referrals): admins and the secretariat's field officers. */
const secretariatFieldWork = (actor: Actor) => actor.role !== 'field' || ofSecretariat(actor);
/**
 * A site's fund is worked on by the secretariat and by the people of the site: its cooperative and
 * its committee members, who sit for the cooperative or, the alliance's representative, for the
 * secretariat. Field officers read it: the secretariat's, or the site's cooperative's.
 */
const fundOfOwnSite = (actor: Actor, fund: SiteResource) => actor.role === 'admin' || ofSiteCooperative(actor, fund) || ((actor.role === 'committee' || actor.role === 'field') && ofSecretariat(actor));
/** A verifier never assesses or verifies a site its own organisation operates. */
const independentVerifier = (actor: Actor, site: SiteResource) => actor.role === 'verifier' && 'orgId' in actor && actor.orgId !== site.siteCooperativeOrgId;

const policies = {
  'journal.read': { roles: everyone },
  'indicator.read.public': { roles: everyone },
  'indicator.read.restricted': { roles: ['admin', 'field', 'committee', 'member'] },
  'me.read': { roles: signedIn },
  'organisation.list': { roles: ['admin'] },
  'organisation.read': { roles: signedIn, when: (actor: Actor, org: { orgId: number }) => sameOrganisation(actor, org) },
  'organisation.create': { roles: ['admin'] },
  'user.list': { roles: ['admin'] },
  'user.create': { roles: ['admin'] },
  // Deactivate, reactivate, change a role, reset a password: the secretariat's admins only.
  'user.manage': { roles: ['admin'] },
  // One's own password, with the current one: any person signed in (a machine client has none).
  'password.change': { roles: signedIn, when: (actor: Actor) => actor.kind === 'user' },
  'token.list': { roles: signedIn },
  'token.create': {
    roles: signedIn,
    when: (actor: Actor, target: { orgId: number; role: Role }) =>
      actor.role === 'admin' || ('orgId' in actor && actor.orgId === target.orgId && actor.role === target.role),
  },
  // A token is revoked by an admin, by the user who created it, or by itself (a machine client that
  // knows its secret has leaked); never by another user of its organisation.
  'token.revoke': {
    roles: signedIn,
    when: (actor: Actor, token: { tokenId: number; createdByUserId: number | null }) =>
      actor.role === 'admin' || (actor.kind === 'user' && actor.userId === token.createdByUserId) || (actor.kind === 'token' && actor.tokenId === token.tokenId),
  },
  'checkpoint.sign': { roles: ['admin'] },
  'file.read.public': { roles: everyone },
  // A restricted file (an assay certificate, assessment evidence, a receipt) is read by whoever may
  // read a record that cites it (each module says so for its records); one that no record cites
  // (an imported spreadsheet) by the organisation that uploaded it.
  'file.read.restricted': {
    roles: ['admin', 'field', 'cooperative', 'verifier', 'committee'],
    when: (actor: Actor, file: { uploadedByOrgId: number | null; records: 'readable' | 'not readable' | 'none' }) =>
      actor.role === 'admin' ||
      file.records === 'readable' ||
      (file.records === 'none' && 'orgId' in actor && file.uploadedByOrgId !== null && actor.orgId === file.uploadedByOrgId),
  },
  'site.read.public': { roles: everyone },
  'site.manage': { roles: ['admin'] },
  'worker.read': { roles: ['admin', 'field', 'cooperative'], when: personalDataAtSite },
  'worker.register': { roles: ['admin', 'field', 'cooperative'], when: personalDataAtSite },
  // Children referred for protection are followed by the secretariat's field officers, not the cooperative.
  'child_referral.read': { roles: ['admin', 'field'], when: secretariatFieldWork },
  'production.read.details': { roles: ['admin', 'field', 'cooperative', 'verifier'], when: siteRecords },
  'production.declare': { roles: ['admin', 'cooperative'], when: siteRecords },
  'standard.read': { roles: everyone },
  'standard.publish': { roles: ['admin'] },
  'assessment.read': { roles: ['admin', 'field', 'verifier', 'cooperative'], when: siteRecords },
  'assessment.write': { roles: ['verifier'], when: independentVerifier },
  'corrective_action.manage': { roles: ['admin', 'field', 'cooperative', 'verifier'], when: siteRecords },
  'verification.sign': { roles: ['verifier'], when: independentVerifier },
  'verification.read.public': { roles: everyone },
  // A verifier organisation's own key: registered, rotated and retired by its verifiers alone, never by the registry's staff.
  'verifier_key.manage': { roles: ['verifier'], when: (actor: Actor, org: { orgId: number }) => 'orgId' in actor && actor.orgId === org.orgId },
  'registry.read.public': { roles: everyone },
  'registry.account.open': { roles: ['admin', 'buyer'] },
  'registry.account.read': { roles: signedIn, when: (actor: Actor, account: { orgId: number }) => sameOrganisation(actor, account) },
  'registry.account.approve': { roles: ['admin'] },
  'registry.issue': { roles: ['admin'] },
  'registry.cancel': { roles: ['admin'] },
  'registry.transfer.reverse': { roles: ['admin'] },
  'registry.transfer': { roles: ['admin', 'buyer'] },
  'registry.retire': { roles: ['admin', 'buyer'] },
  // Moving units out of an account: its holder, or an admin (the issuance account: an admin only).
  'registry.account.use': { roles: ['admin', 'buyer'], when: (actor: Actor, account: { orgId: number }) => sameOrganisation(actor, account) },
  'registry.account.list': { roles: ['admin'] },
  'registry.price.set': { roles: ['admin'] },
  'registry.price.read': { roles: everyone },
  'registry.order.place': { roles: ['admin', 'buyer'], when: (actor: Actor, buyer: { orgId: number }) => sameOrganisation(actor, buyer) },
  'registry.order.read': { roles: ['admin', 'buyer'], when: (actor: Actor, order: { orgId: number }) => sameOrganisation(actor, order) },
  'registry.order.list': { roles: ['admin'] },
  'registry.payment.record': { roles: ['admin'] },
  'registry.footprint.manage': { roles: ['admin', 'buyer'], when: (actor: Actor, owner: { orgId: number }) => sameOrganisation(actor, owner) },
  // Exchange rates (issue 13): one table for the whole application. Rates are public figures, not
  // personal data: anyone reads them; the secretariat records them and sets the reporting currency.
  'rates.read': { roles: everyone },
  'rates.manage': { roles: ['admin'] },
  // The site premium fund (issue 5): its public page is public; committee members and the
  // secretariat work on proposals and meetings; only the secretariat books money.
  'fund.read.public': { roles: everyone },
  'fund.read': { roles: ['admin', 'committee', 'cooperative', 'field'], when: fundOfOwnSite },
  'fund.manage': { roles: ['admin'] },
  'fund.proposal.write': { roles: ['admin', 'committee', 'cooperative'], when: fundOfOwnSite },
  'fund.meeting.record': { roles: ['admin', 'committee'], when: fundOfOwnSite },
  'fund.disburse': { roles: ['admin'] },
  // The alliance's own programme and finance: the secretariat records it; what IATI publishes is public.
  'finance.manage': { roles: ['admin'] },
  'finance.read.public': { roles: everyone },
  // Safety (issue 6): incidents and interventions are recorded by the secretariat's field officers
  // and the site's cooperative; aggregates are public.
  'safety.read.public': { roles: everyone },
  'safety.read': { roles: ['admin', 'field', 'cooperative', 'verifier', 'committee'], when: siteRecords },
  'safety.record': { roles: ['admin', 'field', 'cooperative'], when: siteRecords },
  // Children (issue 6): case details only for admin and field users of the organisation that
  // manages the case; aggregates (never under 5) are public.
  'children.read.public': { roles: everyone },
  'children.case.read': { roles: ['admin', 'field'], when: (actor: Actor, c: { caseOrgId: number }) => 'orgId' in actor && actor.orgId === c.caseOrgId },
  'children.case.write': { roles: ['admin', 'field'], when: (actor: Actor, c: { caseOrgId: number }) => 'orgId' in actor && actor.orgId === c.caseOrgId },
  'children.case.list': { roles: ['admin', 'field'] },
  // Savings groups (issue 7): members are personal data, seen by the secretariat's field officers
  // and admins only (not a partner organisation's field users); aggregates are public.
  'savings.read.public': { roles: everyone },
  'savings.read': { roles: ['admin', 'field'], when: secretariatFieldWork },
  'savings.record': { roles: ['admin', 'field'], when: secretariatFieldWork },
  // Field data capture (issue 7): the forms are public; an import runs each row through the
  // command of its module, which asks its own policy too.
  'forms.read': { roles: everyone },
  'imports.run': { roles: ['admin', 'field', 'cooperative'] },
  'registry.footprint.read': { roles: ['admin', 'buyer', 'member'], when: (actor: Actor, owner: { orgId: number }) => sameOrganisation(actor, owner) },
  // Grants (issue 13): a donor's member users read its own grants (budget against actual, what they
  // fund); individual payees' names and receipts stay with the secretariat's admins.
  'finance.grant.read': { roles: ['admin', 'member'], when: (actor: Actor, grant: { donorOrgId: number }) => actor.role === 'admin' || ('orgKind' in actor && actor.orgKind === 'donor' && actor.orgId === grant.donorOrgId) },
  'finance.restricted.read': { roles: ['admin'] },
  // Members of the alliance (issue 13): the secretariat keeps the list, rates and arrears; a member's
  // own users (role member) read its membership, calls, payments and invoices, and nobody else does.
  'finance.members.list': { roles: ['admin'] },
  'finance.membership.read': { roles: ['admin', 'member'], when: (actor: Actor, member: { orgId: number }) => sameOrganisation(actor, member) },
} satisfies Record<string, Rule<never>>;

export type Action = keyof typeof policies;
// A condition on the actor alone (it takes no resource) asks for no resource either.
type ResourceOf<A extends Action> = (typeof policies)[A] extends { when: (actor: Actor, resource: infer R) => boolean } ? (unknown extends R ? undefined : R) : undefined;

/** Whether the actor may take this action (on this resource, when the rule looks at one). */
export function can<A extends Action>(actor: Actor, action: A, ...resource: ResourceOf<A> extends undefined ? [] : [ResourceOf<A>]): boolean {
  const rule = policies[action] as Rule<unknown>;
  if (!rule.roles.includes(actor.role)) return false;
  return rule.when ? rule.when(actor, resource[0]) : true;
}

/** Like `can`, but throws: 401 for an anonymous reader who should sign in, 403 for a role that may not. */
export function authorize<A extends Action>(actor: Actor, action: A, ...resource: ResourceOf<A> extends undefined ? [] : [ResourceOf<A>]): void {
  if (can(actor, action, ...resource)) return;
  throw isAuthenticated(actor) ? coreError('forbidden', 403) : coreError('unauthenticated', 401);
}

/** The roles a rule admits, for the policy matrix test and the API reference. */
export function rolesFor(action: Action): readonly Role[] {
  return policies[action].roles;
}
