import { caseOf, type Exchange } from './case.js';
import { learnXmlRequest, Scrubber, tokensOf, type ValueMode } from './scrub.js';
import { CaseStore, DEFAULT_STORE_LIMITS, type StoreLimits } from './store.js';

export interface RecordOptions extends Partial<StoreLimits> {
  /** Where case files go (`--record DIR`); made if missing. */
  dir: string;
  /** Keep profile values instead of placeholders (`--record-values`). */
  values?: boolean;
}

/**
 * The proxy's recorder: each exchange becomes one case file, written after its answer went to
 * the client (the scrub runs on a later turn of the event loop), so recording never changes an
 * answer and delays none beyond the time the scrub takes. Nothing it does throws into the proxy.
 */
export class Recorder {
  readonly mode: ValueMode;
  private readonly store: CaseStore;

  constructor(
    options: RecordOptions,
    private readonly log: (line: string) => void,
  ) {
    this.mode = options.values ? 'kept' : 'placeholders';
    this.store = new CaseStore(options.dir, { maxFiles: options.maxFiles ?? DEFAULT_STORE_LIMITS.maxFiles, maxBytes: options.maxBytes ?? DEFAULT_STORE_LIMITS.maxBytes }, log);
  }

  record(exchange: Exchange): void {
    setImmediate(() => {
      try {
        const file = caseOf(exchange, this.mode);
        void this.store.add(file.operation ?? 'other', `${JSON.stringify(file, null, 2)}\n`);
      } catch (error) {
        this.log(`altcraft-mock: recording: the exchange could not be recorded: ${lineScrubber(exchange.requestHeaders.authorization, exchange.url, exchange.requestBytes.toString('utf8'), exchange.requestFormat, this.mode).text((error as Error).message)}`);
      }
    });
  }

  /** Resolves once every exchange recorded so far is written (or dropped). */
  async close(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.store.settled();
  }
}

/**
 * What a log line about one exchange goes through: the token removed always, and profile values
 * too when recording with placeholders (a violation's pointer can name a field the upstream made
 * of a value).
 */
export function lineScrubber(authorization: string | string[] | undefined, url: string | undefined, body: string, format: 'json' | 'xml' | undefined, mode: ValueMode): Scrubber {
  const scrubber = new Scrubber(tokensOf(Array.isArray(authorization) ? authorization.join(', ') : authorization, url, body), mode);
  if (mode === 'kept') return scrubber;
  if (format === 'xml') learnXmlRequest(scrubber, body);
  else {
    try {
      scrubber.learnRequest(JSON.parse(body));
    } catch {
      // Not JSON: no values to learn; the token is still removed.
    }
  }
  return scrubber;
}
