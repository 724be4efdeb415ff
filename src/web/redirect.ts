import { coreError } from '../core/errors.ts';

// Any origin will do: the target is parsed against it and must come back on the same one.
const here = 'http://orebook.invalid';

/**
 * Where to send the browser after sign-in or a change of language: a path on this site, from a
 * `next` value that anyone can put in a link. Only a path that starts with one '/' and that a
 * browser would resolve to this origin is kept (`/\evil.example` and `//evil.example` go elsewhere
 * in a browser, so they go home, '/'). A control character is refused with 400 `invalid_redirect`,
 * before anything changes: no link of ours carries one, and browsers drop a tab or newline from a
 * URL, which would turn `/<TAB>/evil.example` into `//evil.example`.
 *
 * @example sameOriginPath('/registry?year=2025') // '/registry?year=2025'
 * @example sameOriginPath('/\\evil.example') // '/'
 */
export function sameOriginPath(next: string | undefined): string {
  if (next === undefined || next === '') return '/';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(next)) throw coreError('invalid_redirect', 400);
  if (!next.startsWith('/') || next.startsWith('//')) return '/';
  let target: URL;
  try {
    target = new URL(next, here);
  } catch {
    return '/';
  }
  if (target.origin !== here) return '/';
  return `${target.pathname}${target.search}${target.hash}`;
}
