// The built page in a real browser (Debian's chromium, driven by playwright-core), with every
// request that would leave 127.0.0.1 recorded and refused: the page must work fully offline.
import { existsSync, mkdirSync } from 'node:fs';
import { document, operations } from '@altcraft-api/contract';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_LANGUAGES, sampleExamples } from '../src/code-samples.js';
import { startDocsServer, type RunningDocsServer } from '../src/server.js';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => !!path && existsSync(path),
);
/** Waits for the locator to be visible; fails the test after 10 s. */
async function shown(locator: Locator): Promise<void> {
  await locator.waitFor({ state: 'visible', timeout: 10_000 });
}

const resultsDir = new URL('../test-results/', import.meta.url).pathname;

/** Redoc's anchor of an operation: under its (first) tag. */
function anchorOf(operationId: string, path: string): string {
  const [tag] = (document.paths[path]?.post as { tags: string[] }).tags;
  return `#tag/${tag!.replaceAll(' ', '-')}/operation/${operationId}`;
}

if (!CHROMIUM && !process.env.CI) {
  console.warn('browser test skipped: no chromium (apt-get install chromium, or set CHROMIUM_PATH); CI installs it and runs this test');
}

describe.runIf(CHROMIUM || process.env.CI)('the docs page in chromium', () => {
  let docs: RunningDocsServer;
  let browser: Browser;
  let page: Page;
  const leaving: string[] = [];
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('chromium is missing: .ci/run installs it with apt-get install chromium');
    docs = await startDocsServer({ port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
      leaving.push(url.href);
      return route.abort('internetdisconnected');
    });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(docs.url);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await docs?.close();
  });

  it('renders every operation', async () => {
    for (const { operationId, path } of Object.values(operations)) {
      await page.goto(`${docs.url}${anchorOf(operationId, path)}`);
      const { summary } = document.paths[path]?.post as { summary: string };
      await shown(page.locator('h1, h2').filter({ hasText: summary }).first());
      await shown(page.getByText(path, { exact: true }).first());
    }
  });

  it('offers the request body as application/json and application/xml, and shows the XML example', async () => {
    await page.goto(`${docs.url}#tag/Automation-scenarios/operation/importAndStartBatch`);
    const mediaType = page.getByRole('button', { name: 'Payload media type' }).first();
    expect(await mediaType.innerText()).toContain('application/json');
    await mediaType.click();
    await shown(page.getByRole('menuitem', { name: 'application/json' }));
    await page.getByRole('menuitem', { name: 'application/xml' }).click();
    expect(await mediaType.innerText()).toContain('application/xml');
    const sample = page.getByText('<workflow_id>12</workflow_id>').first();
    await shown(sample);
    mkdirSync(resultsDir, { recursive: true });
    await page.screenshot({ path: `${resultsDir}docs-xml-payload.png` });
  });

  it('shows every code sample', async () => {
    await page.goto(`${docs.url}#tag/Automation-scenarios/operation/importAndStartBatch`);
    const labels = ['Payload', ...SAMPLE_LANGUAGES.map(({ label }) => label)];
    const escaped = labels.map((label) => label.replace(/[()]/g, '\\$&'));
    const language = page.getByRole('button', { name: new RegExp(`^(${escaped.join('|')})$`) }).first();
    for (const { label } of SAMPLE_LANGUAGES) {
      await language.click();
      await page.getByRole('menuitem', { name: label, exact: true }).click();
      expect(await language.innerText()).toBe(label);
      if (label === 'curl (XML)') await shown(page.getByText("'Content-Type: application/xml'").first());
    }
    await shown(page.getByText('createAltcraftClient').first());
    await page.screenshot({ path: `${resultsDir}docs-typescript-sample.png` });
  });

  it('states the limits in words, not as raw JSON of x-altcraft-limits', async () => {
    for (const { operationId, path, limits } of Object.values(operations)) {
      await page.goto(`${docs.url}${anchorOf(operationId, path)}`);
      if (limits.maxProfiles !== undefined) {
        await shown(page.getByText(`Profiles per request: at most ${limits.maxProfiles.toLocaleString('en-US')}`).filter({ visible: true }).first());
      }
      await shown(page.getByText(`Request body: at most ${limits.maxBodyBytes.toLocaleString('en-US')} bytes`).filter({ visible: true }).first());
    }
    expect(await page.getByText(/"maxProfiles"|maxBodyBytes":/).count()).toBe(0);
  });

  it('opens each operation with its request sample expanded: the fields of the first profile are visible', async () => {
    // The status request carries no profiles.
    for (const { operationId, path } of Object.values(operations).filter((operation) => operation.limits.maxProfiles !== undefined)) {
      await page.goto(`${docs.url}${anchorOf(operationId, path)}`);
      // The sample Redoc shows first is the first JSON request example. Its profile fields sit at
      // depth 3 (data[0].data.field), which Redoc's default expand level (2) folds to `{ … }`.
      const first = sampleExamples(operationId).json.value as { data: { data: Record<string, unknown> }[] };
      const [field, value] = Object.entries(first.data[0]!.data)[0]!;
      await shown(page.getByText(`"${field}"`, { exact: true }).filter({ visible: true }).first());
      await shown(page.getByText(JSON.stringify(value), { exact: true }).filter({ visible: true }).first());
    }
  });

  it('has the contract decisions', async () => {
    await page.getByText('Contract decisions', { exact: true }).first().click();
    await shown(page.getByRole('heading', { name: 'Contract decisions' }));
    await shown(page.locator('h3').filter({ hasText: '1. Response task_id' }).first());
    await page.screenshot({ path: `${resultsDir}docs-decisions.png` });
  });

  it('sent no request beyond 127.0.0.1 and logged no error', () => {
    expect(leaving).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
