import { operations, requestXml } from '@altcraft-api/contract';
import { afterEach, describe, expect, it } from 'vitest';
import { PATH, createAltcraftClient } from '../src/client.js';
import {
  AltcraftApiError,
  AltcraftNetworkError,
  AltcraftResponseError,
  AltcraftTimeoutError,
  AltcraftValidationError,
} from '../src/errors.js';
import type { ImportAndStartBatchRequest } from '../src/types.js';
import { refusedBaseUrl } from '@altcraft-api/mock';
import { answer, startServer, type TestServer } from './support/server.js';

const TOKEN = 'tok-test-1234';
const request: ImportAndStartBatchRequest = {
  workflow_id: 12,
  matching: 'custom',
  field_name: 'CRM_ID',
  data: [{ data: { email: 'a@example.com', CRM_ID: '00066' } }, { data: { email: 'b@example.com', CRM_ID: '00076' } }],
};
const success = { error: 0, error_text: 'Successful operation', result: [{ profile_id: '6613c4754a5d12bd6cc0915f' }, { profile_id: '6613c4754a5d12bd6cc09163' }] };
const successXml = `<xml><error>0</error><error_text>Successful operation</error_text><result><profile_id>6613c4754a5d12bd6cc0915f</profile_id></result><result><profile_id>6613c4754a5d12bd6cc09163</profile_id></result></xml>`;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

it("the client's typed paths are the contract's", () => {
  for (const [operationId, path] of Object.entries(PATH)) expect(path).toBe(operations[operationId as keyof typeof PATH].path);
});

describe('importAndStartBatch', () => {
  it('sends JSON once-serialised with the token in the body, and returns the typed result', async () => {
    server = await startServer((_req, res) => answer(res, 200, success));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const result = await client.importAndStartBatch(request);
    expect(result).toEqual(success);
    const [received] = server.requests;
    expect(received!.url).toBe('/api/v1.1/workflows/import_and_start_batch');
    expect(received!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received!.body)).toEqual({ ...request, token: TOKEN });
  });

  it('puts the token in the Authorization header with bearer auth, and not in the body', async () => {
    server = await startServer((_req, res) => answer(res, 200, success));
    const client = createAltcraftClient({ baseUrl: `${server.baseUrl}/`, token: TOKEN, auth: 'bearer', headers: { 'X-Trace': '1' } });
    await client.importAndStartBatch(request);
    const [received] = server.requests;
    expect(received!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(received!.headers['x-trace']).toBe('1');
    expect(JSON.parse(received!.body)).not.toHaveProperty('token');
  });

  it('speaks XML: encodes with the contract codec and decodes the XML answer into the same object', async () => {
    server = await startServer((_req, res) => answer(res, 200, successXml));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const result = await client.importAndStartBatch(request, { format: 'xml' });
    expect(result).toEqual(success);
    const [received] = server.requests;
    expect(received!.headers['content-type']).toBe('application/xml');
    expect(received!.headers.accept).toBe('application/xml');
    expect(requestXml.decode(received!.body)).toEqual({ ...request, token: TOKEN, format: 'xml' });
    expect(received!.body).toContain('<CRM_ID string="true">00066</CRM_ID>');
  });

  it('calls the task operation and returns its task_id', async () => {
    server = await startServer((_req, res) => answer(res, 200, { error: 0, error_text: 'Successful operation', task_id: 'abc123' }));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect(await client.importAndStartBatchTask(request)).toEqual({ error: 0, error_text: 'Successful operation', task_id: 'abc123' });
    expect(server.requests[0]!.url).toBe('/api/v1.1/workflows/import_and_start_batch_task');
  });

  it('refuses a baseUrl that is not the API root', () => {
    expect(() => createAltcraftClient({ baseUrl: 'https://example.com', token: TOKEN })).toThrow(/API root/);
    expect(() => createAltcraftClient({ baseUrl: 'https://example.com/api/v1.1', token: '' })).toThrow(/token/);
  });
});

