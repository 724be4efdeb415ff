import type { Child } from 'hono/jsx';
import type { Locale } from '../core/i18n/index.ts';
import { frame } from './messages.ts';

export type FieldErrors = Record<string, string>;

/** GOV.UK-style error summary: every problem, linking to its field. */
export function ErrorSummary({ locale, errors }: { locale: Locale; errors: FieldErrors }) {
  const entries = Object.entries(errors);
  if (entries.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabindex={-1}>
      <h2>{frame.t(locale, 'error_summary_title')}</h2>
      <ul>
        {entries.map(([field, message]) => (
          <li>
            <a href={`#${field}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

type FieldProps = {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  error?: string | undefined;
  type?: 'text' | 'email' | 'password' | 'number' | 'date';
  autocomplete?: string;
  required?: boolean;
};

/** A labelled input with its hint and, when wrong, its error beside it. The value survives an error. */
export function Field({ name, label, hint, value, error, type = 'text', autocomplete, required }: FieldProps) {
  const describedBy = [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={name}>{label}</label>
      {hint && (
        <p class="hint" id={`${name}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p class="error-message" id={`${name}-error`}>
          {error}
        </p>
      )}
      <input
        id={name}
        name={name}
        type={type}
        value={value ?? ''}
        autocomplete={autocomplete}
        required={required}
        aria-describedby={describedBy}
        aria-invalid={error ? 'true' : undefined}
      />
    </div>
  );
}

type Option = { value: string; label: string };

export function SelectField({ name, label, options, value, error }: { name: string; label: string; options: Option[]; value?: string; error?: string | undefined }) {
  return (
    <div class={error ? 'field field-error' : 'field'}>
      <label for={name}>{label}</label>
      {error && (
        <p class="error-message" id={`${name}-error`}>
          {error}
        </p>
      )}
      <select id={name} name={name} aria-invalid={error ? 'true' : undefined}>
        {options.map((option) => (
          <option value={option.value} selected={option.value === value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name="_csrf" value={token} />;
}

/** A headline figure with its label and, when known, what changed since the last period. */
export function SummaryCard({ figure, label, change, small }: { figure: string; label: string; change?: string; small?: boolean }) {
  return (
    <div class="card">
      <p class={small ? 'card-figure card-figure-small' : 'card-figure'}>{figure}</p>
      <p class="card-label">{label}</p>
      {change && <p class="card-change">{change}</p>}
    </div>
  );
}

export function CardGrid({ children }: { children: Child }) {
  return <div class="card-grid">{children}</div>;
}

export type Column<Row> = { header: string; cell: (row: Row) => Child; numeric?: boolean };

/** A table with a caption; numeric columns are right-aligned. */
export function DataTable<Row>({ caption, columns, rows }: { caption: string; columns: Column<Row>[]; rows: Row[] }) {
  return (
    <div class="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" class={column.numeric ? 'num' : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {columns.map((column) => (
                <td class={column.numeric ? 'num' : undefined}>{column.cell(row)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export type TagTone = 'green' | 'yellow' | 'red' | 'blue' | 'grey';

/** Status as text in a coloured tag: never colour alone. */
export function StatusTag({ tone, children }: { tone: TagTone; children: Child }) {
  return <strong class={`tag tag-${tone}`}>{children}</strong>;
}

/** What an empty list says: why it is empty and what to do next. */
export function EmptyState({ title, next }: { title: string; next: Child }) {
  return (
    <div class="empty-state">
      <p>
        <strong>{title}</strong>
      </p>
      <p>{next}</p>
    </div>
  );
}
