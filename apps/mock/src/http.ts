import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { operations, type OperationId } from '@altcraft-api/contract';
import type { PrismProcess } from './prism.js';

export type Format = 'json' | 'xml';

export interface RunningMock {
  /** Origin of the mock, e.g. http://127.0.0.1:4010 */
  url: string;
  /** The API root clients use: `${url}/api/v1.1` */
  baseUrl: string;
  /** Resolves when Prism (which serves `Prefer` requests, or proxies) is up. */
  prismReady: Promise<void>;
  /** Stops the server and Prism behind it. */
  close(): Promise<void>;
}

/** The contract's operations by path (`/api/v1.1/workflows/import_and_start_batch`). */
export const routes = new Map<string, OperationId>(Object.values(operations).map((operation) => [operation.path, operation.operationId]));

/** The operation a request URL names, if any (query and trailing slash ignored). */
export function routeOf(url: string | undefined): { path: string; operationId: OperationId | undefined } {
  const path = new URL(url ?? '/', 'http://mock').pathname.replace(/\/+$/, '');
  return { path, operationId: routes.get(path) };
}

export function formatOfContentType(contentType: string | undefined): Format | undefined {
  const mediaType = contentType?.split(';')[0]!.trim().toLowerCase();
  if (mediaType === 'application/json') return 'json';
  if (mediaType === 'application/xml' || mediaType === 'text/xml') return 'xml';
  return undefined;
}

/** Listens on `host:port` (127.0.0.1:4010 by default; port 0 picks a free one). */
export async function serve(server: Server, prism: PrismProcess, options: { port?: number; host?: string }): Promise<RunningMock> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 4010, options.host ?? '127.0.0.1', resolve);
  });
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address}:${port}`;
  return {
    url,
    baseUrl: `${url}/api/v1.1`,
    prismReady: prism.ready,
    close: async () => {
      server.closeAllConnections();
      await Promise.all([new Promise((resolve) => server.close(resolve)), prism.stop()]);
    },
  };
}
