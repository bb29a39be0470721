// `pnpm version-packages` on a throwaway workspace: versions from the changesets, the contract's
// changes since the release named in its changelog, the released artefact moved on.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fastJsonPatch from 'fast-json-patch';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/load.js';

const script = new URL('../dist/version-packages.js', import.meta.url).pathname;
const base = parse(readFileSync(new URL('./cases/base.yaml', import.meta.url), 'utf8'));
const lowered = fastJsonPatch.applyPatch(structuredClone(base), JSON.parse(readFileSync(new URL('./cases/request-max-items-lowered/case.json', import.meta.url), 'utf8')).patch, true, false).newDocument;
let root: string;

function workspace(changesets: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'version-packages-'));
  const write = (path: string, content: unknown) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  };
  write('package.json', { name: 'fixture', private: true });
  write('pnpm-workspace.yaml', "packages:\n  - 'packages/*'\n");
  write('packages/contract/package.json', { name: '@altcraft-api/contract', version: '0.1.0' });
  write('packages/client/package.json', { name: '@altcraft-api/client', version: '0.1.0', dependencies: { '@altcraft-api/contract': 'workspace:*' } });
  write('packages/contract/released/openapi.json', base);
  write('head.json', lowered);
  write('.changeset/config.json', readFileSync(join(REPO_ROOT, '.changeset/config.json'), 'utf8'));
  for (const [name, text] of Object.entries(changesets)) write(`.changeset/${name}.md`, text);
  // The changelog generator named in the config resolves from the workspace's node_modules.
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'));
  return root;
}

async function versionPackages(): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script, '--root', root, '--current', join(root, 'head.json')]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, output: stdout + stderr };
  }
}

const read = (path: string) => readFileSync(join(root, path), 'utf8');

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('pnpm version-packages', () => {
  it('bumps from the changesets and names the contract changes in the changelog', async () => {
    workspace({ 'smaller-batches': "---\n'@altcraft-api/contract': major\n---\n\nBatches hold at most 5,000 profiles.\n" });
    const { code, output } = await versionPackages();
    expect(code, output).toBe(0);
    expect(JSON.parse(read('packages/contract/package.json')).version).toBe('1.0.0');
    expect(JSON.parse(read('packages/client/package.json')).version).toBe('0.1.1');
    const changelog = read('packages/contract/CHANGELOG.md');
    expect(changelog).toMatch(/## 1\.0\.0\n\n### Contract changes\n\n- \*\*Breaking:\*\* maxItems 10000 → 5000 \(`\/components\/schemas\/Request\/properties\/data\/maxItems`, POST \/api\/v1\.1\/workflows\/import_and_start_batch request application\/json \(and 1 more\)\)\n/);
    expect(changelog).toContain('### Major Changes');
    expect(changelog).toContain('Batches hold at most 5,000 profiles.');
    expect(JSON.parse(read('packages/contract/released/openapi.json'))).toEqual(lowered);
    expect(existsSync(join(root, '.changeset/smaller-batches.md'))).toBe(false);
  });

  it('refuses a breaking contract change that only a minor changeset bumps, and changes nothing', async () => {
    workspace({ 'minor-only': "---\n'@altcraft-api/contract': minor\n'@altcraft-api/client': patch\n---\n\nA feature.\n" });
    const { code, output } = await versionPackages();
    expect(code).toBe(1);
    expect(output).toContain('breaking changes, but the pending changesets bump @altcraft-api/contract only to minor');
    expect(JSON.parse(read('packages/contract/package.json')).version).toBe('0.1.0');
    expect(JSON.parse(read('packages/client/package.json')).version).toBe('0.1.0');
    expect(existsSync(join(root, '.changeset/minor-only.md'))).toBe(true);
    expect(JSON.parse(read('packages/contract/released/openapi.json'))).toEqual(base);
  });
});
