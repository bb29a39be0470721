import { MAX_BODY_BYTES, requestXml } from '@altcraft-api/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeRequest, endpointUrl, send } from '../src/send.js';
import { startFakePlatform, type FakePlatform } from './support/fake-platform.js';

const body = { workflow_id: 12, skip_triggers: true, data: [{ data: { email: 'probe+1@example.invalid' } }] };

describe('endpointUrl', () => {
  it('takes the origin, the API root or the endpoint, with or without a trailing slash', () => {
    const endpoint = 'https://example.com/api/v1.1/workflows/import_and_start_batch';
    for (const upstream of ['https://example.com', 'https://example.com/', 'https://example.com/api/v1.1', 'https://example.com/api/v1.1/', endpoint]) {
      expect(endpointUrl(upstream).href).toBe('https://example.com/api/v1.1/workflows/import_and_start_batch');
    }
    expect(endpointUrl('https://example.com/altcraft/api/v1.1').href).toBe('https://example.com/altcraft/api/v1.1/workflows/import_and_start_batch');
  });
});

describe('encodeRequest', () => {
  it('puts the token in the body, or only in the Authorization header for Bearer', () => {
    const inBody = encodeRequest({ body, encoding: 'json', auth: 'body' }, 'T0K');
    expect(JSON.parse(inBody.body.toString())).toEqual({ token: 'T0K', ...body });
    expect(inBody.headers.Authorization).toBeUndefined();
    const bearer = encodeRequest({ body, encoding: 'json', auth: 'bearer' }, 'T0K');
    expect(bearer.body.toString()).not.toContain('T0K');
    expect(bearer.headers.Authorization).toBe('Bearer T0K');
  });

  it('pads a JSON body with whitespace inside the object to the exact size', () => {
    const { body: bytes } = encodeRequest({ body, encoding: 'json', auth: 'body', padToBytes: MAX_BODY_BYTES + 1 }, 'T0K');
    expect(bytes.length).toBe(MAX_BODY_BYTES + 1);
    expect(bytes.at(-1)).toBe('}'.charCodeAt(0));
    expect(JSON.parse(bytes.toString())).toEqual({ token: 'T0K', ...body });
  });

  it('encodes XML with the contract codec and says so in Content-Type', () => {
    const { body: bytes, headers } = encodeRequest({ body, encoding: 'xml', auth: 'body' }, 'T0K');
    expect(headers['Content-Type']).toBe('application/xml; charset=utf-8');
    expect(requestXml.decode(bytes.toString())).toEqual({ token: 'T0K', ...body });
  });
});

describe('send, on a task status that echoes the token', () => {
  const TOKEN = 'SECRETtokenABCDEFGH123456';
  let fake: FakePlatform | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('redacts data.result before it is clipped, wherever the clip falls in the token', async () => {
    // '{"echo":"' is 9 characters and the text is clipped at 400: the pads put the cut at every
    // position inside the token.
    let pad = 0;
    fake = await startFakePlatform(() => ({ status: 200, body: { error: 0, data: { status: 'completed', progress: 100, result: { echo: `${'x'.repeat(pad)}${TOKEN}` } } } }));
    for (pad = 391 - TOKEN.length; pad <= 391; pad++) {
      const answer = await send(endpointUrl(fake.baseUrl, 'getTaskStatus'), { body: { id: 'T-1' }, encoding: 'json', auth: 'body', operation: 'getTaskStatus' }, TOKEN, 5_000);
      const text = answer.task?.resultText ?? '';
      expect(text.length, `pad ${pad}`).toBeGreaterThan(300);
      expect(JSON.stringify(answer), `pad ${pad}`).not.toContain(TOKEN.slice(0, 3));
      for (const k of [1, 2]) expect(text.endsWith(TOKEN.slice(0, k)), `pad ${pad}`).toBe(false);
    }
  });
});
