// The reading thread on its own (src/reader-worker.ts, run as built: a worker needs JavaScript):
// a setup in, groups of records out. What it sends must be what an independent reader makes of
// the input: JSON.parse for NDJSON (a canonical line is sent as its own bytes, so those must
// match byte for byte) and csv-parse for CSV; what it cannot send is a note on its line.
import { mkdtempSync, openSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { cellValue } from '../src/input.js';
import type { Group, ReaderSetup } from '../src/reader.js';
import { seeded } from './support/random.js';

const WORKER = new URL('../dist/reader-worker.js', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'reader-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const SETUP: Omit<ReaderSetup, 'fd' | 'inputFormat'> = { stringColumns: [], format: 'json', common: { workflow_id: 12 }, strict: false, retryAmbiguous: false };

interface Run {
  groups: Group[];
  /** Each record's line and, when it is sent, its item's text. */
  records: { line: number; item?: string }[];
}

/** Runs the thread on `input` to the end, acknowledging each group as the sender does. */
async function run(input: string | Buffer, setup: Partial<ReaderSetup> & Pick<ReaderSetup, 'inputFormat'>): Promise<Run> {
  const path = join(dir, `input-${files++}`);
  writeFileSync(path, input);
  const fd = openSync(path, 'r');
  const worker = new Worker(WORKER, { stdin: true });
  worker.stdin!.end();
  const groups: Group[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('error', reject);
      worker.on('message', (group: Group) => {
        groups.push(group);
        if (group.done || group.fatal || group.error) resolve();
        else worker.postMessage(group.data.length);
      });
      worker.postMessage({ ...SETUP, ...setup, fd });
    });
  } finally {
    await worker.terminate();
    closeSync(fd);
  }
  const records: Run['records'] = [];
  for (const group of groups) {
    const text = Buffer.from(group.data);
    for (let i = 0; i < group.lines.length; i++) {
      const start = i === 0 ? 0 : group.ends[i - 1]!;
      const end = group.ends[i]!;
      records.push(end > start ? { line: group.lines[i]!, item: text.subarray(start, end).toString() } : { line: group.lines[i]! });
    }
  }
  return { groups, records };
}

const notes = (result: Run) => result.groups.flatMap((group) => group.notes.map((note) => ({ ...note, line: group.lines[note.at] })));

// --- generated input ---------------------------------------------------------------------------

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const STRINGS = ['', 'plain', 'Алиса', 'emoji 😀', 'quote " and \\ backslash', 'tab\there', 'line\nbreak', '<xml> & </xml>', '\u2028', ' padded ', '00066', '1e3'];

function randomProfile(random: () => number, i: number): Record<string, unknown> {
  const profile: Record<string, unknown> = { email: `user${i}@example.com` };
  if (random() < 0.5) profile._fname = pick(random, STRINGS);
  if (random() < 0.4) profile.loyalty = Math.floor(random() * 1e6) - 5e5;
  if (random() < 0.3) profile.ratio = Math.round(random() * 1e4) / 100;
  if (random() < 0.3) profile.vip = random() < 0.5;
  if (random() < 0.3) profile.note = null;
  if (random() < 0.3) profile.address = { city: pick(random, STRINGS), zip: pick(random, ['101000', 101000]) };
  if (random() < 0.3) profile.tags = [pick(random, STRINGS), Math.floor(random() * 10)];
  if (random() < 0.2) profile.phones = random() < 0.5 ? '+79000000000' : ['+79000000000', '+79000000001'];
  return profile;
}

/** The same value written another way: spaces, escapes, key order. Not JSON.stringify's bytes. */
function restyled(random: () => number, profile: Record<string, unknown>): string {
  const text = JSON.stringify(profile);
  const r = random();
  if (r < 0.25) return JSON.stringify(profile, null, 1).replace(/\n */g, ' ');
  if (r < 0.5) return text.replace('"email"', '"\\u0065mail"');
  // A key twice: JSON.parse keeps the last, and so must what is sent.
  if (r < 0.75) return `{"email":"first@example.com",${text.slice(1)}`;
  return text.replace(/:(-?\d+)([,}])/, ':$1.0$2');
}

