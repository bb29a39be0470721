import { createHash } from 'node:crypto';
import { requestXml, responseXml } from '@altcraft-api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/http.js';
import { startMock } from '../src/server.js';
import { send } from './support/http.js';

// The mock reads a body as text in two ways (server.ts, textOf): all-ASCII bytes are copied as
// Latin-1, anything else is checked as UTF-8 and decoded. Node turns a copy past about 1 MB into
// an external string, so each way is tried small and large, in JSON and in XML, and in XML with a
// BOM: every profile must arrive with exactly the value that was sent (its id is a hash of it).

const PATH = '/api/v1.1/workflows/import_and_start_batch';
const idOf = (value: unknown) => createHash('sha1').update(JSON.stringify(['custom', value])).digest('hex').slice(0, 24);

function batch(values: string[]) {
  return { token: 't', workflow_id: 1, matching: 'custom', field_name: 'code', data: values.map((code) => ({ data: { code, note: `${code} ${'x'.repeat(120)}` } })) };
}

const ascii = (count: number) => Array.from({ length: count }, (_, i) => `code-${i}`);
const nonAscii = (count: number) => Array.from({ length: count }, (_, i) => `код-${i}-ü-€-😀`);

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock.close());

async function idsFor(body: Buffer, format: 'json' | 'xml'): Promise<string[]> {
  const answer = await send(mock.url + PATH, { headers: { 'Content-Type': `application/${format}` }, body });
  expect(answer.status).toBe(200);
  const decoded = format === 'xml' ? responseXml('importAndStartBatch', 200).decode(answer.body) : JSON.parse(answer.body);
  return (decoded as { result: { profile_id: string }[] }).result.map((r) => r.profile_id);
}

describe('a body read as text', () => {
  for (const [kind, values] of [
    ['ASCII', ascii],
    ['non-ASCII UTF-8', nonAscii],
  ] as const) {
    for (const count of [3, 9_000]) {
      it(`${kind}, ${count} profiles: every value arrives as sent, in JSON and in XML (with a BOM and without)`, async () => {
        const sent = values(count);
        const body = batch(sent);
        const json = Buffer.from(JSON.stringify(body));
        const xml = Buffer.from(requestXml.encode(body));
        if (count > 3) expect(json.length).toBeGreaterThan(1_100_000);
        const expected = sent.map(idOf);
        expect(await idsFor(json, 'json')).toEqual(expected);
        expect(await idsFor(xml, 'xml')).toEqual(expected);
        expect(await idsFor(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), xml]), 'xml')).toEqual(expected);
      });
    }
  }

  it('refuses bytes that are not UTF-8 in a large body too', async () => {
    const json = Buffer.from(JSON.stringify(batch(ascii(9_000))));
    // An overlong "/" (C0 AF) inside a string value, past the first megabyte.
    const at = json.indexOf('code-8000');
    const bad = Buffer.concat([json.subarray(0, at), Buffer.from([0xc0, 0xaf]), json.subarray(at)]);
    const answer = await send(mock.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: bad });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 400, error_debug: 'the body is not valid UTF-8' });
  });

  it('refuses JSON that starts with a BOM, as before', async () => {
    const answer = await send(mock.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: Buffer.from(`\uFEFF${JSON.stringify(batch(ascii(2)))}`) });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).error_debug).toMatch(/^malformed JSON/);
  });
});
