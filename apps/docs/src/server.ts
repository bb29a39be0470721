import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

export interface DocsServerOptions {
  /** Port on the host; 0 picks a free one. Default 8080. */
  port?: number;
  /** Default 127.0.0.1: the docs are served to this machine only unless asked otherwise. */
  host?: string;
  /** The built site. Default: this package's dist/. */
  root?: string;
}

export interface RunningDocsServer {
  /** e.g. http://127.0.0.1:8080/ */
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_DOCS_PORT = 8080;

/** Serves the built docs (dist/) as any static host would. */
export async function startDocsServer(options: DocsServerOptions = {}): Promise<RunningDocsServer> {
  const host = options.host ?? '127.0.0.1';
  const root = options.root ?? fileURLToPath(new URL('../dist', import.meta.url));
  const handler = sirv(root, {
    etag: true,
    dotfiles: false,
    // sirv has no type for .ico: served without one, chromium's image decoder refused the icon.
    setHeaders: (res, path) => {
      if (path.endsWith('.ico')) res.setHeader('Content-Type', 'image/x-icon');
    },
  });
  const server = createServer((req, res) => handler(req, res, () => {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found\n');
  }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_DOCS_PORT, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
