import { execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { processInfo } from '../../src/lifetime.js';
import { within } from './deadline.js';

/** The pids of `pid`'s children, from the kernel's own list. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * When `pid` started, or undefined when it is gone: with the pid, it names one process, where a
 * pid alone may be reused by another.
 */
export const startTime = (pid: number): string | undefined => processInfo(pid)?.start;

/** SIGKILLs each process that is still the one recorded (same pid, same start time). */
export function killRecorded(processes: { pid: number; started: string | undefined }[]): void {
  for (const { pid, started } of processes) {
    if (started === undefined || startTime(pid) !== started) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone between the check and the kill
    }
  }
}

/** `pid` and everything below it. */
export function treeOf(pid: number): number[] {
  return [pid, ...childrenOf(pid).flatMap(treeOf)];
}

/** Alive and not a zombie, by ps (an oracle independent of the mock's /proc reading). */
export function alive(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim().startsWith('Z');
  } catch {
    return false;
  }
}

export async function allGone(pids: number[], ms: number): Promise<void> {
  await within(
    ms,
    `processes ${pids.join(', ')} ending`,
    (async () => {
      while (pids.some(alive)) await new Promise((resolve) => setTimeout(resolve, 100));
    })(),
  );
}

/** Resolves with the mock's port once `child`'s stdout says where it is ready. */
export function readyPort(child: ChildProcess, ms = 200_000): Promise<number> {
  return within(
    ms,
    'the mock starting',
    new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk) => {
        out += chunk;
        const match = /ready: http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`exited with ${code} before the mock was ready: ${out}`)));
    }),
  );
}
