import type { Context, Hono } from 'hono';
import { listOrganisations } from '../../accounts/public.ts';
import { authorize } from '../../core/auth/policies.ts';
import { isoDateOf } from '../../core/calendar.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { runCommand } from '../../journal/public.ts';
import { CsrfField, ErrorSummary, Field, SelectField, TextareaField, type FieldErrors } from '../../web/components.tsx';
import type { AppEnv } from '../../web/context.ts';
import { formOf, type Form } from '../../web/forms.ts';
import { renderPage } from '../../web/layout.tsx';
import { addMember } from '../commands/add-member.ts';
import { createGroup, type CreateGroupProps } from '../commands/create-group.ts';
import { openCycle } from '../commands/open-cycle.ts';
import { recordEnterpriseRevenue } from '../commands/record-enterprise-revenue.ts';
import { registerEnterprise } from '../commands/register-enterprise.ts';
import { savingsText, textFor, type SavingsTextKey } from '../messages/pages.ts';
import { getGroup } from '../queries/groups.ts';
import { committeeRoles, enterpriseSectors } from '../schema.ts';
import { parseFrancs } from './shared.tsx';

type Text = ReturnType<typeof textFor>;
type FoundingMember = NonNullable<CreateGroupProps['members']>[number];

/**
 * Runs a command from a form. A refusal the person can fix comes back as errors beside the fields:
 * schema issues by their path, the module's refusals on the field `fieldOfCode` names.
 */
export async function submitForm(c: Context<AppEnv>, run: () => Promise<unknown>, messages: Record<string, string>, fieldOfCode: (code: string) => string): Promise<FieldErrors | null> {
  try {
    await run();
    return null;
  } catch (error) {
    if (!(error instanceof AppError) || error.status < 400 || error.status >= 500 || error.status === 401 || error.status === 403) throw error;
    const locale = c.get('locale');
    if (error.code === 'validation_failed' && Array.isArray(error.details)) {
      const fields = (error.details as { path: string }[]).map((issue) => issue.path.split('.')[0] ?? '');
      return Object.fromEntries(fields.map((field) => [field in messages ? field : fieldOfCode(error.code), messages[field] ?? error.text[locale]]));
    }
    return { [fieldOfCode(error.code)]: error.text[locale] };
  }
}

const sexWords: Record<string, 'female' | 'male'> = { f: 'female', w: 'female', femme: 'female', woman: 'female', m: 'male', h: 'male', homme: 'male', man: 'male' };

/** The role a line names: its code (`key_keeper`) or its label in either language (`Trésorière`). */
function roleOf(word: string): FoundingMember['committeeRole'] | null {
  const wanted = word.trim().toLowerCase().replace(/\s+/g, ' ');
  if (wanted === '') return 'member';
  return committeeRoles.find((role) => role === wanted.replace(/ /g, '_') || (['en', 'fr'] as const).some((l) => savingsText.t(l, `role_${role}`).toLowerCase() === wanted)) ?? null;
}

/**
 * Founding members, one a line: `Name; F; role` — sex F (or W, femme) or M (or H, homme), the
 * committee role optional (member when left out). Returns the lines it could not read, numbered from 1.
 */
export function parseFoundingMembers(text: string): { members: FoundingMember[]; badLines: number[] } {
  const members: FoundingMember[] = [];
  const badLines: number[] = [];
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return;
    const [name = '', sexWord = '', roleWord = '', ...rest] = line.split(';').map((part) => part.trim());
    const sex = sexWords[sexWord.toLowerCase()];
    const committeeRole = roleOf(roleWord);
    if (name === '' || !sex || !committeeRole || rest.length > 0) badLines.push(index + 1);
    else members.push({ name, sex, committeeRole });
  });
  return { members, badLines };
}

const roleOptions = (t: Text) => committeeRoles.map((role) => ({ value: role, label: t(`role_${role}`) }));
const sexOptions = (t: Text) => [
  { value: 'female', label: t('sex_female') },
  { value: 'male', label: t('sex_male') },
];
const messagesOf = (t: Text, keys: Record<string, SavingsTextKey>) => Object.fromEntries(Object.entries(keys).map(([field, key]) => [field, t(key)]));

