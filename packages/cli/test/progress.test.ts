// The progress bar as a person reads it on a terminal: messages on their own lines with the bar
// drawn again under them, no ETA until the rate is known and a steady one after, and after
// --resume the whole file counted, as the summary and the exit status count it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFaultServer, type FaultServer } from '@altcraft-api/mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { LineTally } from '../src/exit.js';
import { ProgressDisplay, RateEstimate, describeTally } from '../src/progress.js';
import { CLI, runCli } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'altcraft-import-progress-'));
const none: LineTally = { imported: 0, queued: 0, failed: 0, unknown: 0, unreadable: 0 };
const imported = (n: number): LineTally => ({ ...none, imported: n });

/**
 * A terminal's lines after `raw`: carriage returns, erase-to-end-of-line (ESC [K) and newlines;
 * with a `width`, a row that fills it wraps onto the next (xterm's pending wrap), and ESC [K and
 * \r then act on that last row only, as a real terminal does.
 */
function screen(raw: string, width = Infinity): string[] {
  const lines: string[] = [];
  let [line, col, pending] = ['', 0, false];
  for (let at = 0; at < raw.length; at++) {
    if (raw.startsWith('\x1b[K', at)) {
      line = line.slice(0, col);
      at += 2;
    } else if (raw[at] === '\r') [col, pending] = [0, false];
    else if (raw[at] === '\n') {
      lines.push(line);
      [line, col, pending] = ['', 0, false];
    } else {
      if (pending) {
        lines.push(line);
        [line, col, pending] = ['', 0, false];
      }
      line = line.slice(0, col) + raw[at] + line.slice(col + 1);
      col++;
      if (col === width) [col, pending] = [width - 1, true];
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** A stream that says it is a terminal and keeps what is written. */
function terminal(columns?: number): NodeJS.WriteStream & { text: string } {
  const stream = { isTTY: true, columns, text: '', write: (chunk: string) => ((stream.text += chunk), true) };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

/** `1h 2m`, `3m 4s`, `5s` back to seconds. */
function seconds(eta: string): number {
  const unit: Record<string, number> = { h: 3600, m: 60, s: 1 };
  return [...eta.matchAll(/(\d+)([hms])/g)].reduce((sum, [, n, u]) => sum + Number(n) * unit[u!]!, 0);
}

describe('RateEstimate', () => {
  it('is unknown until three batches have settled or three seconds have passed since the first', () => {
    const byBatches = new RateEstimate();
    byBatches.observe(100, 8_000); // the first batch, after a slow start (counting a large file)
    byBatches.observe(200, 8_500);
    byBatches.observe(300, 9_000);
    expect(byBatches.perMs).toBeUndefined();
    byBatches.observe(400, 9_500);
    // The time before the first batch does not count: 300 lines in 1.5 s, not 400 in 9.5 s.
    expect(byBatches.perMs).toBeCloseTo(0.2, 5);
    const bySeconds = new RateEstimate();
    bySeconds.observe(10, 100);
    bySeconds.observe(10, 3_000);
    expect(bySeconds.perMs).toBeUndefined();
    bySeconds.observe(20, 3_100);
    expect(bySeconds.perMs).toBeCloseTo(10 / 3_000, 6);
    // A batch settles line by line, within a few milliseconds: one step, not fifty.
    const oneBatch = new RateEstimate();
    for (let line = 1; line <= 200; line++) oneBatch.observe(line, 1_000 + line / 100);
    expect(oneBatch.perMs).toBeUndefined();
  });

  it('gives an ETA within 15% of the time a steady run really has left, through a batch ten times slower', () => {
    // The oracle: batches of 100 lines every 500 ms, one of them taking 5 s; the true time left
    // is known at every moment of this schedule.
    const rate = new RateEstimate();
    const done: { lines: number; ms: number }[] = [];
    let ms = 2_000;
    for (let batch = 1; batch <= 200; batch++) {
      ms += batch === 80 ? 5_000 : 500;
      done.push({ lines: batch * 100, ms });
    }
    const total = 20_000;
    const end = done.at(-1)!.ms;
    const errors: number[] = [];
    for (const { lines, ms: at } of done) {
      rate.observe(lines, at);
      if (rate.perMs === undefined || lines < 5_000 || (lines > 7_900 && lines < 12_000) || lines === total) continue;
      const eta = (total - lines) / rate.perMs;
      errors.push(Math.abs(eta - (end - at - 4_500 * Number(lines < 8_000))) / (end - at));
    }
    expect(errors.length).toBeGreaterThan(100);
    expect(Math.max(...errors)).toBeLessThan(0.15);
  });
});

describe('ProgressDisplay on a terminal', () => {
  it('clears the bar before a message and draws it again under it', () => {
    const stream = terminal();
    const progress = new ProgressDisplay(stream, 1_000, 'imported');
    progress.update(imported(100), 1_000, true);
    progress.say('altcraft-import: line 777: not JSON: Unexpected token');
    const lines = screen(stream.text);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('altcraft-import: line 777: not JSON: Unexpected token');
    expect(lines[1]).toMatch(/^\[##-{22}\]  10% 100\/1,000 lines: 100 imported/);
    progress.end(imported(1_000), 2_000, true);
    progress.say('altcraft-import: after the bar');
    expect(screen(stream.text).at(-1)).toBe('altcraft-import: after the bar');
  });

  it('clips the bar to the terminal width, so a redraw on a narrow terminal leaves no row behind', () => {
    const stream = terminal(80);
    const progress = new ProgressDisplay(stream, 1_000_000, 'imported');
    progress.update({ ...none, imported: 123_456, failed: 789, unknown: 12 }, 10_000, true);
    progress.update({ ...none, imported: 223_456, failed: 789, unknown: 12 }, 20_000, true);
    progress.say('altcraft-import: line 777: not JSON');
    progress.update({ ...none, imported: 323_456, failed: 789, unknown: 12 }, 30_000, true);
    const draws = stream.text.split('\r\x1b[K').slice(1).map((draw) => draw.split('\n').at(-1)!);
    for (const draw of draws) expect(draw.length, draw).toBeLessThanOrEqual(79);
    const lines = screen(stream.text, 80);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('altcraft-import: line 777: not JSON');
    expect(lines[1]).toMatch(/^\[#{8}-{16}\]  32% 324,257\/1,000,000 lines: 323,456 imported.*…$/);
    expect(lines[1]).toHaveLength(79);
    // Without a known width (a terminal that does not say), the line is drawn whole.
    const unknown = terminal();
    new ProgressDisplay(unknown, 1_000_000, 'imported').update(imported(5), 1_000, true);
    expect(unknown.text).toContain('lines/s');
  });

  it('counts the lines --resume carried over, and takes the rate from this run alone', () => {
    const stream = terminal();
    const progress = new ProgressDisplay(stream, 50_000, 'imported');
    progress.carryOver({ ...none, imported: 9_000, failed: 2 });
    progress.end(imported(40_998), 10_000, true);
    expect(screen(stream.text).at(-1)).toBe('[########################] 100% 50,000/50,000 lines: 49,998 imported, 2 failed, 0 unknown, 0 unreadable; 4,100 lines/s');
  });
});

describe('altcraft-import on a pseudo-terminal (script)', () => {
  let server: FaultServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function onTerminal(args: string[], columns?: number): Promise<{ code: number | null; raw: string }> {
    const command = [CLI, ...args].map((arg) => `'${arg}'`).join(' ');
    const stty = columns === undefined ? '' : `stty cols ${columns}; `;
    const { code, stdout } = await runCli([], { command: ['script', ['-qec', `${stty}${process.execPath} ${command} 2>&1`, '/dev/null']] });
    return { code, raw: stdout.replace(/\r\n/g, '\n') };
  }

  it('prints messages on their own lines, the bar under them, and no ETA before the rate is known', async () => {
    server = await startFaultServer(() => ({ answer: 'delay', ms: 150, then: { answer: 'ok' } }));
    const lines = Array.from({ length: 1_000 }, (_, i) => (i % 197 === 150 ? `{not json ${i}` : JSON.stringify({ email: `p${i}@example.com` })));
    const input = join(dir, 'slow.ndjson');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const { code, raw } = await onTerminal(['--base-url', server.baseUrl, '--workflow', '12', '--batch-size', '50', '--concurrency', '1', input]);
    expect(code, raw).toBe(2);
    const messages = screen(raw).filter((line) => line.includes('altcraft-import: line '));
    expect(messages).toHaveLength(5);
    for (const line of messages) expect(line).toMatch(/^altcraft-import: line \d+: not JSON/);
    // Each message written while the bar was up is followed by the bar again.
    const firstBar = raw.indexOf('\r\x1b[K[');
    for (const match of raw.matchAll(/altcraft-import: line \d+: [^\n]*\n/g)) {
      if (match.index! > firstBar) expect(raw.slice(match.index! + match[0].length)).toMatch(/^(\[|\r\x1b\[Kaltcraft-import: line )/);
    }
    const draws = raw.split('\r\x1b[K').filter((draw) => draw.startsWith('['));
    const settled = (draw: string) => Number(/\] +\d+% ([\d,]+)\//.exec(draw)![1]!.replace(/,/g, ''));
    expect(draws.filter((draw) => settled(draw) <= 2 * 50 + 5).length).toBeGreaterThan(0);
    for (const draw of draws.filter((d) => settled(d) <= 2 * 50 + 5)) expect(draw).not.toContain('ETA');
    const etas = draws.flatMap((draw) => /ETA ([\dhms ]+)/.exec(draw)?.[1] ?? []).map(seconds);
    expect(etas.length).toBeGreaterThan(0);
    // The run takes about 3 s (20 batches of 150 ms): an ETA of minutes would be the old first guess.
    expect(Math.max(...etas)).toBeLessThan(30);
  }, 90_000);

  it('after --resume, the bar and the summary count the whole file', async () => {
    server = await startFaultServer();
    const input = join(dir, 'resumed.ndjson');
    writeFileSync(input, `${Array.from({ length: 1_000 }, (_, i) => JSON.stringify({ email: `p${i}@example.com` })).join('\n')}\n`);
    const report = join(dir, 'resumed.report.ndjson');
    writeFileSync(report, Array.from({ length: 600 }, (_, i) => `${JSON.stringify({ line: i + 1, status: 'imported', profile_id: 'x' })}\n`).join(''));
    const { code, raw } = await onTerminal(['--base-url', server.baseUrl, '--workflow', '12', '--report', report, '--resume', input]);
    expect(code, raw).toBe(0);
    const lines = screen(raw);
    const bar = lines.find((line) => line.startsWith('[########################] 100%'));
    expect(bar).toMatch(/^\[#{24}\] 100% 1,000\/1,000 lines: 1,000 imported, 0 failed, 0 unknown, 0 unreadable; /);
    expect(lines.find((line) => / lines: .*; \d+ requests?, /.test(line))).toMatch(/^altcraft-import: 1,000 lines: 1,000 imported, 0 failed, 0 unknown, 0 unreadable \(600 carried over from the report, 400 this run\); /);
  }, 90_000);

  it('on an 80-column terminal, every draw fits on one row and the screen keeps no stale rows', async () => {
    server = await startFaultServer((request) => (request.number % 3 === 1 ? { answer: 'status', status: 500, body: { error: 500, error_text: 'Internal server error' } } : { answer: 'delay', ms: 40, then: { answer: 'ok' } }));
    const input = join(dir, 'narrow.ndjson');
    writeFileSync(input, `${Array.from({ length: 3_000 }, (_, i) => JSON.stringify({ email: `p${i}@example.com` })).join('\n')}\n`);
    const { raw } = await onTerminal(['--base-url', server.baseUrl, '--workflow', '12', '--batch-size', '100', '--concurrency', '2', input], 80);
    const draws = raw.split('\r\x1b[K').slice(1).map((draw) => draw.split('\n')[0]!);
    expect(draws.filter((draw) => draw.startsWith('[')).length).toBeGreaterThan(1);
    for (const draw of draws) expect(draw.length, draw).toBeLessThanOrEqual(79);
    // One bar row on the screen, the final draw's: a wrapped draw left its first row behind each time.
    const bars = screen(raw, 80).filter((line) => /^\[[#-]{24}\]/.test(line));
    expect(bars, screen(raw, 80).join('\n')).toHaveLength(1);
  }, 90_000);
});

describe('describeTally', () => {
  it('--resume --no-wait: the imported lines carried over from an earlier run are said beside the queued ones', () => {
    const tally = { imported: 20, queued: 5, failed: 1, unknown: 0, unreadable: 0 };
    expect(describeTally(tally, { sent: 'queued', total: 26 })).toBe('26/26 lines: 5 queued, 20 imported, 1 failed, 0 unknown, 0 unreadable');
    // The counts said add up to the lines.
    expect(describeTally({ ...tally, imported: 0 }, { sent: 'queued' })).toBe('6 lines: 5 queued, 1 failed, 0 unknown, 0 unreadable');
    expect(describeTally(tally, { sent: 'imported' })).toBe('26 lines: 20 imported, 5 queued, 1 failed, 0 unknown, 0 unreadable');
    expect(describeTally({ ...tally, queued: 0 }, { sent: 'imported' })).toBe('21 lines: 20 imported, 1 failed, 0 unknown, 0 unreadable');
  });
});
