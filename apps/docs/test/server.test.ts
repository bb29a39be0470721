import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDocsServer, type RunningDocsServer } from '../src/server.js';

describe('docs server', () => {
  let docs: RunningDocsServer;
  beforeAll(async () => {
    docs = await startDocsServer({ port: 0 });
  });
  afterAll(async () => {
    await docs?.close();
  });

  it('listens on 127.0.0.1 only', () => {
    expect(docs.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('serves the built page as HTML', async () => {
    const response = await fetch(docs.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toBe(readFileSync(new URL('../dist/index.html', import.meta.url), 'utf8'));
  });

  it('serves the downloads the page links to', async () => {
    for (const file of ['openapi.json', 'altcraft-api.postman_collection.json']) {
      const response = await fetch(new URL(file, docs.url));
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    }
  });

  it('answers 404 for anything else, including paths that climb out of dist/', async () => {
    expect((await fetch(new URL('missing.html', docs.url))).status).toBe(404);
    const climb = await fetch(`${docs.url}..%2fpackage.json`);
    expect(climb.status).toBe(404);
  });

  it('refuses a port that is taken, instead of serving elsewhere', async () => {
    const port = Number(new URL(docs.url).port);
    await expect(startDocsServer({ port })).rejects.toThrow(/EADDRINUSE/);
  });

  it('serves any folder it is given', async () => {
    const root = mkdtempSync(`${tmpdir()}/docs-root-`);
    writeFileSync(`${root}/index.html`, '<p>other</p>');
    const other = await startDocsServer({ port: 0, root });
    try {
      expect(await (await fetch(other.url)).text()).toBe('<p>other</p>');
    } finally {
      await other.close();
    }
  });
});
