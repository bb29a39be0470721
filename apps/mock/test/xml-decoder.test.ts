// The decoder's worker thread dying: its waiters are rejected, the next body starts a fresh
// worker, and the dead worker's late events touch none of the fresh one's waiters.
import type { Worker } from 'node:worker_threads';
import { afterEach, expect, it } from 'vitest';
import { XmlDecoder } from '../src/xml-decoder.js';

const OK = '<xml><workflow_id>1</workflow_id><data><email>a@b.c</email></data></xml>';
const workerOf = (decoder: XmlDecoder) => (decoder as unknown as { worker: Worker }).worker;

const opened: { decoder: XmlDecoder; workers: Worker[] }[] = [];
afterEach(async () => {
  for (const { decoder, workers } of opened.splice(0)) {
    await decoder.close();
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
});

it('decodes in its worker, refusals as values', async () => {
  const decoder = new XmlDecoder();
  opened.push({ decoder, workers: [] });
  expect(await decoder.decode(OK)).toEqual({ ok: true, value: { workflow_id: 1, data: [{ data: { email: 'a@b.c' } }] } });
  expect(await decoder.decode('<xml><a></b></xml>')).toMatchObject({ ok: false, refusal: expect.stringMatching(/^malformed XML/) });
});

it("a dead worker's exit, coming after a fresh worker took a body, leaves that body alone", async () => {
  const decoder = new XmlDecoder();
  await decoder.decode(OK);
  const old = workerOf(decoder);
  opened.push({ decoder, workers: [old] });
  // Node's order when a worker dies of an uncaught error: 'error', later 'exit'. A body that
  // arrives between them goes to a fresh worker.
  const pending = decoder.decode(OK); // in the old worker's queue: it dies with it
  old.emit('error', new Error('the worker crashed'));
  await expect(pending).rejects.toThrow('the worker crashed');
  const next = decoder.decode(OK);
  expect(workerOf(decoder)).not.toBe(old);
  old.emit('exit', 1);
  expect(await next).toMatchObject({ ok: true });
});
