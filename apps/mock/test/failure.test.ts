import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { startMock } from '../src/server.js';
import { within } from './support/deadline.js';
import { send } from './support/http.js';

const PATH = '/api/v1.1/workflows/import_and_start_batch';

/** Pids of this process's children that run Prism (the mock starts one per instance). */
function prismChildren(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('prism-child')) pids.push(Number(entry));
    } catch {
      // The process ended while listed.
    }
  }
  return pids;
}

it("a failure of the mock itself (Prism gone) is logged, and answered 500 in the envelope without internals", async () => {
  const before = new Set(prismChildren());
  const logged: string[] = [];
  const mock = await startMock({ port: 0, log: (line) => logged.push(line) });
  try {
    await mock.prismReady;
    const ours = prismChildren().filter((pid) => !before.has(pid));
    expect(ours).toHaveLength(1);
    process.kill(ours[0]!, 'SIGKILL');
    await within(10_000, 'Prism exiting', (async () => {
      while (prismChildren().includes(ours[0]!)) await new Promise((resolve) => setTimeout(resolve, 50));
    })());

    const answer = await within(
      20_000,
      'the mock answering',
      send(mock.url + PATH, {
        headers: { 'Content-Type': 'application/json', Prefer: 'code=401' },
        body: JSON.stringify({ token: 't', workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] }),
      }),
    );
    expect(answer.status).toBe(500);
    expect(JSON.parse(answer.body)).toEqual({ error: 500, error_text: 'Internal server error', error_debug: 'the mock could not answer this request; its log has the details' });
    expect(answer.body).not.toMatch(/127\.0\.0\.1|prism|fetch|\.js/i);
    expect(logged.some((line) => line.startsWith(`altcraft-mock: failed to answer POST ${PATH}: `))).toBe(true);

    // Requests that do not need Prism are still answered.
    const plain = await send(mock.url + PATH, { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token: 't', workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] }) });
    expect(plain.status).toBe(200);
  } finally {
    await mock.close();
  }
}, 180_000);