async function renderNewGroup(c: Context<AppEnv>, values: Form, errors: FieldErrors = {}) {
  // A command's form is shown only to those who may run it.
  authorize(c.get('actor'), 'savings.record');
  const locale = c.get('locale');
  const t = textFor(locale);
  const facilitators = (await listOrganisations(c.get('deps').db)).filter((o) => o.kind === 'secretariat' || o.kind === 'partner');
  return renderPage(
    c,
    {
      title: t('new_group_title'),
      breadcrumbs: [
        { href: '/savings', label: t('dashboard_title') },
        { href: '/savings/groups', label: t('groups_title') },
      ],
      children: (
        <>
          <h1>{t('new_group_title')}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          <form method="post" action="/savings/groups/new" novalidate>
            <CsrfField token={c.get('csrfToken')} />
            <Field name="code" label={t('code')} hint={t('group_code_hint')} value={values.code} error={errors.code} />
            <Field name="name" label={t('name')} value={values.name} error={errors.name} />
            <Field name="community" label={t('community')} value={values.community} error={errors.community} />
            <SelectField name="facilitator" label={t('facilitator')} value={values.facilitator ?? ''} options={facilitators.map((o) => ({ value: o.code, label: o.name }))} error={errors.facilitator} />
            <Field name="formedOn" type="date" label={t('formed_on')} hint={t('date_hint')} value={values.formedOn ?? isoDateOf(new Date())} error={errors.formedOn} />
            <TextareaField name="members" label={t('founding_members')} hint={t('founding_members_hint')} value={values.members} error={errors.members} rows={8} />
            <button class="button" type="submit">
              {t('create_group')}
            </button>
          </form>
        </>
      ),
    },
    Object.keys(errors).length > 0 ? 422 : 200,
  );
}

async function renderGroupForms(c: Context<AppEnv>, code: string, which: 'member' | 'cycle', values: Form, errors: FieldErrors) {
  // A command's form is shown only to those who may run it.
  authorize(c.get('actor'), 'savings.record');
  const locale = c.get('locale');
  const t = textFor(locale);
  const group = await getGroup(c.get('deps').db, code);
  if (!group) throw notFound();
  const title = `${group.code} · ${which === 'member' ? t('add_member') : t('open_cycle')}`;
  return renderPage(
    c,
    {
      title,
      breadcrumbs: [
        { href: '/savings/groups', label: t('groups_title') },
        { href: `/savings/groups/${group.code}`, label: group.code },
      ],
      children: (
        <>
          <h1>{title}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          {which === 'member' ? <AddMemberForm c={c} groupCode={group.code} values={values} errors={errors} /> : <OpenCycleForm c={c} groupCode={group.code} values={values} errors={errors} />}
        </>
      ),
    },
    422,
  );
}

/** The add-a-member form, shown on the group page and again, filled in, when refused. */
export function AddMemberForm({ c, groupCode, values = {}, errors = {} }: { c: Context<AppEnv>; groupCode: string; values?: Form; errors?: FieldErrors }) {
  const t = textFor(c.get('locale'));
  return (
    <form method="post" action={`/savings/groups/${groupCode}/members`} novalidate>
      <CsrfField token={c.get('csrfToken')} />
      <Field name="name" label={t('name')} value={values.name} error={errors.name} />
      <SelectField name="sex" label={t('sex')} value={values.sex ?? 'female'} options={sexOptions(t)} error={errors.sex} />
      <SelectField name="committeeRole" label={t('role')} value={values.committeeRole ?? 'member'} options={roleOptions(t)} error={errors.committeeRole} />
      <Field name="joinedOn" type="date" label={t('joined_on')} hint={t('date_hint')} value={values.joinedOn ?? isoDateOf(new Date())} error={errors.joinedOn} />
      <button class="button" type="submit">
        {t('add_member')}
      </button>
    </form>
  );
}

/** The open-a-cycle form: the rules the members agreed for the year, amounts in francs. */
export function OpenCycleForm({ c, groupCode, values = {}, errors = {} }: { c: Context<AppEnv>; groupCode: string; values?: Form; errors?: FieldErrors }) {
  const t = textFor(c.get('locale'));
  return (
    <form method="post" action={`/savings/groups/${groupCode}/cycles`} novalidate>
      <CsrfField token={c.get('csrfToken')} />
      <Field name="startsOn" type="date" label={t('starts_on')} hint={t('date_hint')} value={values.startsOn} error={errors.startsOn} />
      <Field name="endsOn" type="date" label={t('ends_on')} hint={t('date_hint')} value={values.endsOn} error={errors.endsOn} />
      <Field name="sharePrice" label={t('share_price_cdf')} value={values.sharePrice} error={errors.sharePrice} />
      <Field name="maxSharesPerMeeting" label={t('max_shares')} value={values.maxSharesPerMeeting ?? '5'} error={errors.maxSharesPerMeeting} />
      <Field name="monthlyInterest" label={t('interest_percent')} hint={t('interest_hint')} value={values.monthlyInterest} error={errors.monthlyInterest} />
      <Field name="socialFund" label={t('social_fund_cdf')} value={values.socialFund} error={errors.socialFund} />
      <button class="button" type="submit">
        {t('open_cycle')}
      </button>
    </form>
  );
}

