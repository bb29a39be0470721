import { caseOf, lineScrubber, type Exchange } from './case.js';
import { ScrubThread, type LineRequest, type Scrubbed } from './scrub-thread.js';
import type { ValueMode } from './scrub.js';
import { CaseStore, DEFAULT_STORE_LIMITS, type StoreLimits } from './store.js';

/** Exchanges held for the scrub at most (each up to 10 MiB and 32 MiB of bodies). */
const MAX_SCRUBBING = 64;

export interface RecordOptions extends Partial<StoreLimits> {
  /** Where case files go (`--record DIR`); made if missing. */
  dir: string;
  /** Keep profile values instead of placeholders (`--record-values`). */
  values?: boolean;
}

/**
 * The proxy's recorder: each exchange becomes one case file, scrubbed on a thread of its own
 * and written after its answer went to the client, so recording never changes an answer nor
 * delays one. Nothing it does throws into the proxy.
 */
export class Recorder {
  readonly mode: ValueMode;
  private readonly store: CaseStore;
  private readonly thread = ScrubThread.create();
  private readonly scrubbing = new Set<Promise<void>>();
  private refused = 0;

  constructor(
    options: RecordOptions,
    private readonly log: (line: string) => void,
  ) {
    this.mode = options.values ? 'kept' : 'placeholders';
    this.store = new CaseStore(options.dir, { maxFiles: options.maxFiles ?? DEFAULT_STORE_LIMITS.maxFiles, maxBytes: options.maxBytes ?? DEFAULT_STORE_LIMITS.maxBytes }, log);
  }

  record(exchange: Exchange): void {
    if (this.scrubbing.size >= MAX_SCRUBBING) {
      // Said the first time and once per thousand: traffic faster than the scrub drops cases, never answers.
      if (this.refused++ % 1000 === 0) this.log(`altcraft-mock: recording: ${MAX_SCRUBBING} exchanges are being scrubbed; ${this.refused} dropped so far`);
      return;
    }
    const scrubbed = this.thread
      ? this.thread.scrub(exchange, this.mode)
      : new Promise<Scrubbed>((resolve, reject) =>
          setImmediate(() => {
            try {
              resolve(scrubInline(exchange, this.mode));
            } catch (error) {
              reject(error as Error);
            }
          }),
        );
    const done = scrubbed.then(
      ({ operation, text }) => this.store.add(operation, text),
      // The line names the error's kind only: its message may quote the body, and scrubbing the
      // body again for it threw again (review4 #1), out of `done` and into the process.
      (error: unknown) => {
        try {
          this.log(`altcraft-mock: recording: a ${exchange.operation ?? 'request'} exchange could not be scrubbed (${errorKind(error)}); its case is dropped`);
        } catch {
          // A log that throws loses the line, not the process.
        }
      },
    );
    this.scrubbing.add(done);
    void done.catch(() => undefined).finally(() => this.scrubbing.delete(done));
  }

  /**
   * Logs a line about one exchange once its profile values are scrubbed, off the main thread
   * when it can: the proxy said it before the answer, and with placeholders every answer waited
   * for the request's values to be learnt.
   */
  say(request: LineRequest, text: string): void {
    const inline = () => lineScrubber(request.headers.authorization, request.url, request.bytes.toString('utf8'), request.format, this.mode, request.headers).text(text);
    const scrubbed = this.thread ? this.thread.scrubLine(request, this.mode, text).catch(inline) : new Promise<string>((resolve) => setImmediate(() => resolve(inline())));
    const done = scrubbed.then(this.log, () => undefined);
    this.scrubbing.add(done);
    void done.finally(() => this.scrubbing.delete(done));
  }

  /** Resolves once every exchange recorded so far is written (or dropped). */
  async close(): Promise<void> {
    while (this.scrubbing.size > 0) await Promise.all([...this.scrubbing]);
    await this.store.settled();
    await this.thread?.close();
  }
}

function errorKind(error: unknown): string {
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return /^\w{1,40}$/.test(name) ? name : 'error';
}

function scrubInline(exchange: Exchange, mode: ValueMode): Scrubbed {
  const file = caseOf(exchange, mode);
  return { operation: file.operation ?? 'other', text: `${JSON.stringify(file, null, 2)}\n` };
}

export { lineScrubber };
