import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../src/journal/commands.ts';
import { createSite } from '../src/sites/commands/sites/create-site.ts';
import { createStandardVersion } from '../src/sites/commands/standard/create-standard-version.ts';
import { publishStandardVersion } from '../src/sites/commands/standard/publish-standard-version.ts';
import { hostileSegments } from './fuzz.ts';
import { createTestContext, system, type TestContext } from './harness.ts';

/**
 * The pages, crawled from the home page as the public and as a signed-in secretariat user, then
 * asked again with each path segment replaced by a hostile one (NUL, huge integers, a lone surrogate,
 * traversal, 3,000 characters): none answers with a 5xx.
 */
const maxPages = 80;
const maxDepth = 3;
/** Addresses that are not pages, or that end the session the crawl runs in. */
const skipped = /^\/(static|docs|api|lang|logout|\.well-known)(\/|$)|\.(pdf|csv|xlsx|json|svg|png|jpe?g)$/;

let t: TestContext;
let adminRequest: (path: string) => Response | Promise<Response>;

beforeAll(async () => {
  t = await createTestContext();
  await runCommand(t.db, system, (c) => createStandardVersion(c, { version: '1.0', source: { kind: 'default' } }));
  await runCommand(t.db, system, (c) => publishStandardVersion(c, { version: '1.0' }));
  const coop = await t.buildOrganisation({ kind: 'cooperative', code: 'coop-pages' });
  await runCommand(t.db, system, (c) =>
    createSite(c, { code: 'KAM', name: 'Crawled site', province: 'Lualaba', town: 'Kolwezi', latitudeE6: -10_700_000, longitudeE6: 25_400_000, concessionHolder: 'EGC', cooperative: coop.code }),
  );
  const admin = await t.buildUser({ role: 'admin' });
  const session = await t.signIn(admin.email, admin.password);
  adminRequest = (path) => session.request(path);
});
afterAll(() => t.close());

/** Same-origin links of a page, without query or fragment, as paths. */
function linksOf(html: string): string[] {
  const links: string[] = [];
  for (const match of html.matchAll(/href="([^"]+)"/g)) {
    const href = match[1]!.replaceAll('&amp;', '&');
    const url = new URL(href, 'https://test.orebook/');
    if (url.origin === 'https://test.orebook') links.push(url.pathname);
  }
  return links;
}

/** Breadth-first over same-origin links, bounded in depth and count. */
async function crawl(request: (path: string) => Response | Promise<Response>): Promise<string[]> {
  const seen = new Set<string>(['/']);
  let frontier = ['/'];
  for (let depth = 0; depth < maxDepth && frontier.length > 0 && seen.size < maxPages; depth++) {
    const next: string[] = [];
    for (const path of frontier) {
      const response = await request(path);
      if (!(response.headers.get('content-type') ?? '').includes('text/html')) continue;
      for (const link of linksOf(await response.text())) {
        if (seen.has(link) || skipped.test(link) || seen.size >= maxPages) continue;
        seen.add(link);
        next.push(link);
      }
    }
    frontier = next;
  }
  return [...seen];
}

/** Every path made by replacing one segment of a crawled path by a hostile one, each pattern once. */
function hostileVariants(paths: readonly string[]): string[] {
  const variants = new Set<string>();
  for (const path of paths) {
    const segments = path.split('/').slice(1);
    segments.forEach((_, index) => {
      for (const hostile of hostileSegments) variants.add(`/${segments.map((segment, i) => (i === index ? hostile : segment)).join('/')}`);
    });
    for (const hostile of hostileSegments) variants.add(`${path.replace(/\/$/, '')}/${hostile}`);
  }
  return [...variants];
}

async function serverErrors(request: (path: string) => Response | Promise<Response>, paths: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const path of paths) {
    const response = await request(path);
    if (response.status >= 500) problems.push(`${path.slice(0, 160)} -> ${response.status}`);
    await response.arrayBuffer();
  }
  return problems;
}

describe('Pages asked with hostile path segments', () => {
  it('never answer the public with a 5xx', async () => {
    const crawled = await crawl((path) => t.app.request(path));
    expect(crawled.length).toBeGreaterThan(10);
    expect(await serverErrors((path) => t.app.request(path), crawled)).toEqual([]);
    expect(await serverErrors((path) => t.app.request(path), hostileVariants(crawled))).toEqual([]);
  });

  it('never answer a signed-in secretariat user with a 5xx', async () => {
    const crawled = await crawl(adminRequest);
    expect(crawled.length).toBeGreaterThan(20);
    expect(await serverErrors(adminRequest, crawled)).toEqual([]);
    expect(await serverErrors(adminRequest, hostileVariants(crawled))).toEqual([]);
  });
});
