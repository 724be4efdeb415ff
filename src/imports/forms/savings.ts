import { groupCodePattern, type MeetingInput, memberCodePattern, recordMeeting } from '../../savings/public.ts';
import { answer, staticChoices, type Answers, type ChoiceList, type FormDefinition } from './definition.ts';

const yesNoList: ChoiceList = {
  name: 'yes_no',
  choices: staticChoices(['yes', 'no'], (v) => (v === 'yes' ? { en: 'Yes', fr: 'Oui' } : { en: 'No', fr: 'Non' })),
};

/** The savings module's own code patterns, as XLSForm regex constraints checked on the phone. */
const regexConstraint = (pattern: RegExp) => `regex(., '${pattern.source.replace(/\\d/g, '[0-9]')}')`;

/** Groups count in whole Congolese francs; the ledger keeps centimes (minor units). */
const francsToMinor = (answers: Answers, field: string) => (answers[field]?.trim() ? answer.integer(answers, field) * 100 : 0);

/**
 * A meeting as the group's ledger records it: one repeat entry per member, one per loan made. The
 * answers become the savings module's `meetingInputSchema`, which `recordMeeting` checks.
 */
export const savingsMeetingForm: FormDefinition = {
  id: 'savings_meeting',
  eventType: 'savings.meeting_recorded',
  version: '2025.1',
  title: { en: 'Savings group meeting', fr: 'Réunion de groupe d’épargne' },
  repeats: ['members', 'loans'],
  fields: [
    { name: 'group_code', group: 'meeting', type: 'text', required: true, label: { en: 'Group code', fr: 'Code du groupe' }, constraint: regexConstraint(groupCodePattern) },
    { name: 'cycle', group: 'meeting', type: 'integer', required: true, label: { en: 'Cycle number', fr: 'Numéro du cycle' }, constraint: '. >= 1' },
    { name: 'meeting_date', group: 'meeting', type: 'date', required: true, label: { en: 'Date of the meeting', fr: 'Date de la réunion' }, constraint: '. <= today()' },
    { name: 'member_code', group: 'members', type: 'text', required: true, label: { en: 'Member code', fr: 'Code du membre' }, constraint: regexConstraint(memberCodePattern) },
    { name: 'present', group: 'members', type: 'select_one', required: true, list: yesNoList, label: { en: 'Present', fr: 'Présent(e)' } },
    { name: 'shares', group: 'members', type: 'integer', required: false, label: { en: 'Shares bought', fr: 'Parts achetées' }, constraint: '. >= 0' },
    { name: 'social_fund', group: 'members', type: 'integer', required: false, label: { en: 'Social fund paid (CDF)', fr: 'Caisse sociale payée (CDF)' }, constraint: '. >= 0' },
    { name: 'repayment', group: 'members', type: 'integer', required: false, label: { en: 'Loan repaid (CDF)', fr: 'Prêt remboursé (CDF)' }, constraint: '. >= 0' },
    { name: 'fine', group: 'members', type: 'integer', required: false, label: { en: 'Fines paid (CDF)', fr: 'Amendes payées (CDF)' }, constraint: '. >= 0' },
    { name: 'borrower_code', group: 'loans', type: 'text', required: true, label: { en: 'Borrower’s member code', fr: 'Code du membre emprunteur' }, constraint: regexConstraint(memberCodePattern) },
    { name: 'principal', group: 'loans', type: 'integer', required: true, label: { en: 'Amount lent (CDF)', fr: 'Montant prêté (CDF)' }, constraint: '. >= 1' },
    { name: 'due_date', group: 'loans', type: 'date', required: true, label: { en: 'Due date', fr: 'Date d’échéance' } },
  ],
  async record(ctx, answers, _env, repeats) {
    const input: MeetingInput = {
      groupCode: answer.required(answers, 'group_code'),
      cycle: answer.integer(answers, 'cycle'),
      meetingDate: answer.date(answers, 'meeting_date'),
      members: (repeats.members ?? []).map((member) => ({
        memberCode: answer.required(member, 'member_code'),
        present: answer.required(member, 'present') === 'yes',
        shares: answer.optionalInteger(member, 'shares') ?? 0,
        socialFundMinor: francsToMinor(member, 'social_fund'),
        repaymentMinor: francsToMinor(member, 'repayment'),
        fineMinor: francsToMinor(member, 'fine'),
      })),
      loans: (repeats.loans ?? []).map((loan) => ({
        memberCode: answer.required(loan, 'borrower_code'),
        principalMinor: answer.integer(loan, 'principal') * 100,
        dueDate: answer.date(loan, 'due_date'),
      })),
    };
    const meeting = await recordMeeting(ctx, input);
    return `savings_meeting:${meeting.meetingId}`;
  },
};
