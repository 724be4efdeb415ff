import type { FormField } from './definition.ts';

/**
 * The site a submission is about, by its code. A text field with the sites table's own format
 * rather than a list: sites are added after a form is deployed, and an unknown code is refused
 * per row on import by the owning module.
 */
export const siteField = (group: string): FormField => ({
  name: 'site',
  group,
  type: 'text',
  required: true,
  label: { en: 'Site code', fr: 'Code du site' },
  hint: { en: 'Three to six capital letters, as on the site’s sign, for example KAM.', fr: 'Trois à six lettres majuscules, comme sur le panneau du site, par exemple KAM.' },
  constraint: "regex(., '^[A-Z]{3,6}$')",
});
