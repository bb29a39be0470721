import { request as httpRequest } from 'node:http';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends a request with node:http and resolves with the answer, even when the server answers
 * before the body is fully sent and closes the connection (as it does for oversized bodies):
 * a write error after the answer arrived is expected, not a failure.
 */
export function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: Buffer | string; target?: string }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    // `target` replaces the request target verbatim, e.g. with an absolute form `http://host/path`.
    const req = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers, ...(options.target ? { path: options.target } : {}) }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    req.end(options.body);
  });
}

/**
 * Starts a JSON POST of `body` and sends only its first `sent` bytes: a request still in flight.
 * The rest goes with `finish()`; `answer` resolves once the server answers, whatever was sent.
 */
export function startSending(url: string, body: string, sent: number): { answer: Promise<RawAnswer>; finish: () => void } {
  const bytes = Buffer.from(body);
  const req = httpRequest(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Length': bytes.length } });
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    req.once('response', (res) => {
      let text = '';
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
    });
    req.once('error', reject);
  });
  req.write(bytes.subarray(0, sent));
  return { answer, finish: () => req.end(bytes.subarray(sent)) };
}
