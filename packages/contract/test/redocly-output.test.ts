// `pnpm build` runs Redocly twice; on Node 20 each run opens with a 12-line end-of-life box. The
// build passes Redocly's stderr through this writer: the box once on a terminal, not at all in a
// log, and the rest of what Redocly says unchanged. Checked on what the installed Redocly prints.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, without declarations
import { redoclyStderr, splitNotice } from '../scripts/redocly-output.mjs';

const work = mkdtempSync(join(tmpdir(), 'redocly-output-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What the installed Redocly writes on stderr when it bundles a small spec. */
function redoclyRun(): string {
  const spec = join(work, 'openapi.yaml');
  writeFileSync(spec, 'openapi: 3.1.0\ninfo: { title: t, version: "1" }\npaths: {}\n');
  const run = spawnSync(join(import.meta.dirname, '../node_modules/.bin/redocly'), ['bundle', spec, '-o', join(work, 'out.json')], {
    env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stderr;
}

function stream(isTTY: boolean): { isTTY: boolean; text: string; write: (chunk: string) => boolean } {
  const out = { isTTY, text: '', write: (chunk: string) => ((out.text += chunk), true) };
  return out;
}

const boxes = (text: string) => text.split('Node.js 20 support is ending').length - 1;

describe('Redocly output in the build', { timeout: 60_000 }, () => {
  const stderr = redoclyRun();

  it('finds the whole box in what Redocly prints on Node 20, and leaves the rest', () => {
    expect(boxes(stderr), 'this Redocly on this Node prints no notice: the filter has nothing to do').toBe(1);
    const { notice, rest } = splitNotice(stderr);
    expect(notice).toMatch(/^\s*╔═+╗\n[\s\S]*╚═+╝\n/);
    expect(rest).not.toMatch(/[╔║╚]/);
    expect(rest).toContain('Created a bundle for');
    expect(rest.startsWith('\n')).toBe(false);
  });

  it('shows the box once per build on a terminal, and never in a log', () => {
    const terminal = stream(true);
    const log = stream(false);
    const [onTerminal, inLog] = [redoclyStderr(terminal), redoclyStderr(log)];
    for (let run = 0; run < 2; run++) {
      onTerminal(stderr);
      inLog(stderr);
    }
    expect(boxes(terminal.text)).toBe(1);
    expect(boxes(log.text)).toBe(0);
    expect(log.text.split('Created a bundle for').length - 1).toBe(2);
  });

  it('passes on output without a box as it is', () => {
    const log = stream(false);
    redoclyStderr(log)('bundling x...\n[1] error: something\n');
    expect(log.text).toBe('bundling x...\n[1] error: something\n');
  });
});
