import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultInjector, SEEN_MAX, startFaultServer, type Action, type FaultServer } from '../src/faults.js';
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

describe('FaultInjector memory', () => {
  const plan = { rules: [{ kind: 'status' as const, status: 500, rate: 0.3 }, { kind: 'latency' as const, rate: 0.2, ms: 5 }], seed: 7 };
  const remembered = (injector: FaultInjector) => (injector as unknown as { seen: Map<string, number> }).seen.size;
  const faults = (injector: FaultInjector, bodies: string[]) => bodies.map((body) => JSON.stringify(injector.next(body) satisfies Action));

  it(`remembers at most ${SEEN_MAX} distinct bodies however many come (it is fed before the token is checked)`, () => {
    const injector = new FaultInjector(plan);
    for (let i = 0; i < SEEN_MAX + 20_000; i++) injector.next(`{"task_id":"t${i}"}`);
    expect(remembered(injector)).toBe(SEEN_MAX);
  });

  it('gives the same faults to the same requests while the working set fits, as long as the working set fits under the cap', () => {
    const bodies = Array.from({ length: 2000 }, (_, i) => `{"n":${i % 700}}`);
    const once = faults(new FaultInjector(plan, { maxSeen: 1000 }), bodies);
    const again = faults(new FaultInjector(plan, { maxSeen: 1000 }), bodies);
    expect(again).toEqual(once);
    // Retries still draw anew: the third attempt of a body is not its first.
    expect(new Set(once).size).toBeGreaterThan(1);
  });

  it('past the cap, a body not seen for longest starts again as new: its faults are those of its first attempts', () => {
    const injector = new FaultInjector(plan, { maxSeen: 3 });
    const first = faults(injector, ['a', 'a']);
    faults(injector, ['b', 'c', 'd']); // 'a' is now the least recently seen of four: forgotten
    expect(remembered(injector)).toBe(3);
    expect(faults(injector, ['a', 'a'])).toEqual(first);
    // A recently seen body is kept (least recently used goes first, not first arrived).
    const fresh = new FaultInjector(plan, { maxSeen: 3 });
    faults(fresh, ['x', 'x', 'x', 'x']);
    faults(fresh, ['y', 'z']);
    faults(fresh, ['x']);
    faults(fresh, ['w']);
    faults(fresh, ['x']);
    expect((fresh as unknown as { seen: Map<string, number> }).seen.get(createHash('sha256').update('x').digest('hex'))).toBe(6);
  });
});
