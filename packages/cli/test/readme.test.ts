// The README's examples run as a user runs them (a shell, `altcraft-import` on the PATH) against
// the mock, and must print what the README shows; its option table must match --help. The
// client README's first example is run here too, without a token: it must fail early and say why.
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startMock, type RunningMock } from '@altcraft-api/mock';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USAGE } from '../src/args.js';
import { CLI, TOKEN } from './support/cli.js';

const run = promisify(execFile);
const README = readFileSync(fileURLToPath(new URL('../README.md', import.meta.url)), 'utf8');
const blocks = [...README.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, code]) => ({ lang: lang!, code: code! }));
const shell = blocks.filter((block) => block.lang === 'sh').map((block) => block.code);
const shown = blocks.filter((block) => block.lang === 'text').map((block) => block.code.trimEnd());

/**
 * What may differ from run to run: ids, sizes, times, rates, the user's folder. Everything else
 * (the wording, the counts, the order of the lines) must be as the README shows it.
 */
const shape = (text: string, home: string) =>
  text
    .replaceAll(home, '/home/you')
    .replace(/[0-9a-f]{24}/g, 'ID')
    .replace(/\d[\d,.]* (bytes|kB|MB|s|lines\/s)\b/g, 'N $1')
    .replace(/"(bytes|duration_ms)":\d+/g, '"$1":N');

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
});
afterAll(() => mock.close());

describe('README.md', () => {
  const home = mkdtempSync(join(tmpdir(), 'cli-readme-'));
  const bin = join(home, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'altcraft-import'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'altcraft-import'), 0o755);
  /** Runs a README block as written, but for the API root (the mock's) and the token's value. */
  const runBlock = (code: string) =>
    run('/bin/sh', ['-ec', code.replaceAll('https://example.com/api/v1.1', mock.baseUrl).replace(/^export ALTCRAFT_TOKEN=\.\.\..*$/m, `export ALTCRAFT_TOKEN=${TOKEN}`)], {
      cwd: home,
      // One shell session in the README: the token exported in the first block is there in the next.
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: home, ALTCRAFT_TOKEN: TOKEN },
      timeout: 60_000,
    });

  it('installs with npm', () => {
    expect(shell[0]).toBe('npm install --global @altcraft-api/cli\n');
  });

  it('the example prints what the README shows, and writes the report it shows', async () => {
    const { stderr } = await runBlock(shell[1]!);
    expect(shape(stderr.trimEnd(), home)).toBe(shape(shown[0]!, home));
    expect(shape(readFileSync(join(home, 'report.ndjson'), 'utf8').trimEnd(), home)).toBe(shape(shown[1]!, home));
  }, 90_000);

  it('the --json example writes the summary the README shows', async () => {
    await runBlock(shell[2]!);
    const summary = readFileSync(join(home, 'summary.json'), 'utf8').trimEnd();
    expect(shape(summary, home)).toBe(shape(shown[2]!, home));
  }, 90_000);

  it('its option table lists exactly the options of --help', () => {
    const options = (text: string) => new Set([...text.matchAll(/(?<![\w-])(--?[a-z][a-z-]*)/g)].map(([, name]) => name!));
    const table = README.slice(README.indexOf('## Options'));
    const inTable = new Set([...table.matchAll(/^\| ((?:\\\||[^|])+?) \|/gm)].flatMap(([, cell]) => [...options(cell!)]));
    const inHelp = options(USAGE.slice(USAGE.indexOf('Options:'), USAGE.indexOf('Every profile')));
    expect([...inTable].sort()).toEqual([...inHelp].sort());
  });
});

describe("the client README's first example", () => {
  it('fails early with a clear message when ALTCRAFT_TOKEN is unset (and sends nothing)', async () => {
    const readme = readFileSync(fileURLToPath(new URL('../../client/README.md', import.meta.url)), 'utf8');
    const example = /```ts\n([\s\S]*?)```/.exec(readme)![1]!;
    const root = mkdtempSync(join(tmpdir(), 'client-readme-'));
    mkdirSync(join(root, 'node_modules', '@altcraft-api'), { recursive: true });
    symlinkSync(fileURLToPath(new URL('../../client', import.meta.url)), join(root, 'node_modules', '@altcraft-api', 'client'), 'dir');
    writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module', private: true }));
    const code = ts.transpileModule(example, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
    writeFileSync(join(root, 'example.mjs'), code);
    // A fetch that fails the run if anything is sent.
    writeFileSync(join(root, 'no-network.mjs'), "globalThis.fetch = () => { console.error('SENT'); process.exit(99); };\n");
    const env = { ...process.env };
    delete env.ALTCRAFT_TOKEN;
    const failure = await run(process.execPath, ['--import', './no-network.mjs', 'example.mjs'], { cwd: root, env, timeout: 30_000 }).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toBeDefined();
    expect(failure!.code).toBe(1);
    expect(failure!.stderr).toContain('ALTCRAFT_TOKEN is not set');
    expect(failure!.stderr).not.toContain('SENT');
    expect(failure!.stderr).not.toContain('token is required');
  }, 60_000);
});
