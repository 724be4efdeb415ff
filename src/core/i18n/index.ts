import { formatNumber } from './format.ts';

export const locales = ['en', 'fr'] as const;
export type Locale = (typeof locales)[number];

/** A text in every language Orebook speaks, chosen at the edge by the reader's locale. */
export type Localized = Record<Locale, string>;

export type Params = Record<string, string | number>;

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();
const pluralCategory = (locale: Locale, count: number) => {
  let rules = pluralRules.get(locale);
  if (!rules) pluralRules.set(locale, (rules = new Intl.PluralRules(locale)));
  return rules.select(count);
};

/** `{name, plural, =0 {…} one {…} other {…}}` (the ICU MessageFormat plural argument; `#` is the count) with its branches. */
const pluralArgument = /\{(\w+), plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*(?:\{\w+\}[^{}]*)*\})+)\s*\}/g;
const pluralBranch = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*(?:\{\w+\}[^{}]*)*)\}/g;

function selectPlurals(template: string, locale: Locale, params: Params): string {
  return template.replace(pluralArgument, (whole, name: string, body: string) => {
    const count = Number(params[name]);
    if (!(name in params) || !Number.isFinite(count)) return whole;
    const branches = new Map([...body.matchAll(pluralBranch)].map((match) => [match[1]!, match[2]!]));
    const chosen = branches.get(`=${count}`) ?? branches.get(pluralCategory(locale, count)) ?? branches.get('other') ?? whole;
    return chosen.replaceAll('#', formatNumber(locale, count));
  });
}

function interpolate(template: string, locale: Locale, params?: Params): string {
  if (!params) return template;
  return selectPlurals(template, locale, params).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * Declares a module's message catalogue. French must have exactly the keys of English, so a
 * missing translation is a type error, not a blank on a page.
 *
 * @example
 * const msg = defineMessages({ en: { hello: 'Hello {name}' }, fr: { hello: 'Bonjour {name}' } });
 * msg.t('fr', 'hello', { name: 'Agathe' }); // 'Bonjour Agathe'
 *
 * A count chooses its words by the language's plural rules (Intl.PluralRules), in ICU's syntax:
 * `'{count, plural, one {# incident} other {# incidents}}'`, where `count` is a number and `#` is it
 * formatted for the language (`formatNumber`); a branch may also hold other parameters:
 * `'{count, plural, =0 {no incident at {site}} one {one incident at {site}} other {# incidents at {site}}}'`.
 */
export function defineMessages<K extends string>(catalogue: { en: Record<K, string>; fr: Record<NoInfer<K>, string> }) {
  return {
    t(locale: Locale, key: K, params?: Params): string {
      return interpolate(catalogue[locale][key], locale, params);
    },
    localized(key: K, params?: Params): Localized {
      return { en: interpolate(catalogue.en[key], 'en', params), fr: interpolate(catalogue.fr[key], 'fr', params) };
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
