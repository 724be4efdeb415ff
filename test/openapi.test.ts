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
        'POST /users/{id}/deactivate',
        'POST /users/{id}/reactivate',
        'PUT /users/{id}/role',
        'POST /users/{id}/password-reset',
        'PUT /me/password',
        'POST /tokens',
        'DELETE /tokens/{id}',
        'GET /journal/checkpoint',
        'GET /journal/entries',
        'GET /journal/proof/inclusion',
        'GET /journal/proof/consistency',
        'GET /journal/tile/{L}/{N}',
        'GET /journal/tile/entries/{N}',
        'GET /journal/entries32/{N}',
        'GET /indicators/{id}',
        'GET /rates',
        'POST /rates',
        'GET /rates/conversion',
        'GET /rates/currencies',
        'PUT /rates/reporting-currency',
        'GET /finance/grants',
        'POST /finance/grants',
        'GET /finance/grants/{id}',
        'POST /finance/grants/{id}/budget',
        'POST /finance/grants/{id}/money',
        'GET /finance/grants/{id}/budget-against-actual',
        'POST /finance/expenditures',
        'GET /finance/expenditures/{id}/receipt',
        'POST /finance/partner-commitments',
        'POST /finance/ledger/import',
        'GET /finance/ledger/accounts',
        'PUT /finance/ledger/accounts/{account}',
        'GET /finance/members',
        'GET /finance/members/{organisation}',
        'POST /finance/members/{organisation}',
        'PUT /finance/members/{organisation}',
        'GET /finance/contribution-rates',
        'PUT /finance/contribution-rates/{year}/{category}',
        'POST /finance/contribution-calls',
        'GET /finance/contribution-calls/{number}',
        'POST /finance/contribution-calls/{number}/payments',
        'GET /finance/statements',
        'GET /finance/statements.csv',
        'GET /finance/statements.xlsx',
        'POST /organisations/{code}/verifier-keys',
        'POST /sites/{code}/verification-drafts',
        'GET /verification-drafts/{id}/document',
        'POST /verification-drafts/{id}/signature',
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
