import { describe, expect, it } from 'vitest';
import { defineMessages } from './index.ts';

const msg = defineMessages({
  en: { incidents: '{count, plural, =0 {no incident at {site}} one {# incident at {site}} other {# incidents at {site}}}', plain: '{count} rows' },
  fr: { incidents: '{count, plural, =0 {aucun incident à {site}} one {# incident à {site}} other {# incidents à {site}}}', plain: '{count} lignes' },
});

describe('Plural words in the catalogues', () => {
  it('chooses the branch by the language’s plural rules and writes the count for the language', () => {
    expect(msg.t('en', 'incidents', { count: 0, site: 'KAM' })).toBe('no incident at KAM');
    expect(msg.t('en', 'incidents', { count: 1, site: 'KAM' })).toBe('1 incident at KAM');
    expect(msg.t('en', 'incidents', { count: 2, site: 'KAM' })).toBe('2 incidents at KAM');
    expect(msg.t('en', 'incidents', { count: 1234, site: 'KAM' })).toBe('1,234 incidents at KAM');
    // French puts 0 and 1 in "one" (CLDR), but an exact =0 branch comes first.
    expect(msg.t('fr', 'incidents', { count: 0, site: 'KAM' })).toBe('aucun incident à KAM');
    expect(msg.t('fr', 'incidents', { count: 1, site: 'KAM' })).toBe('1 incident à KAM');
    expect(msg.t('fr', 'incidents', { count: 1234, site: 'KAM' })).toBe('1\u202f234 incidents à KAM');
    expect(msg.localized('incidents', { count: 3, site: 'MTX' })).toEqual({ en: '3 incidents at MTX', fr: '3 incidents à MTX' });
  });

  it('leaves a template with no plural argument, or with a count that is not a number, as it was', () => {
    expect(msg.t('en', 'plain', { count: 3 })).toBe('3 rows');
    expect(msg.t('en', 'incidents', { count: 'many', site: 'KAM' })).toContain('{count, plural,');
  });
});
