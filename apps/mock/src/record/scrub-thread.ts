import { Worker } from 'node:worker_threads';
import type { Exchange } from './case.js';
import type { ValueMode } from './scrub.js';

/** What a log line's scrub needs of its request. */
export interface LineRequest {
  url: string;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
  format: 'json' | 'xml' | undefined;
}

/** A case as the thread gives it back: its operation (for the file name) and its text. */
export interface Scrubbed {
  operation: string;
  text: string;
}

// The built case module: from dist/ it is this file's sibling. Under vitest the sources are
// TypeScript, which a worker cannot load, and the scrub runs on the main thread instead.
const caseModule = import.meta.url.endsWith('.js') ? new URL('./case.js', import.meta.url).href : undefined;

const source = (module: string) => `
const { parentPort } = require('node:worker_threads');
const loaded = import(${JSON.stringify(module)});
parentPort.on('message', async ({ id, exchange, mode, line }) => {
  try {
    const { caseOf, lineScrubber } = await loaded;
    if (line !== undefined) {
      const r = line.request;
      const text = lineScrubber(r.headers.authorization, r.url, Buffer.from(r.bytes.buffer, r.bytes.byteOffset, r.bytes.byteLength).toString('utf8'), r.format, mode, r.headers).text(line.text);
      return parentPort.postMessage({ id, operation: '', text });
    }
    const bytes = (b) => (b === undefined ? undefined : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    const file = caseOf({ ...exchange, requestBytes: bytes(exchange.requestBytes), answerBytes: bytes(exchange.answerBytes), answerHeaders: new Headers(exchange.answerHeaders) }, mode);
    parentPort.postMessage({ id, operation: file.operation ?? 'other', text: JSON.stringify(file, null, 2) + '\\n' });
  } catch (error) {
    parentPort.postMessage({ id, failure: String(error && error.message || error) });
  }
});`;

/**
 * Scrubs cases on a thread of their own: a 10,000-profile exchange (1.3 MiB both ways) takes
 * the scrub some 300 ms, and on the main thread every other exchange of the proxy waited that
 * long. Undefined when the sources run untranspiled (tests), where the caller scrubs inline.
 */
export class ScrubThread {
  private worker: Worker | undefined;
  private next = 0;
  private readonly waiting = new Map<number, { resolve: (scrubbed: Scrubbed) => void; reject: (error: Error) => void }>();

  static create(): ScrubThread | undefined {
    return caseModule ? new ScrubThread(caseModule) : undefined;
  }

  private constructor(private readonly module: string) {}

  scrub(exchange: Exchange, mode: ValueMode): Promise<Scrubbed> {
    const worker = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) worker.ref();
      const answerHeaders: [string, string][] = [];
      exchange.answerHeaders.forEach((value, name) => answerHeaders.push([name, value]));
      worker.postMessage({ id, mode, exchange: { ...exchange, answerHeaders } });
    });
  }

  /** A log line about one exchange, its profile values scrubbed on the thread (learning them takes 100-300 ms for 10,000 profiles). */
  scrubLine(request: LineRequest, mode: ValueMode, text: string): Promise<string> {
    const worker = this.start();
    const id = this.next++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve: (scrubbed) => resolve(scrubbed.text), reject });
      if (this.waiting.size === 1) worker.ref();
      worker.postMessage({ id, mode, line: { request, text } });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = (this.worker = new Worker(source(this.module), { eval: true }));
    worker.unref();
    worker.on('message', ({ id, operation, text, failure }: { id: number; operation: string; text: string; failure?: string }) => {
      const waiter = this.waiting.get(id);
      this.waiting.delete(id);
      if (this.waiting.size === 0) worker.unref();
      if (failure !== undefined) waiter?.reject(new Error(failure));
      else waiter?.resolve({ operation, text });
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const waiter of this.waiting.values()) waiter.reject(error);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the recorder's thread exited with code ${code}`)));
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }
}
