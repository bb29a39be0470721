import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callerDirectory } from '../src/paths.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

describe('callerDirectory', () => {
  const root = mkdtempSync(join(tmpdir(), 'caller-'));
  const withScript = (script: string) => {
    const json = join(root, `package-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(json, JSON.stringify({ scripts: { run: script } }));
    return { INIT_CWD: '/somewhere/else', npm_package_json: json, npm_lifecycle_event: 'run' };
  };

  it('is the working directory outside a package script', () => {
    expect(callerDirectory({}, root)).toBe(root);
    expect(callerDirectory({ INIT_CWD: '/somewhere/else' }, root)).toBe(root);
  });

  it('is INIT_CWD for a script that is this command alone', () => {
    expect(callerDirectory(withScript(`node ${relative(root, CLI)}`), root)).toBe('/somewhere/else');
    expect(callerDirectory(withScript('altcraft-import'), root)).toBe('/somewhere/else');
  });

  it('is the working directory for a script with arguments or commands of its own', () => {
    expect(callerDirectory(withScript(`node ${relative(root, CLI)} data/people.csv`), root)).toBe(root);
    expect(callerDirectory(withScript('cd data && altcraft-import'), root)).toBe(root);
    expect(callerDirectory(withScript('node other.js'), root)).toBe(root);
  });
});
