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

/** The frame every form field shares: its label, hint and, when wrong, its error beside it. */
function FieldFrame({ name, label, hint, error, children }: { name: string; label: string; hint?: string | undefined; error?: string | undefined; children: Child }) {
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
      {children}
    </div>
  );
}

const describedBy = (name: string, hint?: string, error?: string) => [hint ? `${name}-hint` : '', error ? `${name}-error` : ''].filter(Boolean).join(' ') || undefined;

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
  return (
    <FieldFrame name={name} label={label} hint={hint} error={error}>
      <input
        id={name}
        name={name}
        type={type}
        value={value ?? ''}
        autocomplete={autocomplete}
        required={required}
        aria-describedby={describedBy(name, hint, error)}
        aria-invalid={error ? 'true' : undefined}
      />
    </FieldFrame>
  );
}

export function TextareaField({ name, label, hint, value, error, rows = 4 }: { name: string; label: string; hint?: string; value?: string; error?: string | undefined; rows?: number }) {
  return (
    <FieldFrame name={name} label={label} hint={hint} error={error}>
      <textarea id={name} name={name} rows={rows} aria-describedby={describedBy(name, hint, error)} aria-invalid={error ? 'true' : undefined}>
        {value ?? ''}
      </textarea>
    </FieldFrame>
  );
}

/** A file upload; a page that has one posts multipart/form-data. */
export function FileField({ name, label, hint, error, accept }: { name: string; label: string; hint?: string; error?: string | undefined; accept?: string }) {
  return (
    <FieldFrame name={name} label={label} hint={hint} error={error}>
      <input id={name} name={name} type="file" accept={accept} aria-describedby={describedBy(name, hint, error)} aria-invalid={error ? 'true' : undefined} />
    </FieldFrame>
  );
}

type Option = { value: string; label: string };

export function SelectField({ name, label, hint, options, value, error }: { name: string; label: string; hint?: string; options: Option[]; value?: string; error?: string | undefined }) {
  return (
    <FieldFrame name={name} label={label} hint={hint} error={error}>
      <select id={name} name={name} aria-describedby={describedBy(name, hint, error)} aria-invalid={error ? 'true' : undefined}>
        {options.map((option) => (
          <option value={option.value} selected={option.value === value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
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

/** A module's part of the signed-in home page: its figures, then its tasks as links (or a line saying there are none). */
export function HomeSection({ title, cards, tasks, empty }: { title: string; cards?: Child; tasks: Child[]; empty: string }) {
  return (
    <section>
      <h2>{title}</h2>
      {cards}
      {tasks.length ? (
        <ul class="task-list">
          {tasks.map((task) => (
            <li>{task}</li>
          ))}
        </ul>
      ) : (
        <p>{empty}</p>
      )}
    </section>
  );
}
