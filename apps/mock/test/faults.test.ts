import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultServer, type FaultServer } from '../src/faults.js';
import { within } from './support/deadline.js';
import { send } from './support/http.js';

let server: FaultServer;
beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(() => server.close());

const PATH = '/workflows/import_and_start_batch';
const post = (body: string, contentType = 'application/json') =>
  within(10_000, 'the fault server answering', send(server.baseUrl + PATH, { headers: { 'Content-Type': contentType }, body }));

describe('the fault server', () => {
  it.each([
    ['malformed JSON', '{"workflow_id": 1, "data": [', 'application/json', /^malformed JSON: /],
    ['malformed XML', '<xml><data>', 'application/xml', /^malformed XML: /],
    ['JSON null', 'null', 'application/json', /^\/data: /],
    ['no data', '{"workflow_id": 1}', 'application/json', /^\/data: /],
    ['data items without data', '{"workflow_id": 1, "data": [1]}', 'application/json', /^\/data: /],
  ])('answers %s with a 400 envelope instead of leaving it unanswered', async (_name, body, contentType, debug) => {
    const before = server.received.length;
    const answer = await post(body, contentType);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 400, error_text: 'Invalid request', error_debug: expect.stringMatching(debug) });
    expect(server.received.length).toBe(before);
  }, 30_000);

  it('reads XML by the one content-type rule of the mock (application/xml; charset=utf-8)', async () => {
    const answer = await post('<xml><workflow_id>1</workflow_id><data><email>a@example.com</email></data></xml>', 'application/xml; charset=utf-8');
    expect(answer.status).toBe(200);
    expect(server.received.at(-1)).toMatchObject({ format: 'xml', emails: ['a@example.com'] });
  });

  it('still answers a good batch after those', async () => {
    const answer = await post(JSON.stringify({ workflow_id: 1, data: [{ data: { email: 'a@example.com' } }] }));
    expect(answer.status).toBe(200);
    expect(server.acknowledged().at(-1)).toBe('a@example.com');
  });
});
