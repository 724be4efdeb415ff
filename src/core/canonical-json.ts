import canonicalize from 'canonicalize';

/**
 * The RFC 8785 (JCS) canonical JSON of a value, as UTF-8 bytes. It refuses what JCS cannot
 * represent (NaN, Infinity, lone surrogates) and integers beyond 2^53, which JSON would round.
 */
export function canonicalBytes(value: unknown): Buffer {
  assertSafeIntegers(value, '$');
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON representation');
  return Buffer.from(text, 'utf8');
}

function assertSafeIntegers(value: unknown, path: string): void {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Number.isSafeInteger(value)) throw new RangeError(`${path}: integer beyond 2^53`);
  } else if (typeof value === 'bigint') {
    throw new TypeError(`${path}: bigint has no exact JSON form`);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => assertSafeIntegers(item, `${path}[${i}]`));
  } else if (value && typeof value === 'object' && !(value instanceof Date)) {
    for (const [key, item] of Object.entries(value)) assertSafeIntegers(item, `${path}.${key}`);
  }
}
