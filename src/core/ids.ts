import { randomBytes } from 'node:crypto';

const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';

/** A short random pseudonymous code (Crockford base32), e.g. `u-7k2m9q4x`: names a person in public without identifying them. */
export function newPseudonymousCode(prefix: string, length = 10): string {
  const bytes = randomBytes(length);
  let code = '';
  for (const byte of bytes) code += alphabet[byte % 32];
  return `${prefix}-${code}`;
}
