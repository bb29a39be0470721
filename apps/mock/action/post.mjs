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
