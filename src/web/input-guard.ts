import type { MiddlewareHandler } from 'hono';
import { coreError } from '../core/errors.ts';
import type { AppEnv } from './context.ts';

/** Control characters (C0 and DEL) and lone UTF-16 surrogates: never part of an address or a name. */
// eslint-disable-next-line no-control-regex -- matching control characters is this guard's purpose
const forbiddenInAddress = /[\u0000-\u001f\u007f]|\p{Cs}/u;
/** In text fields, tab and line breaks belong to multi-line text (notes, descriptions); the rest never does. */
// eslint-disable-next-line no-control-regex -- as above
const forbiddenInText = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\p{Cs}/u;
const jsonContentType = /^application\/([a-z-.]+\+)?json(;|$)/i;
const formContentType = /^(application\/x-www-form-urlencoded|multipart\/form-data)(;|$)/i;
const maxNamedFields = 5;

function decodeOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function printable(name: string): string {
  return forbiddenInAddress.test(name) ? '(name)' : name.slice(0, 60);
}

/** Where in the address a bad character is: 'path', or the name of the query parameter. */
function badPartsOfAddress(url: string): string[] {
  const { pathname, search } = new URL(url);
  const bad: string[] = [];
  for (const segment of pathname.split('/')) {
    const decoded = decodeOrNull(segment);
    if (decoded === null || forbiddenInAddress.test(decoded)) {
      bad.push('path');
      break;
    }
  }
  for (const pair of search.slice(1).split('&')) {
    if (!pair) continue;
    const [rawName = '', ...rest] = pair.split('=');
    const name = decodeOrNull(rawName.replaceAll('+', ' '));
    const value = decodeOrNull(rest.join('=').replaceAll('+', ' '));
    if (name === null || value === null || forbiddenInAddress.test(name) || forbiddenInAddress.test(value)) bad.push(name === null ? '(query)' : printable(name));
  }
  return bad;
}

/** The paths (`workers.0.fullName`) of every string, or key, in a parsed JSON value that holds a forbidden character. */
function badPartsOfJson(value: unknown, path: string, found: string[]): void {
  if (found.length >= maxNamedFields) return;
  if (typeof value === 'string') {
    if (forbiddenInText.test(value)) found.push(path || '(body)');
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => badPartsOfJson(item, path ? `${path}.${index}` : String(index), found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (forbiddenInText.test(key)) {
        found.push(path ? `${path}.(name)` : '(name)');
        continue;
      }
      badPartsOfJson(item, path ? `${path}.${key}` : key, found);
    }
  }
}

/**
 * Refuses, before anything else reads them, requests whose address, query, JSON strings or form
 * fields hold control characters (PostgreSQL cannot store NUL; none belongs in a name or a code),
 * lone surrogates or broken percent-encoding: `400 invalid_characters`, naming the fields but never
 * echoing their values. Files in a multipart form are left to the module that reads them. A body
 * that is not valid JSON is left to the route, which answers `malformed_json`.
 */
export function refuseControlCharacters(): MiddlewareHandler<AppEnv> {
  return async function refuseControlCharacters(c, next) {
    const bad = badPartsOfAddress(c.req.url);
    const contentType = c.req.header('content-type') ?? '';
    if (bad.length === 0 && c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      if (jsonContentType.test(contentType)) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(await c.req.text());
        } catch {
          parsed = undefined;
        }
        badPartsOfJson(parsed, '', bad);
      } else if (formContentType.test(contentType)) {
        // formData() is cached by name, so the page's own parseBody() still reads the body afresh.
        const form = await c.req.formData().catch(() => undefined);
        form?.forEach((value, name) => {
          if (forbiddenInText.test(name) || (typeof value === 'string' && forbiddenInText.test(value))) bad.push(printable(name));
        });
      }
    }
    if (bad.length > 0) throw coreError('invalid_characters', 400, { fields: [...new Set(bad)].slice(0, maxNamedFields).join(', ') });
    return next();
  };
}