/** "10" or "2,5" per cent → basis points; null when it is not such a rate. */
function parsePercentBps(text: string | undefined): number | null {
  const match = /^(\d{1,2})(?:[.,](\d{1,2}))?$/.exec((text ?? '').trim());
  return match ? Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')) : null;
}

/** Whole numbers a form gives; null when the box holds something else. */
const parseCount = (text: string | undefined) => (/^\d{1,9}$/.test((text ?? '').trim()) ? Number((text ?? '').trim()) : null);

/** Amounts and rates a form gives as text; each one that cannot be read is named for its field. */
function readNumbers(t: Text, form: Form, wanted: Record<string, (text: string | undefined) => number | null>) {
  const values: Record<string, number> = {};
  const errors: FieldErrors = {};
  for (const [field, read] of Object.entries(wanted)) {
    const value = (form[field] ?? '').trim() === '' ? null : read(form[field]);
    if (value === null) errors[field] = t('number_not_understood');
    else values[field] = value;
  }
  return { values, errors };
}

async function renderEnterpriseForm(c: Context<AppEnv>, which: 'register' | 'revenue', values: Form, errors: FieldErrors) {
  // A command's form is shown only to those who may run it.
  authorize(c.get('actor'), 'savings.record');
  const locale = c.get('locale');
  const t = textFor(locale);
  const title = which === 'register' ? t('register_enterprise') : t('record_revenue');
  return renderPage(
    c,
    {
      title,
      breadcrumbs: [
        { href: '/savings', label: t('dashboard_title') },
        { href: '/savings/enterprises', label: t('enterprises_title') },
      ],
      children: (
        <>
          <h1>{title}</h1>
          <ErrorSummary locale={locale} errors={errors} />
          {which === 'register' ? <RegisterEnterpriseForm c={c} values={values} errors={errors} /> : <RevenueForm c={c} values={values} errors={errors} />}
        </>
      ),
    },
    422,
  );
}

export function RegisterEnterpriseForm({ c, values = {}, errors = {} }: { c: Context<AppEnv>; values?: Form; errors?: FieldErrors }) {
  const t = textFor(c.get('locale'));
  return (
    <form method="post" action="/savings/enterprises" novalidate>
      <CsrfField token={c.get('csrfToken')} />
      <Field name="ownerMemberCode" label={t('owner_member_code')} hint={t('member_code_hint')} value={values.ownerMemberCode} error={errors.ownerMemberCode} />
      <SelectField name="sector" label={t('sector')} value={values.sector ?? ''} options={[{ value: '', label: t('choose') }, ...enterpriseSectors.map((s) => ({ value: s, label: t(`sector_${s}`) }))]} error={errors.sector} />
      <Field name="startedOn" type="date" label={t('started_on')} hint={t('date_hint')} value={values.startedOn} error={errors.startedOn} />
      <Field name="financingLoanId" label={t('financing_loan')} hint={t('financing_loan_hint')} value={values.financingLoanId} error={errors.financingLoanId} />
      <Field name="jobsCreated" label={t('jobs_created')} hint={t('jobs_created_hint')} value={values.jobsCreated} error={errors.jobsCreated} />
      <button class="button" type="submit">
        {t('register_enterprise')}
      </button>
    </form>
  );
}

export function RevenueForm({ c, values = {}, errors = {} }: { c: Context<AppEnv>; values?: Form; errors?: FieldErrors }) {
  const t = textFor(c.get('locale'));
  return (
    <form method="post" action="/savings/enterprises/revenue" novalidate>
      <CsrfField token={c.get('csrfToken')} />
      <Field name="enterpriseCode" label={t('enterprise_code')} hint={t('enterprise_code_hint')} value={values.enterpriseCode} error={errors.enterpriseCode} />
      <Field name="month" label={t('month')} hint={t('month_hint')} value={values.month} error={errors.month} />
      <Field name="revenue" label={t('revenue_cdf')} value={values.revenue} error={errors.revenue} />
      <Field name="profit" label={t('profit_cdf')} hint={t('profit_hint')} value={values.profit} error={errors.profit} />
      <Field name="jobsCreated" label={t('jobs_created')} hint={t('jobs_created_hint')} value={values.jobsCreated} error={errors.jobsCreated} />
      <button class="button" type="submit">
        {t('record_revenue')}
      </button>
    </form>
  );
}

