// The Postman collection the build writes: every request in it, sent as Postman would send it to
// the mock, is a request the API accepts.
import { readFileSync } from 'node:fs';
import { document, operations } from '@altcraft-api/contract';
import { startMock, type RunningMock } from '@altcraft-api/mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTMAN_FILE } from '../src/docs-document.js';
import { toPostmanCollection, type PostmanCollection, type PostmanItem, type PostmanRequest } from '../src/postman.js';

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
      const path = `/${request?.url.path.join('/')}`;
      expect(Object.values(operations).map((operation) => operation.path)).toContain(path);
    }
  });

  it('defaults baseUrl to the contract server', () => {
    const variables = Object.fromEntries(collection.variable.map(({ key, value }) => [key, value]));
    expect(variables).toMatchObject({ baseUrl: 'https://{{host}}', host: 'example.com' });
  });

  it('is the same on every build (the converter alone draws a random id)', async () => {
    const [first, second] = [await toPostmanCollection(document), await toPostmanCollection(document)];
    expect(second).toEqual(first);
    expect(first.info._postman_id).toBe(collection.info._postman_id);
  });

  describe('against the mock', () => {
    let mock: RunningMock;
    beforeAll(async () => {
      mock = await startMock({ port: 0 });
    });
    afterAll(async () => {
      await mock?.close();
    });

    function send(request: PostmanRequest): Promise<Response> {
      const url = `${mock.url}/${request.url.path.join('/')}`;
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
  });
});
