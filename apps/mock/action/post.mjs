// The action's post step: stops the mock main.mjs started (and Prism, its child, with it) and
// prints its log. The runner hands main's saved state over as STATE_<name>.
import { existsSync, readFileSync } from 'node:fs';

/** Whether `pid` is still a running process (a zombie waiting for its reaper counts as gone). */
function running(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0]);
  } catch {
    if (process.platform === 'linux') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Why `pid` is not the mock main.mjs started, or undefined when it is (or when this system has
 * no /proc to tell by): its start time or its command line differs from what main saved.
 */
function notTheMock(pid, saved) {
  let stat;
  let argv;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    if (process.platform !== 'linux') return undefined;
    return 'no such process';
  }
  const start = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  if (saved.start && start !== saved.start) return `started at tick ${start}, the mock at ${saved.start}`;
  if (saved.cli && argv[1] !== saved.cli) return `its command is ${JSON.stringify(argv.filter(Boolean).join(' ').slice(0, 200))}`;
  if (!saved.start && !saved.cli) return 'the main step saved nothing to tell it by';
  return undefined;
}

const signalGroup = (pid, signal) => {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
};

const pid = Number(process.env.STATE_pid);
const log = process.env.STATE_log;
if (!Number.isInteger(pid) || pid <= 1) {
  console.log('altcraft-mock: the main step started no mock; nothing to stop');
  process.exit(0);
}
const stranger = notTheMock(pid, { start: process.env.STATE_start, cli: process.env.STATE_cli });
if (stranger) {
  console.log(`::warning::altcraft-mock: pid ${pid} is not the mock the main step started (${stranger}): it stopped already and its pid was reused; nothing signalled`);
  if (log && existsSync(log)) console.log(`altcraft-mock's log:\n${readFileSync(log, 'utf8').slice(-20_000)}`);
  process.exit(0);
}
// SIGTERM lets the mock stop Prism behind it; SIGKILL to the group after 10 s if not.
signalGroup(pid, 'SIGTERM');
const deadline = Date.now() + 10_000;
while (running(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
if (running(pid)) {
  console.log('::warning::altcraft-mock did not stop within 10 s of SIGTERM; killed');
  signalGroup(pid, 'SIGKILL');
}
console.log(`altcraft-mock (pid ${pid}) stopped`);
if (log && existsSync(log)) console.log(`altcraft-mock's log:\n${readFileSync(log, 'utf8').slice(-20_000)}`);
