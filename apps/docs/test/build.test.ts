// What `pnpm build` leaves in dist/: one page that needs nothing from outside.
import { readFileSync } from 'node:fs';
import { document as contract, operations } from '@altcraft-api/contract';
import { describe, expect, it } from 'vitest';
import { decisionsAsSections } from '../src/decisions.js';
import { limitTiers, limitsMarkdown } from '../src/limits.js';
import { unwrapDescriptions, unwrapSoftBreaks } from '../src/markdown.js';

const page = readFileSync(new URL('../dist/index.html', import.meta.url), 'utf8');
const built = JSON.parse(readFileSync(new URL('../dist/openapi.json', import.meta.url), 'utf8'));
const decisions = readFileSync(new URL('../../../spec/DECISIONS.md', import.meta.url), 'utf8');

describe('dist/index.html', () => {
  it('carries Redoc inline: no script or stylesheet from elsewhere', () => {
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/<link[^>]+rel=["']?stylesheet/i);
  });

  it('declares the icon shipped beside it (a browser asked for /favicon.ico and got a 404)', () => {
    expect(page).toContain('<link rel="icon" type="image/x-icon" href="favicon.ico">');
    expect(readFileSync(new URL('../dist/favicon.ico', import.meta.url)).subarray(0, 4)).toEqual(Buffer.from([0, 0, 1, 0]));
  });

  it('no longer asks a CDN for the logo, and tells Redoc not to send telemetry', () => {
    expect(page).not.toContain('cdn.redoc.ly');
    expect(page).toContain('"disableTelemetry":true');
  });

  it('tells Redoc to expand the samples fully and not to print x-altcraft-limits as raw JSON', () => {
    expect(page).toContain('"jsonSamplesExpandLevel":"all"');
    expect(page).not.toContain('"showExtensions"');
  });
});

describe('the rendered document', () => {
  it('is the contract plus code samples and the introduction', () => {
    const { info, paths, ...rest } = built;
    // The page's descriptions are the contract's with each paragraph on one line (src/markdown.ts).
    const unwrapped = structuredClone(contract) as typeof built;
    unwrapDescriptions(unwrapped);
    const { info: contractInfo, paths: contractPaths, ...contractRest } = unwrapped;
    expect(rest).toEqual(contractRest);
    for (const operation of Object.values(operations)) {
      const { 'x-codeSamples': samples, description, ...unchanged } = paths[operation.path].post;
      const { description: contractDescription, ...contractUnchanged } = contractPaths[operation.path].post;
      expect(unchanged).toEqual(contractUnchanged);
      expect(samples).toHaveLength(3);
      // The description gains the limits in words, each with its tier, from x-altcraft-limits.
      const limits = unchanged['x-altcraft-limits'];
      expect(description).toBe(unwrapSoftBreaks(`${contractDescription.trimEnd()}\n\n${limitsMarkdown(limits, limitTiers(contract, limits))}`));
      // The status request carries no profiles: its only limit is the body's.
      expect(description).toMatch(operation.limits.maxProfiles === undefined ? /\n- Request body: at most [\d,]+ bytes[^\n]* — \*\*contract\*\*/ : /Profiles per request: at most [\d,]+ — \*\*advice\*\*[^\n]*\n- Request body: at most [\d,]+ bytes[^\n]* — \*\*contract\*\*/);
    }
    expect(info.description.startsWith(contractInfo.description.trimEnd())).toBe(true);
  });

  it('has the contract decisions in the introduction', () => {
    expect(built.info.description).toContain(unwrapSoftBreaks(decisionsAsSections(decisions)));
  });
});
