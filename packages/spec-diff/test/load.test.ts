import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultBase } from '../src/load.js';

// defaultBase asks git about the repository REPO_ROOT is in; GIT_DIR points it at a throwaway
// repository instead (git -C keeps working, GIT_DIR wins), as CI's clones would be.
describe('defaultBase in a shallow clone (CI checks out with fetch-depth 1)', () => {
  let dir: string;
  const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-C', cwd, '-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { stdio: 'pipe' }).toString().trim();
  const inRepo = (gitDir: string) => {
    process.env.GIT_DIR = gitDir;
    try {
      return defaultBase();
    } finally {
      delete process.env.GIT_DIR;
    }
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'spec-diff-shallow-'));
    const deep = join(dir, 'deep');
    git(dir, 'init', '-q', '-b', 'main', deep);
    for (const n of [1, 2]) {
      writeFileSync(join(deep, 'f'), `main ${n}`);
      git(deep, 'add', 'f');
      git(deep, 'commit', '-qm', `main ${n}`);
    }
    git(deep, 'checkout', '-q', '-b', 'pr');
    writeFileSync(join(deep, 'f'), 'pr');
    git(deep, 'commit', '-qam', 'pr: a breaking change');
    git(dir, 'clone', '-q', '--depth', '1', '--branch', 'pr', `file://${deep}`, join(dir, 'shallow'));
    git(join(dir, 'shallow'), 'fetch', '-q', '--depth', '1', 'origin', 'main:main');
    git(dir, 'clone', '-q', '--depth', '1', '--branch', 'pr', `file://${deep}`, join(dir, 'shallow-no-main'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    delete process.env.GIT_DIR;
  });

  it('finds the merge base in a full clone', () => {
    const mergeBase = git(join(dir, 'deep'), 'rev-parse', 'main');
    expect(inRepo(join(dir, 'deep', '.git'))).toEqual({ ref: mergeBase, description: `the merge base with main (${mergeBase.slice(0, 7)})` });
  });

  it('refuses, with the fix, when the merge base is not in the clone (it compared with the last commit: 0 changes)', () => {
    for (const clone of ['shallow', 'shallow-no-main']) {
      expect(() => inRepo(join(dir, clone, '.git')), clone).toThrow(/shallow clone.*git fetch --unshallow.*fetch-depth: 0/);
    }
  });
});
