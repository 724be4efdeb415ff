import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from './harness.ts';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(() => t.close());

describe('OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = await (await t.app.request('/api/openapi.json')).json();
    const validator = new Validator();
    const result = await validator.validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes every API route of the foundation', async () => {
    const document = (await (await t.app.request('/api/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /auth/login',
        'GET /me',
        'POST /organisations',
        'GET /users',
        'POST /tokens',
        'DELETE /tokens/{id}',
        'GET /journal/checkpoint',
        'GET /journal/entries',
        'GET /journal/proof/inclusion',
        'GET /journal/proof/consistency',
        'GET /indicators/{id}',
        'GET /rates',
        'POST /rates',
        'GET /rates/conversion',
        'GET /rates/currencies',
        'PUT /rates/reporting-currency',
      ]),
    );
  });

  it('is readable as a page at /api/docs, in English and French', async () => {
    const english = await (await t.app.request('/api/docs')).text();
    expect(english).toContain('API reference');
    expect(english).toContain('/journal/proof/inclusion');
    const french = await (await t.app.request('/api/docs?lang=fr')).text();
    expect(french).toContain('Référence de l’API');
  });
});
