/**
 * The public face of the accounts module: what other modules, the CLI and the composition root may use.
 * Everything else in src/accounts/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export { changeOwnPassword, changeUserRole, createApiToken, createOrganisation, createUser, deactivateUser, reactivateUser, resetUserPassword, revokeApiToken } from './commands.ts';
export { demoActors, demoPassword, demoUsers, loadAccountsDemo } from './demo.ts';
export { accountsText } from './messages.ts';
export { accountFigures, findOrganisation, listOrganisations, listTokens, listUsers } from './queries.ts';
export { organisations, users } from './schema.ts';
export { passwordChange, resolveApiToken, resolveSession } from './sessions.ts';
