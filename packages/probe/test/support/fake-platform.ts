// A local stand-in for an installation (node:http on 127.0.0.1, a free port). By default it is
// contrarian: for every question it does the opposite of what the contract assumes, so every row
// of the probe must come out "disagree". `behave` replaces that for hostile tests.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatOfMediaType, requestXml, validateRequest } from '@altcraft-api/contract';
import { answerEncodingWithoutFormat } from '../../src/assumptions.js';
import { QUESTIONS } from '../../src/questions.js';

export interface Received {
  url: string;
  headers: IncomingMessage['headers'];
  bytes: number;
  /** The parsed body; undefined when it was not JSON or XML. */
  body?: Record<string, unknown>;
  /** The question the body's first profile (probe+N) belongs to. */
  question?: string;
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
  encoding?: 'json' | 'xml';
  headers?: Record<string, string>;
}

export interface FakePlatform {
  baseUrl: string;
  origin: string;
  received: Received[];
  close(): Promise<void>;
}

export const BASELINE_ID = 'abcdefghijklmnqrstuvwxyz';
const ok = (ids = [BASELINE_ID]): Reply => ({ status: 200, body: { error: 0, error_text: 'Successful operation', result: ids.map((profile_id) => ({ profile_id })) } });
const refused = (status: number, text: string, debug: string): Reply => ({ status, body: { error: status, error_text: text, error_debug: debug } });

/** The opposite of the contract, question by question. */
export function contrarian(received: Received): Reply {
  const body = received.body ?? {};
  switch (received.question) {
    case 'baseline':
      return ok();
    case 'bearer':
      return typeof body.token === 'string' ? ok() : refused(401, 'Unauthorized', 'token is required in the body');
    case 'no-token':
      return ok();
    case 'result-order':
      return ok([BASELINE_ID, '843vfdkisfh934hfe834rhkk']);
    case 'xml-answer-encoding': {
      const assumed = answerEncodingWithoutFormat('xml');
      return { ...ok(), encoding: assumed.kind === 'encoding' && assumed.encoding === 'xml' ? 'json' : 'xml' };
    }
    case 'body-over-limit':
      return ok();
    case 'task-status':
      // The task is queued; asked about it, the platform does not know it.
      return received.url.endsWith('/tasks/status')
        ? refused(400, 'Invalid request', 'task not found')
        : { status: 200, body: { error: 0, error_text: 'Successful operation', task_id: taskIdOf(received) } };
    default:
      return validateRequest(body).valid ? refused(400, 'Invalid request', 'not accepted here') : ok();
  }
}

function parse(text: string, contentType: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = formatOfMediaType(contentType) === 'xml' ? requestXml.decode(text) : JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The task id the fake gives the question's task: its probe number, so a status request names its question. */
export const taskIdOf = (received: Received) => `fake-task-${QUESTIONS.findIndex((q) => q.id === received.question) + 1}`;

function questionOf(body: Record<string, unknown> | undefined): string | undefined {
  const task = /^fake-task-(\d+)$/.exec(String(body?.task_id ?? ''));
  if (task) return QUESTIONS[Number(task[1]) - 1]?.id;
  const first = Array.isArray(body?.data) ? (body.data[0] as { data?: { email?: unknown } } | undefined) : undefined;
  const match = /^probe\+(\d+)@example\.invalid$/.exec(String(first?.data?.email ?? ''));
  return match ? QUESTIONS[Number(match[1]) - 1]?.id : undefined;
}

function write(res: ServerResponse, reply: Reply): void {
  const encoding = reply.encoding ?? 'json';
  const text =
    encoding === 'xml'
      ? `<xml>${Object.entries(reply.body)
          .filter(([, value]) => typeof value !== 'object')
          .map(([key, value]) => `<${key}>${String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${key}>`)
          .join('')}</xml>`
      : JSON.stringify(reply.body);
  res.writeHead(reply.status, { 'Content-Type': `application/${encoding}; charset=utf-8`, ...reply.headers });
  res.end(text);
}

export async function startFakePlatform(behave: (received: Received) => Reply = contrarian): Promise<FakePlatform> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = Buffer.concat(chunks);
      const body = parse(bytes.toString('utf8'), req.headers['content-type']);
      const entry: Received = { url: req.url ?? '', headers: req.headers, bytes: bytes.length, body, question: questionOf(body) };
      received.push(entry);
      write(res, behave(entry));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    baseUrl: `${origin}/api/v1.1`,
    origin,
    received,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
