// What `pnpm changeset` offers after a contract change: changesets only count a package as
// changed when a file under its folder changed, and spec/ is at the root. The build's committed
// copy of the bundle (packages/contract/src/generated/openapi.yaml) is what makes a spec-only edit
// a change of @altcraft-api/contract. Checked on a clone of the committed repository.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { getChangedPackagesSinceRef } from '@changesets/git';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/load.js';

let clone: string;
const changedPackages = async () => (await getChangedPackagesSinceRef({ cwd: clone, ref: 'HEAD' })).map((pkg) => pkg.packageJson.name);

beforeAll(() => {
  clone = join(mkdtempSync(join(tmpdir(), 'changeset-detection-')), 'repo');
  execFileSync('git', ['clone', '--quiet', '--local', '--no-hardlinks', REPO_ROOT, clone]);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(clone, 'node_modules'));
  symlinkSync(join(REPO_ROOT, 'packages/contract/node_modules'), join(clone, 'packages/contract/node_modules'));
  // A copy of the whole repository (no hard links): seconds when idle, more beside another suite.
}, 120_000);

afterAll(() => rmSync(join(clone, '..'), { recursive: true, force: true }));

it('a spec-only edit, once built, is a change of @altcraft-api/contract to changesets', async () => {
  expect(await changedPackages()).toEqual([]);

  const schema = join(clone, 'spec/openapi.yaml');
  writeFileSync(schema, readFileSync(schema, 'utf8').replace(/^info:\n/m, 'info:\n  x-changeset-detection: a spec-only edit\n'));
  // Before the build only spec/ changed: no package folder did.
  expect(await changedPackages()).toEqual([]);

  execFileSync(process.execPath, [join(clone, 'packages/contract/scripts/bundle.mjs')], {
    cwd: join(clone, 'packages/contract'),
    stdio: 'ignore',
    env: { ...process.env, PATH: `${join(REPO_ROOT, 'packages/contract/node_modules/.bin')}${delimiter}${process.env.PATH}` },
  });
  expect(readFileSync(join(clone, 'packages/contract/src/generated/openapi.yaml'), 'utf8')).toContain('x-changeset-detection: a spec-only edit');
  expect(await changedPackages()).toEqual(['@altcraft-api/contract']);
});
