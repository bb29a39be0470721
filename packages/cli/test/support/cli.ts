// Runs the built command as a process, the way a user or a CI job does.
import { spawn, type SpawnOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const TOKEN = 'abcdefghijklmnqrstuvwxyz';

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  stdin?: string;
  /** A file for standard input (instead of `stdin`). */
  stdinFile?: string;
  interruptWhen?: () => boolean;
  /** The signal `interruptWhen` sends; SIGINT by default. */
  signal?: NodeJS.Signals;
  /** A shell line run before the command (`ulimit -f 4`). */
  shell?: string;
  /** Where the command runs (default: this process's working directory). */
  cwd?: string;
  /** The program and its arguments instead of `node dist/cli.js ...args` (`pnpm`, `script`). */
  command?: [string, string[]];
}

export function runCli(args: string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env, ALTCRAFT_TOKEN: TOKEN, ...options.env };
    const stdinFd = options.stdinFile ? openSync(options.stdinFile, 'r') : undefined;
    const [command, argv] = options.command
      ? options.command
      : options.shell
        ? ['/bin/sh', ['-c', `${options.shell}; exec "$0" "$@"`, process.execPath, CLI, ...args]]
        : [process.execPath, [CLI, ...args]];
    const spawnOptions: SpawnOptions = { env: env as NodeJS.ProcessEnv, stdio: [stdinFd ?? 'pipe', 'pipe', 'pipe'] };
    if (options.cwd) spawnOptions.cwd = options.cwd;
    const child = spawn(command, argv, spawnOptions);
    if (stdinFd !== undefined) closeSync(stdinFd);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk) => (stdout += chunk));
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    child.stdin?.end(options.stdin ?? '');
    let timer: NodeJS.Timeout | undefined;
    if (options.interruptWhen) {
      timer = setInterval(() => {
        if (options.interruptWhen!()) {
          clearInterval(timer);
          child.kill(options.signal ?? 'SIGINT');
        }
      }, 10);
    }
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, stdout, stderr: signal ? `${stderr}[killed by ${signal}]` : stderr });
    });
  });
}
