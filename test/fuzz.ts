/** Deterministic hostile input for the fuzz checks: a seeded generator and the values attackers send. */

/** mulberry32: the same seed gives the same sequence on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A stable seed for a name (an operation and a role), so each batch is reproducible on its own. */
export function seedOf(text: string): number {
  let hash = 2_166_136_261;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 16_777_619);
  return hash >>> 0;
}

export const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Path segments, already as they travel in a URL (some deliberately not valid percent-encoding). */
export const hostileSegments = [
  '%00',
  'a%00b',
  '99999999999999999999',
  '2147483648',
  '-1',
  '%ED%A0%80',
  '..%2F..%2Fetc%2Fpasswd',
  '..',
  'x'.repeat(3_000),
  '%E0%A4%A',
  '%0D%0ALocation:%20evil',
  '1e308',
] as const;

/** Values for JSON fields and query parameters. */
export const hostileStrings = [
  '\u0000',
  'name\u0000',
  '\ud800',
  'x'.repeat(3_000),
  '../../etc/passwd',
  "'; drop table users; --",
  '<script>alert(1)</script>',
  '=cmd|"/c calc"!A1',
  '99999999999999999999',
  '',
  ' ',
  '\u202egnp.exe',
  '2025-02-30',
  '-1',
] as const;

export const hostileNumbers = [2 ** 31, 2 ** 53, 1e20, -1, 0, 1.5, -(2 ** 63), Number.MAX_VALUE] as const;

/** Anything of the wrong kind. */
export const hostileValues: readonly unknown[] = [null, true, [], {}, [1, 2], { $gt: '' }, ...hostileStrings, ...hostileNumbers];

/** Encodes a value for a URL; a lone surrogate cannot be encoded and travels as its raw UTF-8 bytes. */
export function urlPart(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}
