// The Postman collection the build writes: every request in it, sent as Postman would send it to
// the mock, is a request the API accepts; newman runs it against the mock with `baseUrl` set to
// the URL the mock prints, and every test in it passes.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { document, operations } from '@altcraft-api/contract';
import { startMock, type RunningMock } from '@altcraft-api/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTMAN_FILE } from '../src/docs-document.js';
import { TOKEN_VARIABLE, toPostmanCollection, type PostmanCollection, type PostmanItem, type PostmanRequest } from '../src/postman.js';

/** The part of newman's run summary this test reads (newman ships no type declarations). */
interface NewmanSummary {
  run: {
    stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
    failures: { error: { name: string; message: string }; source?: { name?: string } }[];
    executions: { item: { name: string }; response?: { code: number } }[];
  };
}
type NewmanRun = (
  options: { collection: unknown; envVar: { key: string; value: string }[]; reporters: string[]; timeoutRequest: number },
  callback: (error: Error | null, summary: NewmanSummary) => void,
) => unknown;
const newman = createRequire(import.meta.url)('newman') as { run: NewmanRun };

/** Rejects after `ms`, so a hung step fails with a message instead of vitest's bare timeout. */
function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took more than ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

const collection: PostmanCollection = JSON.parse(readFileSync(new URL(`../dist/${POSTMAN_FILE}`, import.meta.url), 'utf8'));

function requests(items: PostmanItem[]): PostmanItem[] {
  return items.flatMap((item) => (item.item ? requests(item.item) : [item]));
}

describe('Postman collection', () => {
  it('is a v2.1 collection with a JSON and an XML request per operation', () => {
    expect(collection.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    const summaries = Object.values(document.paths).map((item) => (item.post as { summary: string }).summary);
    expect(requests(collection.item).map((item) => item.name).sort()).toEqual(
      summaries.flatMap((summary) => [summary, `${summary} (XML)`]).sort(),
    );
    for (const { request } of requests(collection.item)) {
      const path = `/api/v1.1/${request?.url.path.join('/')}`;
      expect(Object.values(operations).map((operation) => operation.path)).toContain(path);
    }
  });

  it('means by baseUrl the API root, as the client and the mock do: the paths start after it', () => {
    const variables = Object.fromEntries(collection.variable.map(({ key, value }) => [key, value]));
    expect(variables).toMatchObject({ baseUrl: 'https://{{host}}/api/v1.1', host: 'example.com' });
    for (const { request } of requests(collection.item)) {
      expect(request?.url.host).toEqual(['{{baseUrl}}']);
      expect(request?.url.path.join('/')).toMatch(/^(workflows|tasks)\//);
    }
  });

  it('defines every variable it uses, the bearer token included (with no value)', () => {
    const used = new Set([...JSON.stringify(collection).matchAll(/\{\{([^{}]+)\}\}/g)].map(([, name]) => name));
    const defined = collection.variable.map(({ key }) => key);
    expect(used).toContain(TOKEN_VARIABLE);
    expect([...used].filter((name) => !defined.includes(name!))).toEqual([]);
    expect(collection.variable.find(({ key }) => key === TOKEN_VARIABLE)).toMatchObject({ value: '', type: 'secret' });
  });

  it('is the same on every build (the converter alone draws a random id)', async () => {
    const [first, second] = [await toPostmanCollection(document), await toPostmanCollection(document)];
    expect(second).toEqual(first);
    expect(first.info._postman_id).toBe(collection.info._postman_id);
  });

  describe('against the mock', () => {
    let mock: RunningMock;
    // Prism starts in under a second idle; on two busy cores it has taken over 60 s. The mock
    // itself gives it 180 s before it gives up (apps/mock/src/prism.ts); so do these.
    beforeAll(async () => {
      mock = await deadline(startMock({ port: 0 }), 120_000, 'starting the mock');
      await deadline(mock.prismReady, 200_000, "the mock's Prism");
    }, 330_000);
    afterAll(async () => {
      await mock?.close();
    });

    function send(request: PostmanRequest): Promise<Response> {
      const url = `${mock.baseUrl}/${request.url.path.join('/')}`;
      const headers = Object.fromEntries(request.header.map(({ key, value }) => [key, value]));
      return fetch(url, { method: request.method, headers, body: request.body?.raw });
    }

    it.each(requests(collection.item).map((item) => [item.name, item.request as PostmanRequest] as const))(
      '%s is answered with success, in its own encoding',
      async (_name, request) => {
        const response = await send(request);
        const text = await response.text();
        expect(response.status, text).toBe(200);
        if (request.body?.options?.raw?.language === 'xml') {
          expect(response.headers.get('content-type')).toMatch(/^application\/xml/);
          expect(text).toMatch(/<error>0<\/error>/);
        } else {
          expect(JSON.parse(text)).toMatchObject({ error: 0 });
        }
      },
    );

    async function runNewman(envVar: { key: string; value: string }[]): Promise<NewmanSummary> {
      const run = new Promise<NewmanSummary>((resolve, reject) => {
        newman.run({ collection, envVar, reporters: [], timeoutRequest: 20_000 }, (error, summary) => (error ? reject(error) : resolve(summary)));
      });
      return deadline(run, 60_000, 'newman');
    }

    function outcome(summary: NewmanSummary) {
      return {
        requests: summary.run.executions.map(({ item, response }) => `${item.name}: ${response?.code}`),
        failures: summary.run.failures.map(({ error, source }) => `${source?.name}: ${error.message}`),
      };
    }

    it.each([
      ['as shipped (no token set: the example bodies carry one)', []],
      ['with bearerToken set', [{ key: TOKEN_VARIABLE, value: 'mock-bearer-token' }]],
    ] as const)(
      'newman runs the collection against the printed URL %s; every request passes its tests',
      async (_name, extra) => {
        const summary = await runNewman([{ key: 'baseUrl', value: mock.baseUrl }, ...extra]);
        const requestCount = requests(collection.item).length;
        expect(outcome(summary)).toEqual({
          requests: requests(collection.item).map(({ name }) => `${name}: 200`),
          failures: [],
        });
        expect(summary.run.stats.requests).toMatchObject({ total: requestCount, failed: 0 });
        expect(summary.run.stats.assertions).toEqual({ total: requestCount, failed: 0, pending: 0 });
      },
      90_000,
    );

    it('newman fails the tests when baseUrl repeats the API root (the old meaning)', async () => {
      const summary = await runNewman([{ key: 'baseUrl', value: `${mock.baseUrl}/api/v1.1` }]);
      expect(summary.run.stats.assertions.failed).toBe(requests(collection.item).length);
    }, 90_000);
  });
});