describe('failures', () => {
  it('an error envelope with an HTTP error status becomes AltcraftApiError', async () => {
    server = await startServer((_req, res) =>
      answer(res, 400, { error: 400, error_text: 'Invalid request', error_debug: 'http: request body too large' }, { 'X-Request-Id': 'req-7' }),
    );
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const error = (await rejection(client.importAndStartBatch(request))) as AltcraftApiError;
    expect(error).toBeInstanceOf(AltcraftApiError);
    expect(error).toMatchObject({ status: 400, code: 400, text: 'Invalid request', debug: 'http: request body too large', requestId: 'req-7', operation: 'importAndStartBatch' });
  });

  it('an HTTP 200 whose error is not 0 is a failure too', async () => {
    server = await startServer((_req, res) => answer(res, 200, { error: 402, error_text: 'Payment required' }));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const error = (await rejection(client.importAndStartBatch(request))) as AltcraftApiError;
    expect(error).toBeInstanceOf(AltcraftApiError);
    expect(error).toMatchObject({ status: 200, code: 402, text: 'Payment required', debug: undefined });
  });

  it('an XML error envelope is decoded', async () => {
    server = await startServer((_req, res) => answer(res, 403, '<xml><error>403</error><error_text>Forbidden</error_text></xml>'));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect(await rejection(client.importAndStartBatch(request, { format: 'xml' }))).toMatchObject({ status: 403, code: 403, text: 'Forbidden' });
  });

  it('a non-envelope error page keeps its status as the code and its text as debug', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    });
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect(await rejection(client.importAndStartBatch(request))).toMatchObject({ status: 502, code: 502, text: 'Bad Gateway', debug: '<html>Bad gateway</html>' });
  });

  it('debug is the bytes received, not a re-serialisation of them', async () => {
    const body = '{ "message" :  "upstream down",\n  "n": 1.50 }';
    server = await startServer((_req, res) => {
      res.writeHead(502, { 'Content-Type': 'application/json' });
      res.end(body);
    });
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect(await rejection(client.importAndStartBatch(request))).toMatchObject({ status: 502, code: 502, debug: body });
  });

  it('429 carries Retry-After', async () => {
    server = await startServer((_req, res) => answer(res, 429, { error: 429, error_text: 'Too many requests' }, { 'Retry-After': '3' }));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect(await rejection(client.importAndStartBatch(request))).toMatchObject({ status: 429, retryAfterSeconds: 3 });
  });

  it('an unreadable 200 is AltcraftResponseError: the profiles may have been imported', async () => {
    server = await startServer((_req, res) => answer(res, 200, '{"error":0,'));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const error = await rejection(client.importAndStartBatch(request));
    expect(error).toBeInstanceOf(AltcraftResponseError);
    expect(error).toMatchObject({ status: 200, mayHaveReachedServer: true });
  });

  it('a 200 without result is AltcraftResponseError', async () => {
    server = await startServer((_req, res) => answer(res, 200, { error: 0, error_text: 'ok' }));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    expect(await rejection(client.importAndStartBatch(request))).toBeInstanceOf(AltcraftResponseError);
  });

  it('no answer within timeoutMs is AltcraftTimeoutError', async () => {
    server = await startServer(() => undefined);
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN, timeoutMs: 200 });
    const error = await rejection(client.importAndStartBatch(request));
    expect(error).toBeInstanceOf(AltcraftTimeoutError);
    expect(error).toMatchObject({ timeoutMs: 200, mayHaveReachedServer: true });
  });

  it('a connection dropped after the request was sent may have reached the server', async () => {
    server = await startServer((_req, res) => res.socket!.destroy());
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const error = await rejection(client.importAndStartBatch(request));
    expect(error).toBeInstanceOf(AltcraftNetworkError);
    expect(error).toMatchObject({ mayHaveReachedServer: true });
  });

  it('a refused connection was not sent', async () => {
    const error = await rejection(createAltcraftClient({ baseUrl: await refusedBaseUrl(), token: TOKEN }).importAndStartBatch(request));
    expect(error).toBeInstanceOf(AltcraftNetworkError);
    expect(error).toMatchObject({ mayHaveReachedServer: false, causeCode: 'ECONNREFUSED' });
  });

  it('a port fetch blocks (the Fetch standard list: 9, 6000, ...) was not sent either', async () => {
    const error = await rejection(createAltcraftClient({ baseUrl: 'http://127.0.0.1:9/api/v1.1', token: TOKEN }).importAndStartBatch(request));
    expect(error).toBeInstanceOf(AltcraftNetworkError);
    expect(error).toMatchObject({ mayHaveReachedServer: false, causeCode: 'BAD_PORT' });
  });

  it("the caller's abort is passed through as it is", async () => {
    server = await startServer(() => undefined);
    const controller = new AbortController();
    const pending = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN }).importAndStartBatch(request, { signal: controller.signal });
    controller.abort(new Error('stop'));
    expect(await rejection(pending)).toMatchObject({ message: 'stop' });
  });
});

