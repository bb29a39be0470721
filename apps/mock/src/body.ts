import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export type BodyRead = { ok: true; bytes: Buffer } | { ok: false; reason: 'too-large' | 'gone' };

/**
 * Reads a request body of at most `limit` bytes. Stops reading as soon as the declared length
 * or the bytes received pass the limit, so an oversized upload is never buffered (the platform
 * does the same with Go's http.MaxBytesReader). A client that goes away mid-upload ends the
 * read too ('gone'), so nothing waits on it.
 */
export function readBody(request: IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve({ ok: false, reason: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        request.off('data', onData);
        request.pause();
        chunks.length = 0;
        resolve({ ok: false, reason: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve({ ok: true, bytes: Buffer.concat(chunks, received) }));
    // A client that leaves mid-upload ('aborted' error, then 'close') is not a failure of the mock.
    const gone = () => {
      chunks.length = 0;
      resolve({ ok: false, reason: 'gone' });
    };
    request.once('close', gone);
    request.once('error', gone);
  });
}

/** How much of an unread upload is read and thrown away after the answer, and for how long. */
export interface DiscardLimits {
  bytes: number;
  ms: number;
}

export const DEFAULT_DISCARD: DiscardLimits = { bytes: 64 * 1024 * 1024, ms: 10_000 };

/**
 * Answers a request whose body will not be read (too large, or refused before reading) and
 * closes the connection afterwards, without resetting it under a client that is still sending.
 *
 * Closing while the upload is still arriving makes the kernel answer the rest with a reset, and
 * most clients (Node's fetch, Postman) then report EPIPE/ECONNRESET instead of the answer they
 * were sent. So the whole answer goes out at once (its Content-Length tells the client it is
 * complete), the rest of the upload is read and dropped, and the response is ended (which
 * closes the connection) when the upload ends, the client leaves, or `limits` are reached:
 * a client cannot make the mock read forever, and nothing read is kept.
 */
export function answerThenDiscard(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: OutgoingHttpHeaders,
  body: string,
  limits: DiscardLimits = DEFAULT_DISCARD,
): void {
  res.writeHead(status, { ...headers, Connection: 'close', 'Content-Length': Buffer.byteLength(body) });
  if (req.complete || req.destroyed) {
    res.end(body);
    return;
  }
  res.write(body);
  let dropped = 0;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    req.off('data', onData);
    res.end();
  };
  const onData = (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > limits.bytes) finish();
  };
  const timer = setTimeout(finish, limits.ms);
  timer.unref();
  req.on('data', onData);
  req.once('end', finish);
  req.once('close', finish);
  req.once('error', finish);
  res.once('close', finish);
  req.resume();
}
