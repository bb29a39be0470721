// The README's examples, type-checked and run against the built package the way a user who
// installed it runs them: from a folder of their own, importing '@altcraft-api/contract'.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const PACKAGE = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(PACKAGE, 'README.md'), 'utf8');
const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!);

/** A user's project: its own folder, the package installed (linked) under node_modules. */
function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'contract-readme-'));
  mkdirSync(join(root, 'node_modules', '@altcraft-api'), { recursive: true });
  symlinkSync(PACKAGE, join(root, 'node_modules', '@altcraft-api', 'contract'), 'dir');
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  examples.forEach((code, index) => writeFileSync(join(root, `example-${index + 1}.ts`), code));
  return root;
}

describe('README.md', () => {
  const root = project();

  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  it('its examples compile against the built package (strict)', () => {
    const program = ts.createProgram(
      examples.map((_, index) => join(root, `example-${index + 1}.ts`)),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ['node'],
        typeRoots: [join(PACKAGE, 'node_modules', '@types')],
        skipLibCheck: true,
      },
    );
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 60_000);

  it.each(examples.map((_, index) => index + 1))('example %i runs and its assertions hold', async (number) => {
    const code = ts.transpileModule(examples[number - 1]!, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    const file = join(root, `example-${number}.mjs`);
    writeFileSync(file, code);
    const { stdout } = await promisify(execFile)(process.execPath, [file], { cwd: root, timeout: 30_000 });
    expect(stdout).not.toBe('');
  }, 40_000);

  it('its export table names every export of the package, and only those', async () => {
    const module = (await import('@altcraft-api/contract')) as Record<string, unknown>;
    const table = readme.slice(readme.indexOf('## Exports'));
    const named = new Set([...table.matchAll(/^\| ([^|]+)\|/gm)].flatMap(([, cell]) => [...cell!.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!)));
    named.delete('export');
    const runtime = Object.keys(module);
    expect(runtime.filter((name) => !named.has(name))).toEqual([]);
    // Exported by main since this README was written (1ce8e0f, media-types.ts); once merged, empty this list.
    expect([...named].filter((name) => !(name in module) && !name.startsWith('altcraft'))).toEqual([]);
  });
});
