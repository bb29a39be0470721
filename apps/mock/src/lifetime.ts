// How long the mock lives: until a signal, or until the package runner that started it is gone.
//
// `npx altcraft-mock &` then `kill $!` signals npm, not the mock: npm runs the bin through
// `sh -c`, and neither npm nor sh passes SIGTERM or SIGHUP on to it (measured with npm 11: npm
// forwards SIGTERM to sh, sh dies, the mock lives on; on SIGHUP npm dies and sh waits for the
// mock). `pnpm mock` adds pnpm and turbo to the chain. So on Linux the mock also watches the
// runners above it (and the `sh -c` between them) and stops once one of them is gone.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/** Signals that stop the mock (and Prism behind it). */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Start time in clock ticks since boot: tells a reused pid from the process it was. */
  start: string;
  state: string;
  argv: string[];
}

export function processInfo(pid: number): ProcessInfo | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    return { pid, ppid: Number(fields[1]), start: fields[19]!, state: fields[0]!, argv };
  } catch {
    return undefined;
  }
}

const RUNNER = /^(npm|npx|pnpm|pnpx|yarn|turbo|bun|bunx)(-cli)?(\.[cm]?js)?$/;
const SHELL = /^(sh|bash|dash|zsh|ash)$/;

/**
 * A package runner (npm, npx, pnpm, turbo, yarn, bun), run directly or by node. npm rewrites
 * its process title, and its whole command line then reads as one argument ("npm exec x").
 */
const isRunner = (argv: string[]) => [argv[0]?.split(' ')[0], argv[1]].some((arg) => arg !== undefined && RUNNER.test(basename(arg)));
/** `sh -c COMMAND`, how runners start a bin or a script. */
const isShellCommand = (argv: string[]) => SHELL.test(basename(argv[0] ?? '')) && argv[1] === '-c';

/**
 * The package runners above `pid` and the `sh -c` between them, nearest first: what a user's
 * `kill $!` may have stopped instead of the mock. Empty when no runner started it (a shell, a
 * supervisor, a test), and shells above the topmost runner are not included: a user's own
 * `bash -c 'npx altcraft-mock &'` may end while the mock should live on.
 */
export function launchers(pid = process.pid): ProcessInfo[] {
  const chain: ProcessInfo[] = [];
  for (let current = processInfo(pid); current && current.ppid > 1; ) {
    const parent = processInfo(current.ppid);
    if (!parent || !(isRunner(parent.argv) || isShellCommand(parent.argv))) break;
    chain.push(parent);
    current = parent;
  }
  while (chain.length > 0 && !isRunner(chain.at(-1)!.argv)) chain.pop();
  return chain;
}

/** Whether `process` has ended (exited, a zombie, or its pid reused). */
function gone(process: ProcessInfo): boolean {
  const now = processInfo(process.pid);
  return !now || now.start !== process.start || now.state === 'Z' || now.state === 'X';
}

/**
 * Calls `stop(reason)` once on SIGINT, SIGTERM or SIGHUP, or once a runner that started this
 * process (see `launchers`) is gone. Polls every `intervalMs`; the timer does not keep the
 * process alive.
 */
export function stopWithLaunchers(stop: (reason: string) => void, intervalMs = 500): void {
  let stopped = false;
  const once = (reason: string) => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    stop(reason);
  };
  for (const signal of STOP_SIGNALS) process.once(signal, () => once(signal));
  const watched = process.platform === 'linux' ? launchers() : [];
  const timer = setInterval(() => {
    const ended = watched.find(gone);
    if (ended) once(`${ended.argv.join(' ').slice(0, 80)} (pid ${ended.pid}), which started it, is gone`);
  }, intervalMs);
  timer.unref();
  if (watched.length === 0) clearInterval(timer);
}
