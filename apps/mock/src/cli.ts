#!/usr/bin/env node
// `pnpm mock` / `pnpm mock:proxy --upstream URL`: runs the mock (or the validating proxy) on
// 127.0.0.1:${MOCK_PORT:-4010} until interrupted.
import { parseArgs } from 'node:util';
import { startProxy } from './proxy.js';
import { startMock, strictFromEnvironment } from './server.js';
import { DEFAULT_LIMITS, type ResourceLimits } from './http.js';

const USAGE = `usage: altcraft-mock [--port N] [--strict] [LIMITS]       serve the mock
       altcraft-mock --proxy --upstream URL [--port N] [LIMITS]   validate traffic to URL against the contract

The port defaults to $MOCK_PORT, then 4010. Both listen on 127.0.0.1 only.
--strict (or MOCK_STRICT=1) refuses bodies with warnings (the contract's advice) with a 400, as
violations are; by default they are accepted and listed in X-Altcraft-Mock-Warnings.
LIMITS (what one client can hold; beyond a cap the answer is 503 with Retry-After):
  --max-connections N     connections open at once (default ${DEFAULT_LIMITS.maxConnections})
  --max-uploads N         request bodies read at once, up to 10 MiB each (default ${DEFAULT_LIMITS.maxUploads})
  --request-timeout MS    time to receive a whole request (default ${DEFAULT_LIMITS.requestTimeoutMs})
  --headers-timeout MS    time to receive the request headers (default ${DEFAULT_LIMITS.headersTimeoutMs})`;

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    proxy: { type: 'boolean', default: false },
    strict: { type: 'boolean', default: false },
    upstream: { type: 'string' },
    'max-connections': { type: 'string' },
    'max-uploads': { type: 'string' },
    'request-timeout': { type: 'string' },
    'headers-timeout': { type: 'string' },
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

function positive(flag: 'max-connections' | 'max-uploads' | 'request-timeout' | 'headers-timeout'): number | undefined {
  const text = values[flag];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    console.error(`altcraft-mock: --${flag} must be a positive integer, not "${text}"\n${USAGE}`);
    process.exit(2);
  }
  return value;
}
const limits: ResourceLimits = {
  maxConnections: positive('max-connections'),
  maxUploads: positive('max-uploads'),
  requestTimeoutMs: positive('request-timeout'),
  headersTimeoutMs: positive('headers-timeout'),
};

const running = values.upstream ? await startProxy({ port, upstream: values.upstream, ...limits }) : await startMock({ port, ...limits, strict: values.strict || strictFromEnvironment() });
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

