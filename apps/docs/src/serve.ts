#!/usr/bin/env node
// `pnpm serve:docs` (and the docs half of `pnpm start`): serves dist/ on 127.0.0.1:${DOCS_PORT:-8080}
// until interrupted.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_DOCS_PORT, startDocsServer } from './server.js';

const port = Number(process.env.DOCS_PORT ?? DEFAULT_DOCS_PORT);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve:docs: invalid DOCS_PORT "${process.env.DOCS_PORT}"`);
  process.exit(2);
}
if (!existsSync(fileURLToPath(new URL('../dist/index.html', import.meta.url)))) {
  console.error('serve:docs: dist/index.html is missing; run `pnpm build` first');
  process.exit(1);
}

const running = await startDocsServer({ port });
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.close().then(() => process.exit(0));
  });
}
console.log(`Altcraft API docs: ${running.url}`);
