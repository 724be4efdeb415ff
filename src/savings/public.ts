/**
 * The public face of the savings module: what other modules, the CLI and the composition root may use.
 * Everything else in src/savings/ is the module's own (enforced by the import rule in eslint.config.js).
 */
export { createGroup } from './commands/create-group.ts';
export { openCycle } from './commands/open-cycle.ts';
export { recordMeeting } from './commands/record-meeting.ts';
export { groupCodePattern, memberCodePattern } from './codes.ts';
export type { MeetingInput } from './commands/record-meeting.ts';
