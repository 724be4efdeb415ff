export const locales = ['en', 'fr'] as const;
export type Locale = (typeof locales)[number];

/** A text in every language Orebook speaks, chosen at the edge by the reader's locale. */
export type Localized = Record<Locale, string>;

export type Params = Record<string, string | number>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * Declares a module's message catalogue. French must have exactly the keys of English, so a
 * missing translation is a type error, not a blank on a page.
 *
 * @example
 * const msg = defineMessages({ en: { hello: 'Hello {name}' }, fr: { hello: 'Bonjour {name}' } });
 * msg.t('fr', 'hello', { name: 'Agathe' }); // 'Bonjour Agathe'
 */
export function defineMessages<K extends string>(catalogue: { en: Record<K, string>; fr: Record<NoInfer<K>, string> }) {
  return {
    t(locale: Locale, key: K, params?: Params): string {
      return interpolate(catalogue[locale][key], params);
    },
    localized(key: K, params?: Params): Localized {
      return { en: interpolate(catalogue.en[key], params), fr: interpolate(catalogue.fr[key], params) };
    },
    keys: Object.keys(catalogue.en) as K[],
  };
}

/** Picks the reader's language from an explicit choice, then Accept-Language, then English. */
export function negotiateLocale(explicit: string | undefined, acceptLanguage: string | undefined): Locale {
  if (isLocale(explicit)) return explicit;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]?.trim().slice(0, 2).toLowerCase();
    if (isLocale(tag)) return tag;
  }
  return 'en';
}
