// Every command of the repository refuses an option it does not know the way altcraft-import
// does: one line naming it and the closest known option, a pointer to --help, a non-zero exit,
// no stack trace. One table, one shared reader (@altcraft-api/contract/cli-args).
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/load.js';

interface Command {
  name: string;
  entry: string;
  typed: string[];
  says: string;
  help: string;
  status: number;
}

const COMMANDS: Command[] = [
  { name: 'altcraft-import', entry: 'packages/cli/dist/cli.js', typed: ['--concurency', '4', 'in.ndjson'], says: 'altcraft-import: unknown option --concurency; did you mean --concurrency?', help: 'altcraft-import --help', status: 1 },
  { name: 'altcraft-mock', entry: 'apps/mock/dist/cli.js', typed: ['--prot', '4010'], says: 'altcraft-mock: unknown option --prot; did you mean --port?', help: 'altcraft-mock --help', status: 2 },
  { name: 'altcraft-mock', entry: 'apps/mock/dist/cli.js', typed: ['--recrd', 'x'], says: 'altcraft-mock: unknown option --recrd; did you mean --record?', help: 'altcraft-mock --help', status: 2 },
  { name: 'pnpm dev', entry: 'apps/mock/dist/dev.js', typed: ['--bogus'], says: 'pnpm dev: unknown option --bogus', help: 'pnpm dev --help', status: 2 },
  { name: 'pnpm dev', entry: 'apps/mock/dist/dev.js', typed: ['--no-doc'], says: 'pnpm dev: unknown option --no-doc; did you mean --no-docs?', help: 'pnpm dev --help', status: 2 },
  { name: 'pnpm probe', entry: 'packages/probe/dist/cli.js', typed: ['--upstrem', 'http://127.0.0.1:9'], says: 'probe: unknown option --upstrem; did you mean --upstream?', help: 'pnpm probe --help', status: 1 },
  { name: 'pnpm spec:diff', entry: 'packages/spec-diff/dist/cli.js', typed: ['--all-place'], says: 'spec:diff: unknown option --all-place; did you mean --all-places?', help: 'pnpm spec:diff --help', status: 2 },
  { name: 'pnpm contract:report', entry: 'apps/mock/dist/report/cli.js', typed: ['--jsno', 'cases'], says: 'contract:report: unknown option --jsno; did you mean --json?', help: 'pnpm contract:report --help', status: 2 },
  { name: 'pnpm version-packages', entry: 'packages/spec-diff/dist/version-packages.js', typed: ['--roo', 'x'], says: 'pnpm version-packages: unknown option --roo; did you mean --root?', help: 'pnpm version-packages --help', status: 2 },
];

async function run(entry: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, entry), ...args], { cwd: REPO_ROOT, timeout: 60_000, env: { ...process.env, ALTCRAFT_TOKEN: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

beforeAll(() => {
  // The commands of other packages, built (a cache replay when nothing changed), as run.mjs does.
  const { TURBO_FORCE: _forced, ...env } = process.env;
  const filters = ['cli', 'mock', 'probe', 'spec-diff'].map((name) => `--filter=@altcraft-api/${name}`);
  const build = spawnSync(join(REPO_ROOT, 'node_modules/.bin/turbo'), ['run', 'build', ...filters, '--output-logs=errors-only'], { cwd: REPO_ROOT, env: { ...env, TURBO_TELEMETRY_DISABLED: '1' }, encoding: 'utf8' });
  expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
}, 600_000);

describe('an unknown option, on every command', { timeout: 120_000 }, () => {
  it.each(COMMANDS.map((command) => [`${command.name} ${command.typed.join(' ')}`, command] as const))('%s', async (_label, command) => {
    const { code, stdout, stderr } = await run(command.entry, command.typed);
    expect(code).toBe(command.status);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(command.says);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(`${command.help} lists every option`);
    expect(stderr).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
    expect(stdout).toBe('');
  });

  it.each([...new Set(COMMANDS.map((command) => command.entry))])('%s --help, which the pointer names, prints the usage and exits 0', async (entry) => {
    const { code, stdout } = await run(entry, ['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: /);
  });
});

describe('a root script that runs a command', { timeout: 120_000 }, () => {
  // Without a trailing `--` in the script, turbo took `pnpm mock --replay DIR` (the mock's README)
  // as its own option and refused it.
  it.each(['mock', 'mock:proxy'])('pnpm %s passes the options after it to altcraft-mock', (script) => {
    const { TURBO_FORCE: _forced, ...env } = process.env;
    const run = spawnSync('pnpm', ['--silent', script, '--help'], { cwd: REPO_ROOT, env: { ...env, TURBO_TELEMETRY_DISABLED: '1' }, encoding: 'utf8', timeout: 110_000 });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/usage: altcraft-mock /);
  });
});
