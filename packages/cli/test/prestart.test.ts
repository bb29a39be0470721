// The reading thread started before the command's modules load: started for a run that reads
// input, not for --help or --version, handed to the first reader only, and never what keeps the
// process alive (the built module, run as cli.js runs it: first, with the command's arguments).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const prestart = new URL('../dist/prestart.js', import.meta.url).href;

/** What adoptPrestarted gives to a first and a second reader, in a process run with `args`. */
async function adoptions(args: string[]): Promise<{ first: boolean; second: boolean }> {
  const script = `const m = await import(${JSON.stringify(prestart)}); const first = m.adoptPrestarted(); const second = m.adoptPrestarted(); console.log(JSON.stringify({ first: first.worker !== undefined, second: second.worker !== undefined }));`;
  // `node -e` puts its first argument at argv[1]; the command's arguments follow it.
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, fileURLToPath(prestart), ...args], { timeout: 60_000 });
  return JSON.parse(stdout);
}

describe('prestart', () => {
  it('starts the reading thread for a run with input, and hands it to the first reader only', async () => {
    expect(await adoptions(['--workflow', '12', 'in.ndjson'])).toEqual({ first: true, second: false });
  }, 90_000);

  it.each([['--help'], ['-h'], ['--version']])('starts no thread for %s, which reads no input', async (flag) => {
    expect(await adoptions(['--workflow', '12', flag])).toEqual({ first: false, second: false });
  }, 90_000);
});
