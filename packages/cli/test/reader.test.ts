// InputReader (src/reader.ts): the main thread's side of the reading thread, run as built (the
// thread needs JavaScript). Groups arrive in order and end with the input; standard input is
// piped to the thread; a thread that fails or dies ends the iteration with its error instead of
// hanging; close() stops it early; and each reader has a thread of its own.
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { Group, InputReader as Reader, ReaderSetup } from '../src/reader.js';

const { InputReader } = (await import(new URL('../dist/reader.js', import.meta.url).href)) as { InputReader: typeof Reader };

const dir = mkdtempSync(join(tmpdir(), 'reader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;

const SETUP: Omit<ReaderSetup, 'fd'> = { inputFormat: 'ndjson', stringColumns: [], format: 'json', common: { workflow_id: 12 }, strict: false, retryAmbiguous: false };

function fileOf(text: string): number {
  const path = join(dir, `input-${files++}.ndjson`);
  writeFileSync(path, text);
  return openSync(path, 'r');
}

async function groupsOf(reader: Reader): Promise<Group[]> {
  const groups: Group[] = [];
  try {
    for await (const group of reader) groups.push(group);
  } finally {
    await reader.close();
  }
  return groups;
}

/** The items sent, parsed, by line. */
function items(groups: Group[]): Map<number, unknown> {
  const out = new Map<number, unknown>();
  for (const group of groups) {
    const text = Buffer.from(group.data);
    for (let i = 0; i < group.lines.length; i++) {
      const start = i === 0 ? 0 : group.ends[i - 1]!;
      if (group.ends[i]! > start) out.set(group.lines[i]!, JSON.parse(text.subarray(start, group.ends[i]).toString()));
    }
  }
  return out;
}

const profiles = (count: number) => Array.from({ length: count }, (_, i) => JSON.stringify({ email: `user${i}@example.com`, n: i, s: 'Алиса 😀' }));

describe('InputReader', () => {
  it('yields the groups of a file in order, up to the one that ends the input', async () => {
    const lines = profiles(10_000);
    const fd = fileOf(`${lines.join('\n')}\n`);
    const groups = await groupsOf(new InputReader({ ...SETUP, fd }));
    closeSync(fd);
    expect(groups.length).toBeGreaterThan(1);
    expect(groups.at(-1)!.done).toBe(true);
    expect(groups.slice(0, -1).every((group) => !group.done)).toBe(true);
    const sent = items(groups);
    expect([...sent.keys()]).toEqual(lines.map((_, i) => i + 1));
    for (const [line, item] of sent) expect(item).toEqual({ data: JSON.parse(lines[line - 1]!) });
  });

  it('reads standard input when given no file', async () => {
    const lines = profiles(500);
    const stdin = Readable.from([Buffer.from(lines.slice(0, 250).join('\n')), Buffer.from(`\n${lines.slice(250).join('\n')}\n`)]);
    const sent = items(await groupsOf(new InputReader(SETUP, stdin)));
    expect(sent.size).toBe(500);
    expect(sent.get(500)).toEqual({ data: JSON.parse(lines[499]!) });
  });

  it('gives each reader a thread of its own', async () => {
    const first = fileOf(`${profiles(3).join('\n')}\n`);
    const second = fileOf(`${profiles(5).join('\n')}\n`);
    const [a, b] = await Promise.all([groupsOf(new InputReader({ ...SETUP, fd: first })), groupsOf(new InputReader({ ...SETUP, fd: second }))]);
    closeSync(first);
    closeSync(second);
    expect(items(a).size).toBe(3);
    expect(items(b).size).toBe(5);
  });

  it('ends with the read error of a file it cannot read (hostile: a descriptor that is not open)', async () => {
    const groups = await groupsOf(new InputReader({ ...SETUP, fd: 987_654 }));
    expect(groups.at(-1)!.error).toMatchObject({ code: 'EBADF' });
  });

  it('close() stops a thread that is still reading, and the iteration ends', async () => {
    const fd = fileOf(`${profiles(40_000).join('\n')}\n`);
    const reader = new InputReader({ ...SETUP, fd });
    let seen = 0;
    for await (const group of reader) {
      seen += group.lines.length;
      break;
    }
    await reader.close();
    closeSync(fd);
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThan(40_000);
  });
});
