import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UserRole } from '../src/core/auth/roles.ts';
import { runCommand } from '../src/journal/commands.ts';
import { journalSize } from '../src/journal/queries.ts';
import { createSite } from '../src/sites/commands/sites/create-site.ts';
import { createStandardVersion } from '../src/sites/commands/standard/create-standard-version.ts';
import { publishStandardVersion } from '../src/sites/commands/standard/publish-standard-version.ts';
import { hostileSegments, hostileValues, pick, seedOf, seededRandom, urlPart } from './fuzz.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

/**
 * Every operation of the OpenAPI document, asked by anyone and by a token of each role, with
 * generated requests: plausible ones built from the operation's schemas (and its examples, which name
 * the site made below), then the same with hostile values in the body, the path and the query, and
 * bodies that are not JSON at all. No answer is a 5xx, every error has the `{error:{code,message}}`
 * shape, and a batch of requests that were all refused leaves the journal as it was. The seed is
 * fixed: a failure names the operation, the role and the request, and happens again on every run.
 */
type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  example?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};
type Parameter = { name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema: Schema };
type Operation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } };

const requestsPerOperation = { anonymous: 6, role: 4 };
const roles: readonly UserRole[] = ['admin', 'field', 'cooperative', 'verifier', 'committee', 'buyer', 'member'];

let t: TestContext;
let doc: OpenApi;
const tokens = new Map<string, string | null>();

beforeAll(async () => {
  t = await createTestContext();
  await runCommand(t.db, system, (c) => createStandardVersion(c, { version: '1.0', source: { kind: 'default' } }));
  await runCommand(t.db, system, (c) => publishStandardVersion(c, { version: '1.0' }));
  const coop = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-fuzz' });
  await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'KAM', name: 'Fuzz site', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_700_000, longitudeE6: 25_400_000, concessionHolder: 'EGC', cooperative: coop.code }),
  );
  tokens.set('anonymous', null);
  for (const role of roles) {
    const created = await t.buildToken(role === 'cooperative' ? { role, organisationId: coop.id } : { role });
    tokens.set(role, created.token);
  }
  doc = (await (await t.app.request('/api/openapi.json')).json()) as OpenApi;
});
afterAll(() => t.close());

function resolve(schema: Schema): Schema {
  if (!schema.$ref) return schema;
  return resolve(doc.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')] ?? {});
}

/** A value that fits the schema, preferring its example. */
function plausible(raw: Schema, random: () => number, depth = 0): unknown {
  const schema = resolve(raw);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return pick(random, schema.enum);
  if (schema.example !== undefined && random() < 0.7) return schema.example;
  if (schema.anyOf || schema.oneOf) return plausible(pick(random, (schema.anyOf ?? schema.oneOf)!), random, depth + 1);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((part) => plausible(part, random, depth + 1)));
  const types = Array.isArray(schema.type) ? schema.type.filter((type) => type !== 'null') : [schema.type ?? 'object'];
  const type = pick(random, types.length ? types : ['null']);
  switch (type) {
    case 'string':
      if (schema.format === 'date') return pick(random, ['2025-02-01', '2025-06-30', '2024-12-31']);
      if (schema.format === 'date-time') return '2025-02-01T10:00:00Z';
      if (schema.format === 'email') return 'someone@example.test';
      return 'x'.repeat(Math.max(schema.minLength ?? 0, pick(random, [1, 3, 8])));
    case 'integer':
    case 'number': {
      const low = schema.minimum ?? 0;
      const high = Math.min(schema.maximum ?? low + 1_000, low + 1_000);
      return low + Math.floor(random() * (high - low + 1));
    }
    case 'boolean':
      return random() < 0.5;
    case 'array':
      return depth > 4 ? [] : Array.from({ length: (schema.minItems ?? 0) + Math.floor(random() * 3) }, () => plausible(schema.items ?? {}, random, depth + 1));
    case 'null':
      return null;
    default: {
      if (depth > 4) return {};
      const object: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (schema.required?.includes(name) || random() < 0.5) object[name] = plausible(property, random, depth + 1);
      }
      return object;
    }
  }
}

/** The same value with one leaf (or one key) replaced by something hostile. */
function corrupt(value: unknown, random: () => number): unknown {
  if (Array.isArray(value) && value.length > 0 && random() < 0.8) {
    const index = Math.floor(random() * value.length);
    return value.map((item, i) => (i === index ? corrupt(item, random) : item));
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value);
    const choice = random();
    if (entries.length > 0 && choice < 0.75) {
      const [name] = pick(random, entries);
      return { ...value, [name]: corrupt((value as Record<string, unknown>)[name], random) };
    }
    if (entries.length > 0 && choice < 0.85) return Object.fromEntries(entries.slice(1));
    return { ...value, ['unexpected\u0000'.slice(0, random() < 0.5 ? 10 : 11)]: pick(random, hostileValues) };
  }
  return pick(random, hostileValues);
}

