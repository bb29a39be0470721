// What `pnpm build` leaves in dist/: one page that needs nothing from outside.
import { readFileSync } from 'node:fs';
import { document as contract, operations } from '@altcraft-api/contract';
import { describe, expect, it } from 'vitest';
import { decisionsAsSections } from '../src/decisions.js';
import { limitsMarkdown } from '../src/limits.js';

const page = readFileSync(new URL('../dist/index.html', import.meta.url), 'utf8');
const built = JSON.parse(readFileSync(new URL('../dist/openapi.json', import.meta.url), 'utf8'));
const decisions = readFileSync(new URL('../../../spec/DECISIONS.md', import.meta.url), 'utf8');

describe('dist/index.html', () => {
  it('carries Redoc inline: no script or stylesheet from elsewhere', () => {
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/<link[^>]+rel=["']?stylesheet/i);
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
    const { info: contractInfo, paths: contractPaths, ...contractRest } = contract as typeof built;
    expect(rest).toEqual(contractRest);
    for (const operation of Object.values(operations)) {
      const { 'x-codeSamples': samples, description, ...unchanged } = paths[operation.path].post;
      const { description: contractDescription, ...contractUnchanged } = contractPaths[operation.path].post;
      expect(unchanged).toEqual(contractUnchanged);
      expect(samples).toHaveLength(3);
      // The description gains the limits in words, from x-altcraft-limits.
      expect(description).toBe(`${contractDescription.trimEnd()}\n\n${limitsMarkdown(unchanged['x-altcraft-limits'])}`);
      // The status request carries no profiles: its only limit is the body's.
      expect(description).toMatch(operation.limits.maxProfiles === undefined ? /\n- Request body: at most [\d,]+ bytes/ : /Profiles per request: at most [\d,]+\n- Request body: at most [\d,]+ bytes/);
    }
    expect(info.description.startsWith(contractInfo.description.trimEnd())).toBe(true);
  });

  it('has the contract decisions in the introduction', () => {
    expect(built.info.description).toContain(decisionsAsSections(decisions));
  });
});
