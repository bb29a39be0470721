#!/usr/bin/env node
// `pnpm mock` / `pnpm mock:proxy --upstream URL`: runs the mock (or the validating proxy) on
// 127.0.0.1:${MOCK_PORT:-4010} until interrupted.
import { parseArgs } from 'node:util';
import { startProxy } from './proxy.js';
import { startMock } from './server.js';

const USAGE = `usage: altcraft-mock [--port N]                  serve the mock
       altcraft-mock --proxy --upstream URL [--port N]   validate traffic to URL against the contract

The port defaults to $MOCK_PORT, then 4010. Both listen on 127.0.0.1 only.`;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    proxy: { type: 'boolean', default: false },
    upstream: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const port = Number(values.port ?? process.env.MOCK_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`altcraft-mock: invalid port "${values.port ?? process.env.MOCK_PORT}"\n${USAGE}`);
  process.exit(2);
}
if ((values.proxy || values.upstream) && !values.upstream) {
  console.error(`altcraft-mock: --proxy needs --upstream URL\n${USAGE}`);
  process.exit(2);
}

const running = values.upstream ? await startProxy({ port, upstream: values.upstream }) : await startMock({ port });
// Before anything else is awaited: a signal during Prism's start must still stop Prism.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    running.close().then(() => process.exit(0));
  });
}
await running.prismReady;
console.log(
  values.upstream
    ? `Altcraft proxy ready: ${running.baseUrl} -> ${values.upstream} (violations are reported here)`
    : `Altcraft mock ready: ${running.baseUrl}/workflows/import_and_start_batch (and _task)`,
);