type Variant = 'plausible' | 'hostile body' | 'hostile path' | 'hostile query' | 'not json';
const variants: readonly Variant[] = ['plausible', 'hostile body', 'hostile path', 'hostile query', 'not json'];

function buildRequest(path: string, method: string, operation: Operation, variant: Variant, random: () => number, token: string | null) {
  const parameters = operation.parameters ?? [];
  const pathParameters = parameters.filter((parameter) => parameter.in === 'path');
  const hostileIndex = Math.floor(random() * pathParameters.length);
  let url = `/api/v1${path}`;
  pathParameters.forEach((parameter, index) => {
    const value = variant === 'hostile path' && index === hostileIndex ? pick(random, hostileSegments) : urlPart(plausible(parameter.schema, random));
    url = url.replace(`{${parameter.name}}`, value);
  });
  const query = parameters
    .filter((parameter) => parameter.in === 'query' && (parameter.required || random() < 0.5 || variant === 'hostile query'))
    .map((parameter) => `${parameter.name}=${urlPart(variant === 'hostile query' ? pick(random, hostileValues) : plausible(parameter.schema, random))}`);
  if (variant === 'hostile query' && random() < 0.3) query.push(`${urlPart(pick(random, hostileValues))}=1`);
  if (query.length) url += `?${query.join('&')}`;

  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const content = operation.requestBody?.content ?? {};
  let body: BodyInit | undefined;
  if (content['application/json']) {
    if (variant === 'not json') {
      headers['content-type'] = pick(random, ['application/json', 'text/plain', 'application/x-www-form-urlencoded']);
      body = pick(random, ['{"a":', 'null', '[]', '"\\u0000"', 'a=%00', '\u0000', '{"__proto__":{"x":1}}', '1e999']);
    } else {
      const value = plausible(content['application/json'].schema, random);
      headers['content-type'] = 'application/json';
      body = JSON.stringify(variant === 'hostile body' ? corrupt(value, random) : value);
    }
  } else if (content['multipart/form-data']) {
    const schema = resolve(content['multipart/form-data'].schema);
    const form = new FormData();
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (resolve(property).format === 'binary') {
        const bytes = variant === 'plausible' ? 'id,name\n1,x\n' : pick(random, ['\u0000\u0001\u0002PK', 'x'.repeat(3_000), '<svg onload=alert(1)>', '']);
        form.append(name, new Blob([bytes]), pick(random, ['file.csv', '../../etc/passwd', 'photo.jpg', 'a\u0000.xlsx']));
      } else {
        const value = variant === 'hostile body' ? pick(random, hostileValues) : plausible(property, random);
        form.append(name, typeof value === 'string' ? value : JSON.stringify(value));
      }
    }
    body = form;
  }
  return { url, init: { method: method.toUpperCase(), headers, body } satisfies RequestInit };
}

describe('Every operation of the OpenAPI document, fuzzed', () => {
  for (const who of ['anonymous', ...roles]) {
    it(`never answers ${who} with a 5xx or an error outside the shape, and refused batches change nothing`, async () => {
      const problems: string[] = [];
      let requests = 0;
      for (const [path, operations] of Object.entries(doc.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          const random = seededRandom(seedOf(`${who} ${method} ${path}`));
          const count = who === 'anonymous' ? requestsPerOperation.anonymous : requestsPerOperation.role;
          const before = await journalSize(t.db);
          let allRefused = true;
          for (let i = 0; i < count; i++) {
            const { url, init } = buildRequest(path, method, operation, variants[i % variants.length]!, random, tokens.get(who) ?? null);
            const response = await t.app.request(url, init);
            requests++;
            const where = `${who} ${init.method} ${url.slice(0, 160)} -> ${response.status}`;
            if (response.status >= 500) problems.push(`${where}: ${(await response.text()).slice(0, 200)}`);
            else if (response.status >= 400) {
              const text = await response.text();
              let shape: { error?: { code?: unknown; message?: unknown } } | undefined;
              try {
                shape = JSON.parse(text) as typeof shape;
              } catch {
                shape = undefined;
              }
              if (typeof shape?.error?.code !== 'string' || typeof shape.error.message !== 'string') problems.push(`${where}: not the error shape: ${text.slice(0, 120)}`);
            } else {
              allRefused = false;
              await response.arrayBuffer();
            }
          }
          const after = await journalSize(t.db);
          if (allRefused && after !== before) problems.push(`${who} ${method} ${path}: every request was refused, yet the journal grew from ${before} to ${after}`);
        }
      }
      expect(requests).toBeGreaterThan(100);
      expect(problems).toEqual([]);
    });
  }
});
