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
