// `pnpm spec:diff` exactly as a user types it at the repository root: pnpm runs run.mjs, which
// builds through turbo with its output held back; stdout is the CLI's alone.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CURRENT_PATH, REPO_ROOT } from '../src/load.js';

const work = mkdtempSync(join(tmpdir(), 'spec-diff-root-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function pnpmSpecDiff(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('pnpm', ['spec:diff', ...args], { cwd: REPO_ROOT, env, timeout: 150_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

/** pnpm's own lines around any script (`$ command`, `[ELIFECYCLE] ...`): not ours to remove. */
const ours = (stderr: string) => stderr.split('\n').filter((line) => line !== '' && !line.startsWith('$ ') && !/ELIFECYCLE/.test(line));

describe('pnpm spec:diff at the repository root', () => {
  it('--json prints only JSON on stdout', async () => {
    const { code, stdout, stderr } = await pnpmSpecDiff(['--json']);
    expect(code, stderr).toBe(0);
    expect(() => JSON.parse(stdout)).not.toThrow();
    expect(JSON.parse(stdout)).toMatchObject({ base: expect.stringMatching(/^git:[0-9a-f]{40}$/), head: 'packages/contract/dist/openapi.json' });
    expect(ours(stderr)).toEqual([]);
  }, 180_000);

  it('--fail-on-breaking prints the report and one line, without turbo output', async () => {
    const document = JSON.parse(readFileSync(CURRENT_PATH, 'utf8'));
    document.components.schemas.ProfileBatchItems.maxItems = 5000;
    const head = join(work, 'lowered.json');
    writeFileSync(head, JSON.stringify(document));
    const { code, stdout, stderr } = await pnpmSpecDiff([CURRENT_PATH, '--head', head, '--fail-on-breaking']);
    expect(code).toBe(1);
    expect(stdout.startsWith('packages/contract/dist/openapi.json → ')).toBe(true);
    expect(stdout).not.toMatch(/turbo|Tasks:|cache/i);
    expect(ours(stderr)).toEqual([expect.stringMatching(/^spec:diff: 1 breaking change\(s\) from .* \(--fail-on-breaking\)$/)]);
  }, 180_000);

  it('does not rebuild what other tasks read when a forced outer run (TURBO_FORCE=1 pnpm test) runs it', async () => {
    // The cache replays the build; a forced one rewrote dist/ while other suites imported it.
    const compiled = fileURLToPath(new URL('../../contract/dist/validate.js', import.meta.url));
    const before = statSync(compiled).mtimeMs;
    const { code, stderr } = await pnpmSpecDiff(['--json'], { ...process.env, TURBO_FORCE: '1' });
    expect(code, stderr).toBe(0);
    expect(statSync(compiled).mtimeMs).toBe(before);
  }, 180_000);
});