describe('the reading thread sends what JSON.parse reads in each NDJSON line', () => {
  it('generated lines, canonical and restyled: each sent item is JSON.stringify of {"data": the parsed line}', async () => {
    const random = seeded(0x2eade2);
    const lines = Array.from({ length: 3000 }, (_, i) => {
      const profile = randomProfile(random, i);
      return random() < 0.6 ? JSON.stringify(profile) : restyled(random, profile);
    });
    const result = await run(lines.join(random() < 0.5 ? '\n' : '\r\n'), { inputFormat: 'ndjson' });
    expect(result.groups.at(-1)!.done).toBe(true);
    expect(notes(result)).toEqual([]);
    expect(result.records.map((record) => record.line).sort((a, b) => a - b)).toEqual(lines.map((_, i) => i + 1));
    let canonical = 0;
    for (const { line, item } of result.records) {
      const text = lines[line - 1]!;
      expect(item, text).toBe(JSON.stringify({ data: JSON.parse(text) }));
      if (text === JSON.stringify(JSON.parse(text))) canonical++;
    }
    expect(canonical).toBeGreaterThan(1500);
    expect(canonical).toBeLessThan(2500);
  });

  it('hostile lines: each gets one note on its own line and the rest are sent', async () => {
    const hostile = [
      'not json',
      '{"email":"a@example.com"',
      '[1,2]',
      '"a string"',
      '{"email":"b@example.com","big":12345678901234567890}',
      '{"email":"c@example.com","tiny":1e-400}',
      '{"email":5}',
      '{"email":"d@example.com","__proto__":{"polluted":true}}',
      `{"email":"e@example.com","long":"${'x'.repeat(1 << 20)}"}`,
      '{"email":"f@example.com","lone":"\\ud800"}',
    ];
    const result = await run(['{"email":"ok@example.com"}', ...hostile, ''].join('\n'), { inputFormat: 'ndjson' });
    const byLine = new Map(notes(result).map((note) => [note.line, note]));
    expect(byLine.get(2)!.unreadable).toMatch(/not JSON/);
    expect(byLine.get(3)!.unreadable).toBeDefined();
    expect(byLine.get(4)!.unreadable ?? byLine.get(4)!.refused).toBeDefined();
    expect(byLine.get(5)!.unreadable ?? byLine.get(5)!.refused).toBeDefined();
    expect(byLine.get(6)).toMatchObject({ pointer: '/big' });
    expect(byLine.get(8)!.refused!.pointer).toBe('/email');
    // Sent, with __proto__ an own field as JSON.parse reads it, and nothing polluted.
    const proto = result.records.find((record) => record.line === 9)!;
    expect(Object.keys(JSON.parse(proto.item!).data)).toEqual(['email', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(JSON.parse(result.records.find((record) => record.line === 10)!.item!).data.long).toHaveLength(1 << 20);
    for (const record of result.records) if (record.item !== undefined) expect(byLine.has(record.line)).toBe(false);
    expect(result.records).toHaveLength(hostile.length + 1);
  });

  it('common fields that break the contract end the input with a fatal note', async () => {
    const result = await run('{"email":"a@example.com"}\n', { inputFormat: 'ndjson', common: { workflow_id: 'twelve' } });
    expect(result.groups.at(-1)!.fatal).toMatch(/request fields break the contract/);
  });
});

describe('the reading thread sends what csv-parse reads in each CSV record', () => {
  it('generated files with quotes, separators and line breaks inside cells', async () => {
    const random = seeded(0xc5f);
    const header = ['email', 'CRM_ID', 'name', 'score', 'vip', 'phones'];
    const cell = (column: string, i: number): string => {
      if (column === 'email') return `user${i}@example.com`;
      const value = pick(random, ['', 'plain', 'a,b', 'say "hi"', 'two\nlines', 'Алиса', '00066', '42', '-3.5', 'TRUE', 'false', '+79000000000;+79000000001', ' x ']);
      return /[",\n]/.test(value) || random() < 0.2 ? `"${value.replace(/"/g, '""')}"` : value;
    };
    const rows = Array.from({ length: 1500 }, (_, i) => header.map((column) => cell(column, i)).join(','));
    const file = `${header.join(',')}\n${rows.join('\n')}\n`;
    const result = await run(file, { inputFormat: 'csv', stringColumns: ['CRM_ID'] });
    expect(notes(result).filter((note) => note.unreadable)).toEqual([]);
    const oracle = (parse(file, { columns: true }) as Record<string, string>[]).map((row) =>
      Object.fromEntries(Object.entries(row).flatMap(([column, raw]) => {
        const value = cellValue(column, raw, new Set(['CRM_ID']));
        return value === undefined ? [] : [[column, value]];
      })),
    );
    const sent = result.records.filter((record) => record.item !== undefined).sort((a, b) => a.line - b.line);
    const refused = new Set(notes(result).filter((note) => note.refused).map((note) => note.line));
    expect(sent.length + refused.size).toBe(oracle.length);
    // Records in file order; a record's line is where it starts, so order is enough to pair them.
    const all = result.records.slice().sort((a, b) => a.line - b.line);
    all.forEach((record, i) => {
      if (record.item !== undefined) expect(JSON.parse(record.item).data).toEqual(oracle[i]);
    });
    expect(sent.length).toBeGreaterThan(1000);
  });
});

describe('groups and how far ahead the thread reads', () => {
  it('stops about 24 MiB ahead of what the sender took, and goes on when it takes more', async () => {
    const line = JSON.stringify({ email: 'a@example.com', note: 'x'.repeat(3200) });
    const path = join(dir, 'ahead.ndjson');
    writeFileSync(path, `${line}\n`.repeat(4096 * 3 + 10));
    const fd = openSync(path, 'r');
    const worker = new Worker(WORKER, { stdin: true });
    worker.stdin!.end();
    try {
      const groups: Group[] = [];
      let arrived: () => void = () => undefined;
      worker.on('message', (group: Group) => {
        groups.push(group);
        arrived();
      });
      const until = (count: number, ms: number) =>
        new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), ms);
          arrived = () => groups.length >= count && (clearTimeout(timer), resolve(true));
          if (groups.length >= count) arrived();
        });
      worker.postMessage({ ...SETUP, inputFormat: 'ndjson', fd });
      expect(await until(2, 60_000)).toBe(true);
      // Two groups of ~13.3 MB: 24 MiB ahead, so no third until the sender takes one.
      expect(groups.reduce((sum, group) => sum + group.data.length, 0)).toBeGreaterThanOrEqual(24 << 20);
      expect(await until(3, 1500)).toBe(false);
      for (const group of groups) expect(group.lines.length).toBeGreaterThanOrEqual(4096);
      worker.postMessage(groups[0]!.data.length);
      expect(await until(3, 60_000)).toBe(true);
      worker.postMessage(groups[1]!.data.length + groups[2]!.data.length);
      expect(await until(4, 60_000)).toBe(true);
      expect(groups.at(-1)!.done).toBe(true);
      expect(groups.reduce((sum, group) => sum + group.lines.length, 0)).toBe(4096 * 3 + 10);
    } finally {
      await worker.terminate();
      closeSync(fd);
    }
  });
});
