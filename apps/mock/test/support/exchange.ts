import type { Exchange } from '../../src/record/case.js';

/** An exchange as the proxy hands it to the recorder; `over` replaces any part. */
export function exchangeOf(request: unknown, answer: unknown, over: Partial<Exchange> = {}): Exchange {
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  return {
    operation: 'importAndStartBatch', method: 'POST', url: '/api/v1.1/workflows/import_and_start_batch',
    requestHeaders: { 'content-type': 'application/json', authorization: `Bearer ${'T'.repeat(30)}` }, requestFormat: 'json',
    requestBytes: Buffer.from(text(request)), status: 400, statusText: 'Bad Request',
    answerHeaders: new Headers({ 'content-type': 'application/json' }), answerFormat: 'json',
    answerBytes: Buffer.from(text(answer)), answerLength: 1, startedAt: 0, headersAt: 0, endedAt: 0, problems: [],
    ...over,
  };
}
