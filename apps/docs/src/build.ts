#!/usr/bin/env node
// The docs task of `pnpm build`: dist/index.html (one self-contained Redoc page), the document it
// renders (dist/openapi.json) and a Postman collection, all from the bundled contract.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { document as contract } from '@altcraft-api/contract';
import { docsDocument, POSTMAN_FILE } from './docs-document.js';
import { faviconIco, withFavicon } from './favicon.js';
import { toPostmanCollection } from './postman.js';
import { redoclyDocsConfig } from './redoc-options.js';

const require = createRequire(import.meta.url);
const appDir = fileURLToPath(new URL('..', import.meta.url));
const distDir = `${appDir}dist`;

// Redoc's "API docs by" badge loads its logo from a CDN: offline that is a failed request and a
// console error, online a request to a third party. An inline image shows the same credit.
const REMOTE_LOGO = /https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g;
const INLINE_LOGO =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='40' height='14'%3E%3Ctext x='0' y='11' font-family='sans-serif' font-size='11' font-weight='600' fill='%23333'%3ERedoc%3C/text%3E%3C/svg%3E";

function redocly(...args: string[]): void {
  const manifest = require('@redocly/cli/package.json') as { bin: Record<string, string> };
  const cli = require.resolve(`@redocly/cli/${manifest.bin.redocly}`);
  try {
    execFileSync(process.execPath, [cli, ...args], { cwd: appDir, env: { ...process.env, REDOCLY_TELEMETRY: 'off' }, stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`redocly ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

function withoutRemoteLogo(html: string): string {
  const inlined = html.replace(REMOTE_LOGO, INLINE_LOGO);
  if (inlined.includes('cdn.redoc.ly')) throw new Error('dist/index.html still refers to cdn.redoc.ly: Redoc loads something new from its CDN');
  return inlined;
}

const decisions = readFileSync(require.resolve('@altcraft-api/contract/DECISIONS.md'), 'utf8');
const document = docsDocument(contract, decisions);

rmSync(distDir, { recursive: true, force: true });
mkdirSync(distDir, { recursive: true });
writeFileSync(`${distDir}/openapi.json`, `${JSON.stringify(document, null, 2)}\n`);
writeFileSync(`${distDir}/${POSTMAN_FILE}`, `${JSON.stringify(await toPostmanCollection(contract), null, 2)}\n`);

const configDir = mkdtempSync(`${tmpdir()}/altcraft-docs-`);
try {
  // JSON is YAML: the configuration stays a typed object in src/redoc-options.ts.
  writeFileSync(`${configDir}/redocly.yaml`, JSON.stringify(redoclyDocsConfig));
  redocly('build-docs', 'dist/openapi.json', '--inlineBundle', '--config', `${configDir}/redocly.yaml`, '--output', 'dist/index.html');
} finally {
  rmSync(configDir, { recursive: true, force: true });
}
const page = `${distDir}/index.html`;
writeFileSync(page, withFavicon(withoutRemoteLogo(readFileSync(page, 'utf8'))));
writeFileSync(`${distDir}/favicon.ico`, faviconIco());
console.log(`docs: ${page}`);
