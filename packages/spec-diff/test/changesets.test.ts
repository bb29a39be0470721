import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changesetProblem, pendingBump } from '../src/changesets.js';

const breaking = { breaking: true, changes: [{}] };
const compatible = { breaking: false, changes: [{}] };
const unchanged = { breaking: false, changes: [] };

describe('changesetProblem', () => {
  it('asks a breaking change for a major bump', () => {
    expect(changesetProblem(breaking, 'minor', 'c')).toMatch(/only to minor: add a major changeset/);
    expect(changesetProblem(breaking, 'none', 'c')).toMatch(/not at all: add a major changeset/);
    expect(changesetProblem(breaking, 'major', 'c')).toBeUndefined();
  });

  it('asks any other change for some changeset, and nothing of no change', () => {
    expect(changesetProblem(compatible, 'none', 'c')).toMatch(/no pending changeset bumps c/);
    expect(changesetProblem(compatible, 'patch', 'c')).toBeUndefined();
    expect(changesetProblem(unchanged, 'none', 'c')).toBeUndefined();
  });
});

describe('pendingBump', () => {
  it('takes the largest bump the changesets give the package', async () => {
    const root = mkdtempSync(join(tmpdir(), 'changesets-'));
    try {
      mkdirSync(join(root, '.changeset'));
      writeFileSync(join(root, '.changeset/one.md'), "---\n'@altcraft-api/contract': patch\n'@altcraft-api/client': major\n---\n\nOne.\n");
      writeFileSync(join(root, '.changeset/two.md'), "---\n'@altcraft-api/contract': minor\n---\n\nTwo.\n");
      expect(await pendingBump(root, '@altcraft-api/contract')).toBe('minor');
      expect(await pendingBump(root, '@altcraft-api/client')).toBe('major');
      expect(await pendingBump(root, '@altcraft-api/cli')).toBe('none');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
