import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { cellValue, formatOfPath, readRecords, type InputRecord } from '../src/input.js';

async function records(text: string, format: 'csv' | 'ndjson', skip?: (line: number) => boolean): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const record of readRecords(Readable.from([text]), format, { skip })) out.push(record);
  return out;
}

describe('cellValue', () => {
  it.each([
    ['score', '42', 42],
    ['ratio', '-0.5', -0.5],
    ['code', '00066', '00066'],
    ['big', '123456789012345678901', '123456789012345678901'],
    ['vip', 'True', true],
    ['vip', 'false', false],
    ['phones', '+79000000001', '+79000000001'],
    ['phones', '+79000000001; +79000000002|+79000000003', ['+79000000001', '+79000000002', '+79000000003']],
    ['_fname', '007', '007'],
    ['email', '123', '123'],
    ['note', 'hello', 'hello'],
    ['note', '', undefined],
  ])('%s = %j', (column, raw, expected) => {
    expect(cellValue(column, raw)).toEqual(expected);
  });

  it('keeps a --string-columns column as text', () => {
    expect(cellValue('zip', '12345', new Set(['zip']))).toBe('12345');
  });
});

describe('readRecords', () => {
  it('reads CSV rows with their line numbers, and reports rows of the wrong width and stray quotes', async () => {
    const csv = 'email,score\na@example.com,1\nb@example.com\nc@x"y,3\nd@example.com,4\n';
    const byLine = new Map((await records(csv, 'csv')).map((r) => [r.line, r]));
    expect(byLine.get(2)).toEqual({ line: 2, profile: { email: 'a@example.com', score: 1 } });
    expect(byLine.get(3)).toMatchObject({ error: expect.stringContaining('1 fields where the header has 2') });
    expect(byLine.get(4)).toMatchObject({ error: expect.stringContaining('malformed CSV: Invalid Opening Quote') });
    expect(byLine.get(5)).toEqual({ line: 5, profile: { email: 'd@example.com', score: 4 } });
  });

  it('reports an unclosed quote (CSV lets a quoted field run over line breaks, here to the end)', async () => {
    const out = await records('email,score\na@example.com,1\n"b@example.com,2\nc@example.com,3\n', 'csv');
    expect(out).toContainEqual({ line: 2, profile: { email: 'a@example.com', score: 1 } });
    expect(out).toContainEqual({ line: expect.any(Number), error: expect.stringContaining('Quote Not Closed') });
  });

  it('reads NDJSON, skipping blank lines and the lines asked to skip', async () => {
    const out = await records('{"a":1}\n\n{"a":2}\r\n{"a":3}\n', 'ndjson', (line) => line === 3);
    expect(out).toEqual([
      { line: 1, profile: { a: 1 } },
      { line: 4, profile: { a: 3 } },
    ]);
  });
});

it('tells the format from the file name', () => {
  expect([formatOfPath('a.ndjson'), formatOfPath('a.JSONL'), formatOfPath('a.csv'), formatOfPath('a.txt')]).toEqual(['ndjson', 'ndjson', 'csv', undefined]);
});
