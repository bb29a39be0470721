// The page as a reader meets it, on a laptop (1440x900) and a phone (390x844), in Debian's
// chromium: search results with their words apart, the TypeScript sample readable next to its
// copy button, an icon shipped with the page, and each limit labelled with its tier. Each check
// leaves a screenshot in test-results/.
import { existsSync, mkdirSync } from 'node:fs';
import { operations } from '@altcraft-api/contract';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAVICON_COLOURS, FAVICON_ROWS } from '../src/favicon.js';
import { startDocsServer, type RunningDocsServer } from '../src/server.js';

const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path): path is string => !!path && existsSync(path));
const resultsDir = new URL('../test-results/', import.meta.url).pathname;
const VIEWPORTS = [
  { name: 'laptop', width: 1440, height: 900 },
  { name: 'phone', width: 390, height: 844 },
];
const OPERATION = `#tag/Automation-scenarios/operation/${operations.importAndStartBatch.operationId}`;

describe.runIf(CHROMIUM || process.env.CI).each(VIEWPORTS)('the docs page at $width x $height', { timeout: 60_000 }, ({ name, width, height }) => {
  let docs: RunningDocsServer;
  let browser: Browser;
  let page: Page;
  const missing: string[] = [];
  const leaving: string[] = [];

  beforeAll(async () => {
    if (!CHROMIUM) throw new Error('chromium is missing: .ci/run installs it with apt-get install chromium');
    mkdirSync(resultsDir, { recursive: true });
    docs = await startDocsServer({ port: 0 });
    browser = await chromium.launch({ executablePath: CHROMIUM });
    const context = await browser.newContext({ viewport: { width, height } });
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
      leaving.push(url.href);
      return route.abort('internetdisconnected');
    });
    page = await context.newPage();
    page.on('response', (response) => {
      if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(docs.url + OPERATION);
    await page.getByText('Limits of this operation').first().waitFor({ timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await docs?.close();
  });

  it('finds words apart in search results ("the background", not "thebackground")', async () => {
    await page.keyboard.press('Control+k');
    const input = page.getByRole('textbox').filter({ visible: true }).first();
    await input.waitFor({ timeout: 10_000 });
    for (const [query, apart] of [
      ['background', /the background/],
      ['workflow_id', /scenario workflow_id/],
    ] as const) {
      await input.fill(query);
      const results = page.locator('[data-component-name="Search/SearchItem"]').filter({ visible: true });
      await results.filter({ hasText: query }).first().waitFor({ timeout: 10_000 });
      const shown = (await results.allInnerTexts()).join(' ').replace(/\s+/g, ' ');
      expect(shown).toMatch(apart);
      expect(shown).not.toMatch(/thebackground|scenarioworkflow_id/);
    }
    await page.screenshot({ path: `${resultsDir}reading-search-${name}.png` });
    await page.keyboard.press('Escape');
  });

  it('shows the TypeScript sample with every comment line whole and the copy button clear of the code', async () => {
    await page.goto(docs.url + OPERATION);
    const language = page.getByRole('button', { name: /^(Payload|curl \(JSON\)|curl \(XML\)|TypeScript)$/ }).filter({ visible: true }).first();
    await language.click();
    await page.getByRole('menuitem', { name: 'TypeScript', exact: true }).click();
    const pre = page.locator('pre').filter({ hasText: 'createAltcraftClient' }).filter({ visible: true }).first();
    await pre.scrollIntoViewIfNeeded();
    const layout = await pre.evaluate((element) => {
      // The box each line of text occupies, from the text nodes themselves.
      const text = element.textContent ?? '';
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      const nodes: { node: Text; start: number }[] = [];
      let offset = 0;
      for (let node = walker.nextNode() as Text | null; node; node = walker.nextNode() as Text | null) {
        nodes.push({ node, start: offset });
        offset += node.data.length;
      }
      const at = (index: number): [Text, number] => {
        const found = [...nodes].reverse().find(({ start }) => start <= index)!;
        return [found.node, index - found.start];
      };
      let start = 0;
      const lines = text.split('\n').map((line) => {
        const range = document.createRange();
        range.setStart(...at(start));
        range.setEnd(...at(start + line.trimEnd().length));
        start += line.length + 1;
        const box = range.getBoundingClientRect();
        return { line, left: box.left, right: box.right, top: box.top, bottom: box.bottom };
      });
      const visible = element.getBoundingClientRect();
      const style = getComputedStyle(element);
      const button = element.parentElement?.querySelector('[data-testid="copy-button"]')?.getBoundingClientRect();
      return { lines, right: visible.right - parseFloat(style.paddingRight), button: button && { left: button.left, right: button.right, top: button.top, bottom: button.bottom } };
    });
    await page.screenshot({ path: `${resultsDir}reading-typescript-${name}.png` });
    const comments = layout.lines.filter(({ line }) => line.trim().startsWith('//'));
    expect(comments.length).toBeGreaterThan(0);
    for (const comment of comments) expect(comment.right, `"${comment.line}" is cut off`).toBeLessThanOrEqual(layout.right + 0.5);
    expect(layout.button).toBeDefined();
    const overlaps = layout.lines.filter(({ line, left, right, top, bottom }) => line.trim() && left < layout.button!.right && right > layout.button!.left && top < layout.button!.bottom && bottom > layout.button!.top);
    expect(overlaps.map(({ line }) => line)).toEqual([]);
  });

  it('ships its icon: declared, served, and decoded by chromium to the pixels drawn', async () => {
    // A context of its own: under the request interception above, chromium failed to fetch the
    // icon again once the page had loaded it (a cached answer replayed through the route).
    const context = await browser.newContext({ viewport: { width, height } });
    const iconPage = await context.newPage();
    iconPage.on('response', (response) => {
      if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`);
    });
    await iconPage.goto(docs.url);
    const pixels = await iconPage.evaluate(async () => {
      const link = document.querySelector<HTMLLinkElement>('link[rel~="icon"]');
      if (!link) return undefined;
      const image = new Image();
      // Not image.decode(): chromium's decode() refuses ICO files its <img> shows.
      await new Promise((resolve, reject) => {
        image.onload = resolve;
        image.onerror = reject;
        image.src = link.href;
      });
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [image.naturalWidth, image.naturalHeight];
      const context = canvas.getContext('2d')!;
      context.drawImage(image, 0, 0);
      return { width: image.naturalWidth, height: image.naturalHeight, data: [...context.getImageData(0, 0, canvas.width, canvas.height).data] };
    });
    expect(pixels).toMatchObject({ width: 16, height: 16 });
    const expected = FAVICON_ROWS.flatMap((row) => [...row].flatMap((cell) => FAVICON_COLOURS[cell]!));
    expect(pixels!.data).toEqual(expected);
    expect(await iconPage.evaluate(async () => (await fetch('/favicon.ico')).status)).toBe(200);
    await context.close();
    expect(missing).toEqual([]);
  });

  it('labels each limit with its tier, under the sentence that calls one a recommendation', async () => {
    await page.goto(docs.url + OPERATION);
    const profiles = page.getByText('Profiles per request: at most 10,000').filter({ visible: true }).first();
    await profiles.scrollIntoViewIfNeeded();
    expect(await profiles.innerText()).toMatch(/at most 10,000 — advice: recommended; beyond it is a warning, not a refusal/);
    expect(await page.getByText('Request body: at most 10,485,760 bytes').filter({ visible: true }).first().innerText()).toMatch(/— contract: beyond it the request is refused/);
    await page.screenshot({ path: `${resultsDir}reading-limits-${name}.png` });
    expect(leaving).toEqual([]);
  });
});
