import { importsError } from '../messages/imports.ts';
import { childCaseForm, childVisitForm } from './children.ts';
import type { FormDefinition } from './definition.ts';
import { productionDeclarationForm } from './production.ts';
import { safetyIncidentForm, safetyInterventionForm } from './safety.ts';
import { savingsMeetingForm } from './savings.ts';

/** Every field form Orebook publishes, in the order the forms page lists them. */
export const fieldForms: readonly FormDefinition[] = [productionDeclarationForm, safetyIncidentForm, safetyInterventionForm, childCaseForm, childVisitForm, savingsMeetingForm];

/** The form with this id, or 404 `form_not_found` naming the forms there are. */
export function fieldForm(id: string): FormDefinition {
  const form = fieldForms.find((f) => f.id === id);
  if (!form) throw importsError('form_not_found', 404, { form: id, known: fieldForms.map((f) => f.id).join(', ') });
  return form;
}