/** A whole number typed by a person, or null when left empty; NaN when it does not read. */
function optionalCount(text: string | undefined): number | null {
  const trimmed = (text ?? '').trim();
  if (trimmed === '') return null;
  return /^\d{1,4}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** The pages where field officers create groups, members, cycles and enterprises from the web. */
export function registerSavingsFormPages(pages: Hono<AppEnv>) {
  pages.get('/savings/groups/new', async (c) => {
    return renderNewGroup(c, {});
  });

  pages.post('/savings/groups/new', async (c) => {
    const t = textFor(c.get('locale'));
    const form = await formOf(c);
    const { members, badLines } = parseFoundingMembers(form.members ?? '');
    if (badLines.length > 0) return renderNewGroup(c, form, { members: t('members_not_understood', { lines: badLines.join(', ') }) });
    const code = (form.code ?? '').trim().toUpperCase();
    const messages = messagesOf(t, { code: 'group_code_hint', name: 'text_needed', community: 'text_needed', facilitator: 'facilitator_needed', formedOn: 'date_needed', members: 'too_many_members' });
    const fieldOfCode = (error: string) => ({ group_code_taken: 'code', facilitator_not_found: 'facilitator' })[error] ?? 'formedOn';
    const props = { code, name: form.name ?? '', community: form.community ?? '', facilitator: form.facilitator ?? '', formedOn: form.formedOn ?? '', members };
    const errors = await submitForm(c, () => runCommand(c.get('deps').db, c.get('actor'), (ctx) => createGroup(ctx, props)), messages, fieldOfCode);
    if (errors) return renderNewGroup(c, form, errors);
    return c.redirect(`/savings/groups/${code}`, 303);
  });

  pages.post('/savings/groups/:code/members', async (c) => {
    const t = textFor(c.get('locale'));
    const groupCode = c.req.param('code');
    const form = await formOf(c);
    const messages = messagesOf(t, { name: 'text_needed', sex: 'choose_one', committeeRole: 'choose_one', joinedOn: 'date_needed' });
    const props = { groupCode, name: form.name ?? '', sex: form.sex as 'female', committeeRole: form.committeeRole as 'member', joinedOn: form.joinedOn ?? '' };
    const errors = await submitForm(c, () => runCommand(c.get('deps').db, c.get('actor'), (ctx) => addMember(ctx, props)), messages, () => 'joinedOn');
    if (errors) return renderGroupForms(c, groupCode, 'member', form, errors);
    return c.redirect(`/savings/groups/${groupCode}`, 303);
  });

  pages.post('/savings/groups/:code/cycles', async (c) => {
    const t = textFor(c.get('locale'));
    const groupCode = c.req.param('code');
    const form = await formOf(c);
    const read = readNumbers(t, form, { sharePrice: parseFrancs, maxSharesPerMeeting: parseCount, monthlyInterest: parsePercentBps, socialFund: parseFrancs });
    if (Object.keys(read.errors).length > 0) return renderGroupForms(c, groupCode, 'cycle', form, read.errors);
    const { sharePrice, maxSharesPerMeeting, monthlyInterest, socialFund } = read.values as Record<'sharePrice' | 'maxSharesPerMeeting' | 'monthlyInterest' | 'socialFund', number>;
    const props = { groupCode, startsOn: form.startsOn ?? '', endsOn: form.endsOn ?? '', sharePriceMinor: sharePrice, maxSharesPerMeeting, monthlyInterestBps: monthlyInterest, socialFundContributionMinor: socialFund };
    const messages = messagesOf(t, { startsOn: 'date_needed', endsOn: 'date_needed', sharePriceMinor: 'cycle_rule_invalid', maxSharesPerMeeting: 'cycle_rule_invalid', monthlyInterestBps: 'cycle_rule_invalid', socialFundContributionMinor: 'cycle_rule_invalid' });
    const errors = await submitForm(c, () => runCommand(c.get('deps').db, c.get('actor'), (ctx) => openCycle(ctx, props)), messages, (error) => (error === 'cycle_overlaps' ? 'startsOn' : 'endsOn'));
    // The command names its own fields (sharePriceMinor); the form shows them under the boxes the officer typed in.
    const boxOf: Record<string, string> = { sharePriceMinor: 'sharePrice', monthlyInterestBps: 'monthlyInterest', socialFundContributionMinor: 'socialFund' };
    if (errors) return renderGroupForms(c, groupCode, 'cycle', form, Object.fromEntries(Object.entries(errors).map(([field, message]) => [boxOf[field] ?? field, message])));
    return c.redirect(`/savings/groups/${groupCode}`, 303);
  });

  pages.post('/savings/enterprises', async (c) => {
    const t = textFor(c.get('locale'));
    const form = await formOf(c);
    const loanText = (form.financingLoanId ?? '').trim();
    const financingLoanId = loanText === '' ? null : parseCount(loanText);
    if (financingLoanId === null && loanText !== '') return renderEnterpriseForm(c, 'register', form, { financingLoanId: t('number_not_understood') });
    const jobsCreated = optionalCount(form.jobsCreated);
    if (Number.isNaN(jobsCreated)) return renderEnterpriseForm(c, 'register', form, { jobsCreated: t('number_not_understood') });
    const props = { ownerMemberCode: (form.ownerMemberCode ?? '').trim().toUpperCase(), sector: form.sector as 'retail', startedOn: form.startedOn ?? '', financingLoanId, jobsCreated };
    const messages = messagesOf(t, { ownerMemberCode: 'member_code_hint', sector: 'choose_one', startedOn: 'date_needed', financingLoanId: 'number_not_understood', jobsCreated: 'number_not_understood' });
    const fieldOfCode = (error: string) => ({ member_unknown: 'ownerMemberCode', enterprise_loan_invalid: 'financingLoanId' })[error] ?? 'startedOn';
    const errors = await submitForm(c, () => runCommand(c.get('deps').db, c.get('actor'), (ctx) => registerEnterprise(ctx, props)), messages, fieldOfCode);
    if (errors) return renderEnterpriseForm(c, 'register', form, errors);
    return c.redirect('/savings/enterprises', 303);
  });

  pages.post('/savings/enterprises/revenue', async (c) => {
    const t = textFor(c.get('locale'));
    const form = await formOf(c);
    const revenueMinor = (form.revenue ?? '').trim() === '' ? null : parseFrancs(form.revenue);
    if (revenueMinor === null) return renderEnterpriseForm(c, 'revenue', form, { revenue: t('number_not_understood') });
    // A loss is a profit below zero: “-1500” reads as francs like any amount.
    const profitText = (form.profit ?? '').trim();
    const profitMagnitude = profitText === '' ? null : parseFrancs(profitText.replace(/^[-−]/, ''));
    if (profitText !== '' && profitMagnitude === null) return renderEnterpriseForm(c, 'revenue', form, { profit: t('number_not_understood') });
    const profitMinor = profitMagnitude === null ? null : /^[-−]/.test(profitText) ? -profitMagnitude : profitMagnitude;
    const jobsCreated = optionalCount(form.jobsCreated);
    if (Number.isNaN(jobsCreated)) return renderEnterpriseForm(c, 'revenue', form, { jobsCreated: t('number_not_understood') });
    const props = { enterpriseCode: (form.enterpriseCode ?? '').trim().toUpperCase(), month: (form.month ?? '').trim(), revenueMinor, profitMinor, jobsCreated };
    const messages = messagesOf(t, { enterpriseCode: 'enterprise_code_hint', month: 'month_hint', revenueMinor: 'number_not_understood', profitMinor: 'number_not_understood', jobsCreated: 'number_not_understood' });
    const fieldOfCode = (error: string) => ({ enterprise_not_found: 'enterpriseCode', profit_above_takings: 'profit' })[error] ?? 'month';
    const errors = await submitForm(c, () => runCommand(c.get('deps').db, c.get('actor'), (ctx) => recordEnterpriseRevenue(ctx, props)), messages, fieldOfCode);
    const formFields: Record<string, string> = { revenueMinor: 'revenue', profitMinor: 'profit' };
    if (errors) return renderEnterpriseForm(c, 'revenue', form, Object.fromEntries(Object.entries(errors).map(([field, message]) => [formFields[field] ?? field, message])));
    return c.redirect('/savings/enterprises', 303);
  });
}