describe('validate modes', () => {
  const warned = { workflow_id: 12, data: [{ data: { email: 'nope' } }] } as ImportAndStartBatchRequest;
  const broken = { workflow_id: 12, matching: 'custom', data: [{ data: { email: 'nope' } }] } as unknown as ImportAndStartBatchRequest;

  it('false (the default) sends even a request that breaks the contract, and reports nothing', async () => {
    server = await startServer((_req, res) => answer(res, 400, { error: 400, error_text: 'Invalid request' }));
    const warnings: unknown[] = [];
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN, onWarnings: (w) => warnings.push(w) });
    expect(await rejection(client.importAndStartBatch(broken))).toBeInstanceOf(AltcraftApiError);
    expect(server.requests).toHaveLength(1);
    expect(warnings).toEqual([]);
  });

  it("'warn' refuses a contract violation without sending, and names only the violation", async () => {
    server = await startServer((_req, res) => answer(res, 200, success));
    const warnings: unknown[] = [];
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN, validate: 'warn', onWarnings: (w) => warnings.push(w) });
    const error = (await rejection(client.importAndStartBatch(broken))) as AltcraftValidationError;
    expect(error).toBeInstanceOf(AltcraftValidationError);
    expect(error.violations).toEqual([{ pointer: '/field_name', message: 'is required' }]);
    expect(server.requests).toHaveLength(0);
  });

  it("'warn' sends a request with warnings only, and passes them to onWarnings", async () => {
    server = await startServer((_req, res) => answer(res, 200, { ...success, result: [success.result[0]] }));
    const seen: unknown[] = [];
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN, validate: 'warn', onWarnings: (warnings, context) => seen.push({ warnings, context }) });
    await client.importAndStartBatch(warned);
    expect(server.requests).toHaveLength(1);
    expect(seen).toEqual([
      { warnings: [{ pointer: '/data/0/data/email', message: expect.stringContaining('email') }], context: { operation: 'importAndStartBatch', truncated: false } },
    ]);
  });

  it("'warn' without onWarnings sends quietly", async () => {
    server = await startServer((_req, res) => answer(res, 200, { ...success, result: [success.result[0]] }));
    await createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN, validate: 'warn' }).importAndStartBatch(warned);
    expect(server.requests).toHaveLength(1);
  });

  it('true is strict: warnings refuse the request too', async () => {
    server = await startServer((_req, res) => answer(res, 200, success));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN, validate: true });
    const error = (await rejection(client.importAndStartBatch(warned))) as AltcraftValidationError;
    expect(error).toBeInstanceOf(AltcraftValidationError);
    expect(error.violations.map((v) => v.pointer)).toEqual(['/data/0/data/email']);
    const both = (await rejection(client.importAndStartBatch(broken))) as AltcraftValidationError;
    expect(both.violations.map((v) => v.pointer)).toEqual(['/field_name', '/data/0/data/email']);
    expect(server.requests).toHaveLength(0);
  });

  it('another value is refused up front', () => {
    expect(() => createAltcraftClient({ baseUrl: 'http://127.0.0.1:1/api/v1.1', token: TOKEN, validate: 'strict' as never })).toThrow(/validate/);
  });
});

describe('validate: true', () => {
  it('throws the violations with their pointers without a network call', async () => {
    server = await startServer((_req, res) => answer(res, 200, success));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN, validate: true });
    const bad = { workflow_id: 12, matching: 'custom', field_name: 'CRM_ID', data: [{ data: { email: 'nope', CRM_ID: '00066' } }] } as ImportAndStartBatchRequest;
    const error = (await rejection(client.importAndStartBatch(bad))) as AltcraftValidationError;
    expect(error).toBeInstanceOf(AltcraftValidationError);
    expect(error.violations.map((v) => v.pointer)).toEqual(['/data/0/data/email']);
    expect(server.requests).toHaveLength(0);
  });

  it('a body XML cannot carry is refused before sending, with its pointer', async () => {
    server = await startServer((_req, res) => answer(res, 200, success));
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token: TOKEN });
    const query: ImportAndStartBatchRequest = { workflow_id: 1, custom_request: { email: { $in: ['a@example.com'] } }, data: [{ data: {} }] };
    const error = (await rejection(client.importAndStartBatch(query, { format: 'xml' }))) as AltcraftValidationError;
    expect(error).toBeInstanceOf(AltcraftValidationError);
    expect(error.violations[0]!.pointer).toBe('/custom_request/email/$in');
    expect(server.requests).toHaveLength(0);
  });
});
