import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The build script in a copy of the repository's layout whose spec/ lost its root file (as when
// a branch deletes it): `pnpm spec:diff` and `pnpm build` showed a Node stack trace from here.
describe('build:bundle without spec/openapi.yaml', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-missing-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says so in one line and exits 2, with no stack trace', () => {
    const scripts = join(dir, 'packages', 'contract', 'scripts');
    cpSync(fileURLToPath(new URL('../../scripts', import.meta.url)), scripts, { recursive: true });
    mkdirSync(join(dir, 'spec'));
    writeFileSync(join(dir, 'redocly.yaml'), 'extends: [minimal]\n');
    const bin = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url));
    const run = spawnSync(process.execPath, [join(scripts, 'bundle.mjs')], { encoding: 'utf8', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    expect(run.status).toBe(2);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stderr.trim().split('\n')).toEqual(['build:bundle: spec/openapi.yaml does not exist (deleted or moved?): nothing to bundle']);
  });
});
