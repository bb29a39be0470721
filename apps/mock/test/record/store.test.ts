import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CaseStore } from '../../src/record/store.js';
import { readCases } from '../../src/record/read.js';
import { tempDir } from '../support/contrarian.js';

const sizeOf = (dir: string) => readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);

describe('the case store', () => {
  it('keeps 10,000 cases within its files and bytes, the newest kept, the drops said without flooding the log', async () => {
    const dir = tempDir('store');
    const log: string[] = [];
    const store = new CaseStore(dir, { maxFiles: 50, maxBytes: 40_000 }, (line) => log.push(line));
    let highest = { files: 0, bytes: 0 };
    for (let i = 0; i < 10_000; i++) {
      // Sizes vary so that the byte bound, not only the file bound, decides.
      void store.add('importAndStartBatch', `${JSON.stringify({ i, pad: 'x'.repeat((i * 37) % 1500) })}\n`);
      if (i % 16 === 15) {
        await store.settled();
        const files = readdirSync(dir).length;
        highest = { files: Math.max(highest.files, files), bytes: Math.max(highest.bytes, sizeOf(dir)) };
      }
    }
    await store.settled();
    expect(highest.files).toBeLessThanOrEqual(50);
    expect(highest.bytes).toBeLessThanOrEqual(40_000);
    const names = readdirSync(dir).sort();
    expect(JSON.parse(readFileSync(join(dir, names.at(-1)!), 'utf8')).i).toBe(9999);
    expect(names.at(-1)).toBe('0000010000-importAndStartBatch.json');
    expect(log[0]).toMatch(/dropped the oldest case file\(s\), 1 so far, to stay within 50 files and 40000 bytes/);
    expect(log.length).toBeLessThan(20);
  });

  it('refuses, and says so, a case bigger than the whole byte bound', async () => {
    const dir = tempDir('store-big');
    const log: string[] = [];
    const store = new CaseStore(dir, { maxFiles: 5, maxBytes: 100 }, (line) => log.push(line));
    await store.add('other', 'x'.repeat(101));
    expect(readdirSync(dir)).toEqual([]);
    expect(log).toEqual([expect.stringContaining('is 101 bytes, over --record-max-bytes 100; not written')]);
  });

  it('goes on numbering after the files already there, removes stray temporary files, and the report never reads one', async () => {
    const dir = tempDir('store-again');
    writeFileSync(join(dir, '0000000041-importAndStartBatch.json'), '{}');
    // What `kill -9` mid-write leaves: a temporary file, never a half case under a case's name.
    writeFileSync(join(dir, '.tmp-0000000042-importAndStartBatch.json'), '{"altcraftCase":1,');
    const store = new CaseStore(dir, { maxFiles: 5, maxBytes: 10_000 }, () => undefined);
    expect(readdirSync(dir)).toEqual(['0000000041-importAndStartBatch.json']);
    writeFileSync(join(dir, '.tmp-0000000043-importAndStartBatch.json'), '{"altcraftCase":1,');
    await store.add('importAndStartBatchTask', '{}');
    expect(readdirSync(dir).filter((name) => !name.startsWith('.')).sort()).toEqual(['0000000041-importAndStartBatch.json', '0000000042-importAndStartBatchTask.json']);
    const errors: string[] = [];
    readCases(dir, (file) => errors.push(file));
    expect(errors).toEqual(['0000000041-importAndStartBatch.json', '0000000042-importAndStartBatchTask.json']);
  });
});

describe('the case store at start (review1 #13)', () => {
  it('counts every case file after an entry it cannot remove, and says which', async () => {
    const dir = tempDir('store-hostile');
    mkdirSync(join(dir, '.tmp-0000000001-importAndStartBatch.json'));
    for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `000000000${i}-importAndStartBatch.json`), '{}');
    const lines: string[] = [];
    const store = new CaseStore(dir, { maxFiles: 3, maxBytes: 1e9 }, (line) => lines.push(line));
    for (let i = 0; i < 3; i++) await store.add('importAndStartBatch', '{}');
    await store.settled();
    expect(readdirSync(dir).filter((file) => /^\d{10}-/.test(file))).toHaveLength(3);
    expect(lines.filter((line) => line.includes('.tmp-0000000001'))).toHaveLength(1);
  });

  it('goes on numbering past 10 digits, and reads the cases in their order', async () => {
    const dir = tempDir('store-eleven');
    writeFileSync(join(dir, '9999999999-importAndStartBatch.json'), '{}');
    writeFileSync(join(dir, '10000000000-importAndStartBatch.json'), '{}');
    const store = new CaseStore(dir, { maxFiles: 2, maxBytes: 1e9 }, () => undefined);
    await store.add('importAndStartBatch', '{}');
    await store.settled();
    expect(readdirSync(dir).sort()).toEqual(['10000000000-importAndStartBatch.json', '10000000001-importAndStartBatch.json']);
  });
});

describe('the case store on a failing disk (review1 #15)', () => {
  it('says a failing write once, counts the rest, and says when writes work again', async () => {
    const dir = tempDir('store-full');
    const lines: string[] = [];
    const store = new CaseStore(dir, { maxFiles: 1000, maxBytes: 1e9 }, (line) => lines.push(line));
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'a file where the directory was');
    for (let i = 0; i < 200; i++) await store.add('importAndStartBatch', '{}');
    expect(lines.filter((line) => line.includes('could not be written'))).toHaveLength(1);
    rmSync(dir);
    mkdirSync(dir);
    await store.add('importAndStartBatch', '{}');
    expect(lines.at(-1)).toMatch(/written again, after 200 that could not be/);
  });
});

describe('a case name numbered past 2^53 (review4 #9)', () => {
  it.each(['99999999999999999999-importAndStartBatch.json', '999999999999999999999-importAndStartBatch.json', '9007199254740992-importAndStartBatch.json'])('%s is ignored by the scan and numbering goes on', async (stray) => {
    const dir = tempDir('store-big');
    writeFileSync(join(dir, '0000000007-importAndStartBatch.json'), '{}');
    writeFileSync(join(dir, stray), '{}');
    const store = new CaseStore(dir, { maxFiles: 1000, maxBytes: 1 << 30 }, () => undefined);
    for (let i = 0; i < 3; i++) await store.add('importAndStartBatch', JSON.stringify({ case: i }));
    await store.settled();
    expect(readdirSync(dir).sort()).toEqual(['0000000007-importAndStartBatch.json', '0000000008-importAndStartBatch.json', '0000000009-importAndStartBatch.json', '0000000010-importAndStartBatch.json', stray].sort());
  });
});
