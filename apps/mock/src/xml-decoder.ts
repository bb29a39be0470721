import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

// XML bodies (requests, and the upstream's answers in proxy mode) are decoded on a worker
// thread. The reader is linear, but a 10 MiB body built to be slow (one element with 870,000
// attributes) still takes it 0.7-1.4 s on a loaded 2-core machine, and on the main thread that
// froze GET /health and every other request for as long. The main thread now only copies the
// text out and the value back.

const contract = pathToFileURL(createRequire(import.meta.url).resolve('@altcraft-api/contract')).href;

// Inline, so the worker runs the same way from dist/ and from src/ under vitest (which does
// not transform worker files); it loads the contract's built codec by its resolved address.
const source = `
const { parentPort } = require('node:worker_threads');
const loaded = import(${JSON.stringify(contract)});
parentPort.on('message', async ({ id, text, answer, request }) => {
  const { requestXmlOf, responseXml, XmlDecodeError } = await loaded;
  try {
    const codec = answer ? responseXml(answer.operationId, answer.status) : requestXmlOf(request ?? 'importAndStartBatch');
    parentPort.postMessage({ id, value: codec.decode(text) });
  } catch (error) {
    parentPort.postMessage({ id, refusal: error instanceof XmlDecodeError ? error.message : undefined, failure: error instanceof XmlDecodeError ? undefined : String(error && error.stack || error) });
  }
});`;

/** What a decode gives: the value, or the reader's refusal (its message). */
export type Decoded = { ok: true; value: unknown } | { ok: false; refusal: string };

interface Answer {
  id: number;
  value?: unknown;
  refusal?: string;
  failure?: string;
}

type Waiter = { resolve: (decoded: Decoded) => void; reject: (error: Error) => void };

/** One worker, started at the first XML body, decoding one body at a time in order. */
export class XmlDecoder {
  private worker: Worker | undefined;
  private next = 0;
  // The bodies sent to each worker: a dead worker's 'exit' follows its 'error', and a body
  // sent in between to the fresh worker must not be failed with the old one's.
  private readonly waiting = new WeakMap<Worker, Map<number, Waiter>>();

  /**
   * Decodes a request body (of `request`, by default the batch's), or with `answer` the answer
   * of that operation and status.
   */
  decode(text: string, answer?: { operationId: string; status: number }, request?: string): Promise<Decoded> {
    const worker = this.start();
    const waiting = this.waiting.get(worker)!;
    const id = this.next++;
    return new Promise<Decoded>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      // Referenced only while a body is in it, so an idle decoder never keeps the process alive.
      if (waiting.size === 1) worker.ref();
      worker.postMessage({ id, text, answer, request });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = (this.worker = new Worker(source, { eval: true }));
    const waiting = new Map<number, Waiter>();
    this.waiting.set(worker, waiting);
    worker.unref();
    worker.on('message', ({ id, value, refusal, failure }: Answer) => {
      const waiter = waiting.get(id);
      waiting.delete(id);
      if (waiting.size === 0) worker.unref();
      if (failure !== undefined) waiter?.reject(new Error(`the XML decoder failed: ${failure}`));
      else waiter?.resolve(refusal === undefined ? { ok: true, value } : { ok: false, refusal });
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of waiting.values()) waiter.reject(error);
      waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the XML decoder's thread exited with code ${code}`)));
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
