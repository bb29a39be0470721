import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportWriter, resumeReport } from '../src/report.js';

const dir = mkdtempSync(join(tmpdir(), 'altcraft-report-'));
let counter = 0;
function reportFile(lines: (object | string)[], end = '\n'): string {
  const path = join(dir, `${counter++}.ndjson`);
  writeFileSync(path, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + end);
  return path;
}
const imported = (line: number) => ({ line, status: 'imported', profile_id: `id${line}` });
const failed = (line: number, retryable: boolean) => ({ line, status: 'failed', error: { kind: 'api', message: 'HTTP 401', status: 401, retryable } });
const unknown = (line: number) => ({ line, status: 'unknown', error: { kind: 'timeout', message: 'no answer', retryable: false } });
const lines = (path: string) => readFileSync(path, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('resumeReport', () => {
  it('keeps what stands, sends again what the platform never took, and rewrites the report with one line per kept line', async () => {
    const path = reportFile([imported(1), failed(2, true), failed(3, false), unknown(4), { line: 5, status: 'failed', error: { kind: 'input', message: 'not JSON', retryable: false } }]);
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect([1, 2, 3, 4, 5, 6].map((line) => state.isSettled(line))).toEqual([true, false, true, true, true, false]);
    expect(state.carried).toEqual({ imported: 1, queued: 0, failed: 1, unknown: 1, unreadable: 1 });
    expect(state.resent).toBe(1);
    expect(lines(path).map((l) => l.line)).toEqual([1, 3, 4, 5]);
  });

  it('sends unknown lines again only with --retry-ambiguous', async () => {
    const path = reportFile([imported(1), unknown(2)]);
    const state = await resumeReport(path, { retryAmbiguous: true });
    expect(state.isSettled(2)).toBe(false);
    expect(state.carried.unknown).toBe(0);
    expect(lines(path)).toEqual([imported(1)]);
  });

  it('a later line for the same input line wins', async () => {
    const path = reportFile([failed(1, false), imported(1)]);
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect(state.carried).toMatchObject({ imported: 1, failed: 0 });
    expect(lines(path)).toEqual([imported(1)]);
  });

  it('marks lines sent without an answer in the report as in flight, and keeps their record until they settle', async () => {
    const path = reportFile([{ sending: [1, 3] }, imported(1), { sending: [4, 6] }, imported(4), imported(5), imported(6)]);
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect([1, 2, 3, 4, 7].map((line) => state.wasInFlight(line))).toEqual([false, true, true, false, false]);
    expect(lines(path)).toEqual([imported(1), imported(4), imported(5), imported(6), { sending: [2, 3] }]);
  });

  it('a line the platform answered (even a failure to send again) is not in flight, and leaves the kept ranges', async () => {
    const path = reportFile([{ sending: [1, 4] }, failed(1, true), failed(2, true), imported(4)]);
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect([1, 2, 3, 4].map((line) => state.wasInFlight(line))).toEqual([false, false, true, false]);
    expect(lines(path)).toEqual([imported(4), { sending: [3, 3] }]);
    // Killed again before anything was sent: the resent lines are still not in flight.
    const again = await resumeReport(path, { retryAmbiguous: false });
    expect([1, 2, 3].map((line) => again.wasInFlight(line))).toEqual([false, false, true]);
  });

  it('a line sent again after its answer, with no answer since, is in flight', async () => {
    const path = reportFile([{ sending: [1, 2] }, failed(1, true), imported(2), { sending: [1, 1] }]);
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect([1, 2].map((line) => state.wasInFlight(line))).toEqual([true, false]);
    expect(lines(path)).toEqual([imported(2), { sending: [1, 1] }]);
  });

  it('tolerates a torn last line, and drops it so that appending after it is safe', async () => {
    const path = reportFile([imported(1), '{"line":2,"status":"impo'], '');
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect(state.isSettled(2)).toBe(false);
    expect(readFileSync(path, 'utf8')).toBe(`${JSON.stringify(imported(1))}\n`);
  });

  it.each([
    ['unparsable', '{"line":2,"status":"impo'],
    ['not a report line', '{"hello":1}'],
    ['a torn line followed by more', '{"line":2,'],
  ])('refuses a corrupt line in the middle (%s), with its line number, and leaves the report as it was', async (_, corrupt) => {
    const path = reportFile([imported(1), corrupt, imported(3)]);
    const before = readFileSync(path, 'utf8');
    await expect(resumeReport(path, { retryAmbiguous: false })).rejects.toThrow(`line 2 is not a report line`);
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('a missing report resumes from nothing', async () => {
    const state = await resumeReport(join(dir, 'missing.ndjson'), { retryAmbiguous: false });
    expect(state.isSettled(1)).toBe(false);
    expect(state.carried).toEqual({ imported: 0, queued: 0, failed: 0, unknown: 0, unreadable: 0 });
  });
});

describe('resumeReport with task records', () => {
  const task = (id: string, runs: [number, number][]) => ({ task: id, lines: runs });
  const queued = (line: number, id: string) => ({ line, status: 'queued', task_id: id });

  it('a task recorded after its sending and not settled is open: its lines are neither in flight, carried nor sent, and its record stays', async () => {
    const path = reportFile([{ sending: [1, 3] }, { sending: [5, 6] }, task('t1', [[1, 2]]), task('t2', [[3, 3], [5, 6]]), imported(5)]);
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect(state.tasks).toEqual([
      { taskId: 't1', lines: [1, 2], open: new Set([1, 2]) },
      { taskId: 't2', lines: [3, 5, 6], open: new Set([3, 6]) },
    ]);
    expect([1, 2, 3, 4, 5, 6].map((line) => state.isSettled(line))).toEqual([true, true, true, false, true, true]);
    expect([1, 2, 3, 5, 6].some((line) => state.wasInFlight(line))).toBe(false);
    expect(state.carried).toMatchObject({ imported: 1 });
    // A resume killed at once resumes the same way: the records are kept.
    const again = await resumeReport(path, { retryAmbiguous: false });
    expect(again.tasks).toEqual(state.tasks);
    // The records come first: an outcome recorded after its task keeps its precedence.
    expect(lines(path)).toEqual([task('t1', [[1, 2]]), task('t2', [[3, 3], [5, 6]]), imported(5)]);
  });

  it('queued lines (--no-wait) of a recorded task are open too; a settled task is dropped; a task before a later sending is not open', async () => {
    const path = reportFile([{ sending: [1, 2] }, task('t1', [[1, 2]]), queued(1, 't1'), queued(2, 't1'), { sending: [3, 4] }, task('t2', [[3, 4]]), failed(3, true), imported(4), { sending: [3, 3] }]);
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect(state.tasks).toEqual([{ taskId: 't1', lines: [1, 2], open: new Set([1, 2]) }]);
    expect(state.carried).toMatchObject({ imported: 1, queued: 0 });
    expect(state.wasInFlight(3)).toBe(true);
    expect(lines(path).filter((l) => 'task' in l)).toEqual([task('t1', [[1, 2]])]);
  });

  it('queued lines without a task record (a report of an older version) are carried as before', async () => {
    const path = reportFile([queued(1, 't1'), queued(2, 't1')]);
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect(state.tasks).toEqual([]);
    expect(state.carried).toMatchObject({ queued: 2 });
  });

  it('a task that outlived --task-timeout (or whose status could not be read) stays open: followed again, never resent with --retry-ambiguous', async () => {
    const timedOut = (line: number) => ({ line, status: 'unknown', error: { kind: 'timeout', message: 'task t1 did not finish within 1000 ms', retryable: false, taskId: 't1', taskStatus: 'in_progress' } });
    const unread = (line: number) => ({ line, status: 'unknown', error: { kind: 'task', message: "the task's status could not be read: HTTP 502", retryable: false, taskId: 't2' } });
    const ended = (line: number) => ({ line, status: 'unknown', error: { kind: 'task', message: 'the task ended with status failed', retryable: false, taskId: 't3', taskStatus: 'failed' } });
    const path = reportFile([{ sending: [1, 2] }, task('t1', [[1, 2]]), timedOut(1), timedOut(2), { sending: [3, 3] }, task('t2', [[3, 3]]), unread(3), { sending: [4, 4] }, task('t3', [[4, 4]]), ended(4)]);
    for (const round of [1, 2]) {
      const state = await resumeReport(path, { retryAmbiguous: true });
      expect(state.tasks, `round ${round}`).toEqual([
        { taskId: 't1', lines: [1, 2], open: new Set([1, 2]) },
        { taskId: 't2', lines: [3], open: new Set([3]) },
      ]);
      // A task that ended is settled: its unknown line is sent again on request, once.
      expect(state.resent).toBe(round === 1 ? 1 : 0);
      expect([1, 2, 3, 4].map((line) => state.isSettled(line))).toEqual([true, true, true, false]);
    }
  });

  it('a task record naming more lines than one request carries (10,000) is corrupt, and is refused without walking it', async () => {
    for (const bad of [{ task: 't', lines: [[1, 2_000_000_000]] }, { task: 't', lines: [[1, 6000], [7001, 12_000]] }]) {
      const path = reportFile([bad, imported(1)]);
      await expect(resumeReport(path, { retryAmbiguous: false })).rejects.toThrow(/line 1 is not a report line/);
    }
    const path = reportFile([{ sending: [1, 10_000] }, task('t', [[1, 5000], [5001, 10_000]])]);
    expect((await resumeReport(path, { retryAmbiguous: false })).tasks[0]!.lines).toHaveLength(10_000);
  });

  it('a sending record may span more than 10,000 lines: the lines between its profiles were unreadable or settled before', async () => {
    // The 100,000-profile fault test wrote {"sending":[7779,20778]} on a resume: refusing it
    // stopped the next resume.
    const path = reportFile([{ sending: [1, 13_000] }, imported(1)]);
    const state = await resumeReport(path, { retryAmbiguous: false });
    expect(state.isSettled(1)).toBe(true);
    expect(state.isSettled(13_000)).toBe(false);
  });

  it('hostile records: a task without lines, with reversed or zero lines, is not a report line', async () => {
    for (const bad of [{ task: 't', lines: [] }, { task: 't', lines: [[3, 2]] }, { task: 't', lines: [[0, 1]] }, { task: '', lines: [[1, 1]] }, { task: 't', lines: [[1]] }]) {
      const path = reportFile([bad, imported(1)]);
      await expect(resumeReport(path, { retryAmbiguous: false })).rejects.toThrow(/not a report line/);
    }
  });
});

describe('ReportWriter', () => {
  it('writes a task record synced, and hands back only outcome lines after a write error', async () => {
    const path = join(dir, `${counter++}.ndjson`);
    const writer = await ReportWriter.open(path, false, () => undefined);
    writer.write({ line: 1, status: 'imported', profile_id: 'a' });
    await writer.task('t1', [[1, 2]]);
    expect(readFileSync(path, 'utf8')).toBe('{"line":1,"status":"imported","profile_id":"a"}\n{"task":"t1","lines":[[1,2]]}\n');
    await writer.close();
  });

  it('writes the sending record (and every outcome before it) to the file before it resolves', async () => {
    const path = join(dir, 'writer.ndjson');
    const writer = await ReportWriter.open(path, false, () => undefined);
    await writer.write({ line: 1, status: 'imported', profile_id: 'a' });
    await writer.sending(2, 5);
    expect(lines(path)).toEqual([{ line: 1, status: 'imported', profile_id: 'a' }, { sending: [2, 5] }]);
    await writer.close();
  });

  it('on a write error (/dev/full) names the reason, refuses to record a send, and keeps the lines it could not write', async () => {
    const errors: Error[] = [];
    const writer = await ReportWriter.open('/dev/full', false, (error) => errors.push(error));
    await writer.write({ line: 1, status: 'imported', profile_id: 'a' });
    await expect(writer.sending(2, 2)).rejects.toThrow('cannot write the report /dev/full: no space left on the device (ENOSPC)');
    await writer.write({ line: 2, status: 'imported', profile_id: 'b' });
    await writer.close();
    expect(errors.map((e) => e.message)).toEqual(['cannot write the report /dev/full: no space left on the device (ENOSPC)']);
    expect(writer.unwritten.map((l) => JSON.parse(l))).toEqual([
      { line: 1, status: 'imported', profile_id: 'a' },
      { line: 2, status: 'imported', profile_id: 'b' },
    ]);
  });
});
