// A local stand-in for the platform that fails on demand (5xx, 429, resets, slow answers,
// refusals, per-profile errors), for testing what sends batches: it records every request it
// reads, decodes it (JSON or XML), and answers what `scenario` says.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestXml, responseXml } from '@altcraft-api/contract';
import { formatOfContentType } from './http.js';

export interface Received {
  /** Order of arrival, from 0. */
  number: number;
  bytes: number;
  format: 'json' | 'xml';
  body: { data: { data: Record<string, unknown> }[]; [field: string]: unknown };
  /** The profiles' `email`s, in body order. */
  emails: string[];
  /** Filled in once answered. */
  answered?: number;
}

export type Action =
  | { answer: 'ok' }
  | { answer: 'status'; status: number; body: object; headers?: Record<string, string> }
  | { answer: 'reset' }
  | { answer: 'delay'; ms: number; then: Action }
  | { answer: 'results'; results: object[] };

export const profileIdOf = (email: string) => createHash('sha1').update(email).digest('hex').slice(0, 24);

export interface FaultServer {
  baseUrl: string;
  received: Received[];
  /** Emails of the profiles in requests answered 200 with error 0, in order. */
  acknowledged(): string[];
  close(): Promise<void>;
}

export async function startFaultServer(scenario: (request: Received) => Action = () => ({ answer: 'ok' })): Promise<FaultServer> {
  const received: Received[] = [];
  const okBodies: Received[] = [];

  function respond(res: ServerResponse, request: Received, action: Action): void {
    if (action.answer === 'reset') return void res.socket?.destroy();
    if (action.answer === 'delay') return void setTimeout(() => respond(res, request, action.then), action.ms);
    let status = 200;
    let body: object;
    let headers: Record<string, string> = {};
    if (action.answer === 'status') ({ status, body, headers = {} } = action);
    else if (action.answer === 'results') body = { error: 0, error_text: 'Successful operation', result: action.results };
    else if (request.body.workflow_id === undefined) body = { error: 400, error_text: 'Invalid request' };
    else body = { error: 0, error_text: 'Successful operation', result: request.emails.map((email) => ({ profile_id: profileIdOf(email) })) };
    if (status === 200 && (body as { error?: number }).error === 0) okBodies.push(request);
    request.answered = status;
    const operation = 'importAndStartBatch' as const;
    const text = request.format === 'xml' ? responseXml(operation, status === 200 && (body as { error: number }).error === 0 ? 200 : 400).encode(body) : JSON.stringify(body);
    if (!res.destroyed) {
      res.writeHead(status, { 'Content-Type': `application/${request.format}`, ...headers });
      res.end(text);
    }
  }

  /** A request it cannot read as a batch: answered 400 like the platform, not recorded. */
  function refuse(res: ServerResponse, debug: string): void {
    if (res.destroyed || res.headersSent) return;
    const text = JSON.stringify({ error: 400, error_text: 'Invalid request', error_debug: debug });
    res.writeHead(400, { 'Content-Type': 'application/json' }).end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const format = formatOfContentType(req.headers['content-type']) ?? 'json';
    const text = raw.toString('utf8');
    let body: Received['body'];
    try {
      body = (format === 'xml' ? requestXml.decode(text) : JSON.parse(text)) as Received['body'];
    } catch (error) {
      return refuse(res, `malformed ${format.toUpperCase()}: ${(error as Error).message}`);
    }
    const items: unknown = (body as { data?: unknown } | null)?.data;
    if (!Array.isArray(items) || !items.every((item) => typeof item?.data === 'object' && item.data !== null)) {
      return refuse(res, '/data: must be an array of {data: {...}} items');
    }
    const request: Received = { number: received.length, bytes: raw.length, format, body, emails: body.data.map((item) => String(item.data.email)) };
    received.push(request);
    respond(res, request, scenario(request));
  }

  const server = createServer((req, res) => {
    // A client that leaves mid-upload ends the exchange; nothing else may go unanswered.
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api/v1.1`,
    received,
    acknowledged: () => okBodies.flatMap((request) => request.emails),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
