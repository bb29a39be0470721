import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { createBatchEncoder } from '@altcraft-api/contract';
import { countKeys, isCanonicalJson } from '../src/canonical.js';
import { cellValue, formatOfPath, readRecords, type InputRecord } from '../src/input.js';
import { EDGE_NUMBERS, oracle, randomNumber } from './support/numbers.js';
import { seeded } from './support/random.js';
import { expectLinear } from './support/linear.js';

const SEED = 20261207;

const chunked = (text: string | Buffer, size: number): Buffer[] => {
  const bytes = Buffer.from(text);
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
};

async function records(text: string | Buffer, format: 'csv' | 'ndjson', skip?: (line: number) => boolean, chunkSize = 2): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  // Two-byte chunks by default: every rule must hold wherever the stream happens to be cut.
  for await (const record of readRecords(Readable.from(chunked(text, chunkSize)), format, { skip })) {
    // An NDJSON profile comes with its line's text (BOM left out), which parses to it.
    if ('profile' in record && format === 'ndjson') {
      const { text, ...rest } = record;
      expect(typeof text).toBe('string');
      if (text!.length < 10_000) expect(JSON.parse(text!)).toEqual(record.profile);
      out.push(rest);
    } else out.push(record);
  }
  return out;
}

/**
 * The rule, read as simply as it can be: at each line where a record may start, csv-parse reads
 * one record from the rest of the file; a record that parses and has the header's width takes
 * the lines it spans, anything else fails that line alone and the next line starts afresh.
 * Every non-blank line outside a whole record gets exactly one outcome.
 */
function readByTheRule(text: string, eol: string, width: number, tally: { whole: number[]; wrongWidth: number }): Map<number, string[] | 'fail'> {
  const lines = text.split(eol);
  if (lines.at(-1) === '') lines.pop();
  const outcomes = new Map<number, string[] | 'fail'>();
  for (let at = 1; at < lines.length; ) {
    // A blank line where a record would start is no record.
    if (lines[at] === '') {
      at++;
      continue;
    }
    const rest = Buffer.from(lines.slice(at).join(eol));
    let read: { info: { bytes: number }; record: string[] } | undefined;
    try {
      read = (parse(rest, { to: 1, info: true, relax_column_count: true }) as unknown as (typeof read & object)[])[0];
    } catch {
      read = undefined;
    }
    // The lines the record took, from the bytes it took (csv-parse's info.lines counts a CRLF
    // inside quotes as two lines).
    const span = read ? rest.subarray(0, read.info.bytes).toString().replace(/\r?\n$/, '').split(eol).length : 1;
    if (read && read.record.length === width) {
      outcomes.set(at + 1, read.record);
      tally.whole[span > 1 ? 1 : 0]! += 1;
      at += span;
      continue;
    }
    if (read && span > 1) tally.wrongWidth++;
    outcomes.set(at + 1, 'fail');
    at++;
  }
  return outcomes;
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

  it(`turns a cell into a number only when the number reaches the wire as written, else keeps the text (seed ${SEED})`, () => {
    const next = seeded(SEED);
    const cells = [...EDGE_NUMBERS, ...Array.from({ length: 3000 }, () => randomNumber(next))].filter((cell) => /^-?(0|[1-9]\d*)(\.\d+)?$/.test(cell));
    const wrong = cells.filter((cell) => {
      const value = cellValue('score', cell);
      if (typeof value === 'string') return value !== cell;
      return value !== Number(cell) || !oracle(cell).accepted;
    });
    expect(wrong).toEqual([]);
    expect(cells.filter((cell) => typeof cellValue('score', cell) === 'number').length).toBeGreaterThan(cells.length / 4);
    // The underflow: 0.000…1 became 0.
    const tiny = `0.${'0'.repeat(400)}1`;
    expect(cellValue('score', tiny)).toBe(tiny);
  });

  it('keeps a --string-columns column as text', () => {
    expect(cellValue('zip', '12345', new Set(['zip']))).toBe('12345');
  });
});

describe('readRecords', () => {
  it('reports an NDJSON line with invalid UTF-8 as unreadable instead of importing U+FFFD', async () => {
    const input = Buffer.concat([Buffer.from('{"email":"a@example.com"}\n{"email":"b'), Buffer.from([0xc3, 0x28]), Buffer.from('@example.com"}\n{"name":"\u00e9\ufffd"}\n')]);
    expect(await records(input, 'ndjson')).toEqual([
      { line: 1, profile: { email: 'a@example.com' } },
      { line: 2, error: expect.stringContaining('not valid UTF-8') },
      { line: 3, profile: { name: '\u00e9\ufffd' } },
    ]);
  });

  it('reads a line nested deeper than the stack without throwing', async () => {
    const deep = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    // A file stream's 64 KiB chunks: in two-byte ones this 400 KB line took 32 s on Node 20 and
    // over 80 s on Node 24, all of it stream overhead (the parse itself takes 0.3 s).
    const out = await records(`${deep}\n{"b":1}\n`, 'ndjson', undefined, 65_536);
    expect(out.map((r) => r.line)).toEqual([1, 2]);
  });

  it('strips a UTF-8 BOM at the start of NDJSON', async () => {
    expect(await records('\ufeff{"a":1}\n{"a":2}\n', 'ndjson')).toEqual([
      { line: 1, profile: { a: 1 } },
      { line: 2, profile: { a: 2 } },
    ]);
  });

  it('refuses an NDJSON line with an integer beyond 2^53 rather than round it', async () => {
    const out = await records('{"id":12345678901234567890123}\n{"id":-9007199254740993}\n{"id":9007199254740991,"s":"12345678901234567890123","f":1234567890123456.5}\n', 'ndjson');
    expect(out).toEqual([
      { line: 1, error: 'the number 12345678901234567890123 at /id is beyond 2^53 and would be sent as 1.2345678901234568e+22: write it as a string ("12345678901234567890123")', pointer: '/id' },
      { line: 2, error: expect.stringContaining('-9007199254740993 at /id'), pointer: '/id' },
      { line: 3, profile: { id: 9007199254740991, s: '12345678901234567890123', f: 1234567890123456.5 } },
    ]);
  });

  it('refuses a number that would not reach the wire as written, in any spelling, with its pointer (issue: 1e400 sent as null)', async () => {
    const lines = [
      '{"email":"c@example.com","n":1e400}',
      '{"email":"c@example.com","n":-1e400}',
      '{"email":"c@example.com","deep":{"list":[1,{"x":1e999}]}}',
      '{"email":"c@example.com","n":9007199254740993.0}',
      '{"email":"c@example.com","n":9007199254740993e0}',
      '{"email":"c@example.com","n":1e-400}',
      '{"email":"c@example.com","n":1.0,"m":0.1,"z":-0,"big":1e300}',
    ];
    expect(await records(lines.join('\n') + '\n', 'ndjson')).toEqual([
      { line: 1, error: 'the number 1e400 at /n is beyond the range of a double (±1.8e308) and would be sent as null: write it as a string ("1e400")', pointer: '/n' },
      { line: 2, error: expect.stringContaining('-1e400 at /n is beyond the range of a double'), pointer: '/n' },
      { line: 3, error: expect.stringContaining('1e999 at /deep/list/1/x'), pointer: '/deep/list/1/x' },
      { line: 4, error: expect.stringContaining('9007199254740993.0 at /n is beyond 2^53 and would be sent as 9007199254740992'), pointer: '/n' },
      { line: 5, error: expect.stringContaining('9007199254740993e0 at /n is beyond 2^53'), pointer: '/n' },
      { line: 6, error: expect.stringContaining('1e-400 at /n is too small for a double'), pointer: '/n' },
      { line: 7, profile: { email: 'c@example.com', n: 1, m: 0.1, z: -0, big: 1e300 } },
    ]);
  });

  it(`sends every accepted number as the oracle allows, on the fast path and the parse path alike; refuses the others (seed ${SEED})`, async () => {
    const next = seeded(SEED);
    const tokens = [...EDGE_NUMBERS, ...Array.from({ length: 1500 }, () => randomNumber(next))];
    // Each token in a canonical line (its text may be sent as it is) and in a spaced one (always re-encoded).
    const texts = tokens.flatMap((token) => [`{"email":"a@example.com","n":${token}}`, `{ "email": "a@example.com", "deep": [{"n": ${token}}] }`]);
    const out = await records(texts.join('\n') + '\n', 'ndjson', undefined, 65_536);
    const byLine = new Map(out.map((r) => [r.line, r]));
    const encoder = createBatchEncoder('json', {});
    const wrong: string[] = [];
    texts.forEach((text, i) => {
      const token = tokens[i >> 1]!;
      const { sent, accepted } = oracle(token);
      const record = byLine.get(i + 1)!;
      if (!accepted) {
        if (!('error' in record) || record.pointer !== (i % 2 === 0 ? '/n' : '/deep/0/n')) wrong.push(`${token}: not refused`);
        return;
      }
      if (!('profile' in record)) return wrong.push(`${token}: refused (${record.error})`);
      // What the reading thread sends: the line itself when it is canonical, else the encoder's item.
      const wire = isCanonicalJson(text, countKeys(record.profile)) ? `{"data":${text}}` : encoder.item(record.profile);
      if (!new RegExp(`"n": ?${sent.replace(/[.+]/g, '\\$&')}[,}]`).test(wire)) wrong.push(`${token}: sent ${wire}, not ${sent}`);
    });
    expect(wrong).toEqual([]);
  });

  it('reads a line with one huge number, or very many, in time linear in its length (1, 4, 10 MB)', async () => {
    const shapes: Record<string, (bytes: number) => string> = {
      overflow: (n) => `{"n":1${'0'.repeat(n)}}`,
      underflow: (n) => `{"n":0.${'0'.repeat(n)}1}`,
      'exact after its exponent': (n) => `{"n":9${'0'.repeat(n)}e-${n - 20}}`,
      'many numbers': (n) => `{"n":[${'1e20,'.repeat(n / 5)}0,1e-400]}`,
    };
    for (const [name, shape] of Object.entries(shapes)) {
      await expectLinear(name, async (mb) => {
        const line = `${shape(mb << 20)}\n`;
        let best = Infinity;
        for (let round = 0; round < 3; round++) {
          const start = performance.now();
          const out = await records(line, 'ndjson', undefined, 65_536);
          best = Math.min(best, performance.now() - start);
          expect(out, name).toHaveLength(1);
        }
        return best;
      });
    }
  }, 240_000);

  it('reads CSV rows with their line numbers, and reports rows of the wrong width and stray quotes', async () => {
    const csv = 'email,score\na@example.com,1\nb@example.com\nc@x"y,3\nd@example.com,4\n"e"@example.com,5\nf@example.com,6\n';
    const byLine = new Map((await records(csv, 'csv')).map((r) => [r.line, r]));
    expect(byLine.get(2)).toEqual({ line: 2, profile: { email: 'a@example.com', score: 1 } });
    expect(byLine.get(3)).toMatchObject({ error: expect.stringContaining('1 fields where the header has 2') });
    expect(byLine.get(4)).toMatchObject({ error: expect.stringContaining('malformed CSV: a quote inside an unquoted field on line 4') });
    expect(byLine.get(5)).toEqual({ line: 5, profile: { email: 'd@example.com', score: 4 } });
    expect(byLine.get(6)).toMatchObject({ error: expect.stringContaining('malformed CSV: text after a closing quote on line 6') });
    expect(byLine.get(7)).toEqual({ line: 7, profile: { email: 'f@example.com', score: 6 } });
    expect(byLine.size).toBe(6);
  });

  it('fails an unclosed quote on its own line once, and reads the lines after it as records', async () => {
    const out = await records('email,score\na@example.com,1\n"b@example.com,2\nc@example.com,3\nd@example.com,4\n', 'csv');
    expect(out).toEqual([
      { line: 2, profile: { email: 'a@example.com', score: 1 } },
      { line: 3, error: 'malformed CSV: the quoted field opened on line 3 is never closed' },
      { line: 4, profile: { email: 'c@example.com', score: 3 } },
      { line: 5, profile: { email: 'd@example.com', score: 4 } },
    ]);
  });

  it('a quote that closes on a later line into a malformed record fails its first line alone; the next line is read again (issue: row c disappeared)', async () => {
    const csv = 'email,_fname\na@example.com,Ann\nb@example.com,"Bob\nc@example.com,"Cy, Jr."\nd@example.com,Dee\ne@example.com,Eve\n';
    expect(await records(csv, 'csv')).toEqual([
      { line: 2, profile: { email: 'a@example.com', _fname: 'Ann' } },
      { line: 3, error: 'malformed CSV: the quoted field opened on line 3 closes on line 4 into a malformed record (text after a closing quote on line 4)' },
      { line: 4, profile: { email: 'c@example.com', _fname: 'Cy, Jr.' } },
      { line: 5, profile: { email: 'd@example.com', _fname: 'Dee' } },
      { line: 6, profile: { email: 'e@example.com', _fname: 'Eve' } },
    ]);
  });

  it('a quote that closes on a later line into a record of the wrong width fails its first line alone; the lines after it are read again (review: row ann vanished)', async () => {
    const csv = ['email,name', '"x@y.z', ',"a', 'ann@example.com,Ann', 'bob@example.com",Bob', 'carl@example.com,Carl', ''].join('\n');
    expect(await records(csv, 'csv')).toEqual([
      { line: 2, error: 'malformed CSV: the quoted field opened on line 2 closes on line 3 into a malformed record (text after a closing quote on line 3)' },
      { line: 3, error: 'malformed CSV: the quoted field opened on line 3 closes on line 5 into a record of 3 fields where the header has 2' },
      { line: 4, profile: { email: 'ann@example.com', name: 'Ann' } },
      { line: 5, error: expect.stringContaining('a quote inside an unquoted field on line 5') },
      { line: 6, profile: { email: 'carl@example.com', name: 'Carl' } },
    ]);
  });

  it('a chain of lines that each close the quote above into the wrong width fails each line once; with the right width they pair into whole records', async () => {
    const chain = 'a,",b\n'.repeat(5);
    const failed = await records(`email,note\n${chain}c@example.com,C\n`, 'csv');
    expect(failed.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(failed.slice(0, 4)).toEqual([2, 3, 4, 5].map((line) => ({ line, error: `malformed CSV: the quoted field opened on line ${line} closes on line ${line + 1} into a record of 3 fields where the header has 2` })));
    expect(failed.slice(4)).toEqual([
      { line: 6, error: 'malformed CSV: the quoted field opened on line 6 is never closed' },
      { line: 7, profile: { email: 'c@example.com', note: 'C' } },
    ]);
    expect(await records(`email,note,x\n${chain}`, 'csv')).toEqual([
      { line: 2, profile: { email: 'a', note: ',b\na,', x: 'b' } },
      { line: 4, profile: { email: 'a', note: ',b\na,', x: 'b' } },
      { line: 6, error: 'malformed CSV: the quoted field opened on line 6 is never closed' },
    ]);
  });

  it('a record over several lines with invalid UTF-8 fails its first line alone, and the bad line says so on its own', async () => {
    const csv = Buffer.concat([Buffer.from('email,note\na@example.com,"one\nt'), Buffer.from([0xff]), Buffer.from('wo\nthree"\nc@example.com,Cy\n')]);
    expect(await records(csv, 'csv')).toEqual([
      { line: 2, error: 'malformed CSV: the quoted field opened on line 2 closes on line 4 into a record that is not valid UTF-8' },
      { line: 3, error: expect.stringContaining('not valid UTF-8') },
      { line: 4, error: expect.stringContaining('a quote inside an unquoted field on line 4') },
      { line: 5, profile: { email: 'c@example.com', note: 'Cy' } },
    ]);
  });

  it(`accounts for every line of CSV files with random quoting defects once, as a reference reading of the rule with csv-parse does, values included (seed ${SEED})`, async () => {
    const next = seeded(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
    const word = () => pick(['x', 'ab', 'Jr.', 'a b', 'Ж', '1']);
    const field = (eol: string): string =>
      pick([
        () => word(),
        () => '',
        () => `"${word()},${word()}"`,
        () => `"${word()}""${word()}"`,
        () => `"${word()}${eol}${word()}"`,
        () => `"${word()}${eol}${eol}${word()},"`,
        // The defects: a quote never closed here, a stray quote, text after a closing quote, and
        // a quote ending a field (stray when read alone, a closing one inside an open quote).
        () => `"${word()}`,
        () => `${word()}"${word()}`,
        () => `"${word()}"${word()}`,
        () => `${word()}"`,
      ])();
    // Lines with an odd number of quotes: each closes a quote left open above it into a record of
    // the right width, the wrong one or a malformed one, and may open another when read alone.
    const oddLine = (): string =>
      pick([
        () => `"${word()}@y.z`,
        () => `,"${word()}`,
        () => `${word()},",${word()}`,
        () => `${word()}@example.com",${word()}`,
        () => `${word()}",${word()},${word()}`,
        () => `${word()}"`,
        () => `"`,
        () => `${word()}",,"${word()}"`,
      ])();
    const tally = { whole: [0, 0], wrongWidth: 0 };
    for (let file = 0; file < 80; file++) {
      const eol = pick(['\n', '\r\n']);
      const columns = ['email', 'a', 'b'];
      const rows: string[] = [];
      for (let i = 0; rows.length < 40; i++) {
        // Chains of odd lines: a restart can itself open a record over several lines that fails.
        if (next() < 0.25) rows.push(...Array.from({ length: 1 + Math.floor(next() * 4) }, oddLine));
        else rows.push([`r${i}@example.com`, ...Array.from({ length: pick([1, 2, 2, 2, 3]) }, () => field(eol))].join(','));
      }
      const text = [columns.join(','), ...rows].join(eol) + (next() < 0.8 ? eol : '');
      const expected = readByTheRule(text, eol, columns.length, tally);
      const got = new Map<number, string[] | 'fail'>();
      for await (const record of readRecords(Readable.from(chunked(text, 7)), 'csv', { stringColumns: new Set(columns) })) {
        expect(got.has(record.line), `file ${file}: line ${record.line} twice`).toBe(false);
        got.set(record.line, 'error' in record ? 'fail' : columns.map((column) => (record.profile[column] as string | undefined) ?? ''));
      }
      expect([...got.entries()], `file ${file}:\n${text}`).toEqual([...expected.entries()]);
    }
    // Whole records on one line and over several, and records over several lines that fail
    // (their later lines read again): each kind well represented.
    expect(Math.min(...tally.whole), `whole records on one line, over several: ${tally.whole.join(', ')}`).toBeGreaterThan(50);
    expect(tally.wrongWidth, 'records over several lines csv-parse reads, of the wrong width').toBeGreaterThan(100);
  });

  it('reads the lines after a record over several lines that fails, and chains of them, in time linear in their size (1, 4, 10 MB)', async () => {
    const row = 'b@example.com,plain\n';
    // A line that closes the quote the line above opened and opens another one: with two
    // columns every record it closes has three fields and fails, so every line is read again.
    const chain = 'a@example.com,",b\n';
    const shapes: Record<string, { line: string; text: (rows: number) => string; count: (rows: number) => number }> = {
      'never closed': { line: row, text: (rows) => `email,note\na@example.com,"open\n${row.repeat(rows)}`, count: (rows) => rows + 1 },
      'closed into a malformed record': { line: row, text: (rows) => `email,note\na@example.com,"open\n${row.repeat(rows)}z",w"v\n`, count: (rows) => rows + 2 },
      'a chain of lines closed into the wrong width': { line: chain, text: (rows) => `email,note\n${chain.repeat(rows)}`, count: (rows) => rows },
      'a chain of lines closed into whole records': { line: chain, text: (rows) => `email,note,x\n${chain.repeat(rows)}`, count: (rows) => Math.ceil(rows / 2) },
    };
    for (const [name, shape] of Object.entries(shapes)) {
      await expectLinear(name, async (mb) => {
        const rows = Math.floor((mb << 20) / shape.line.length);
        const text = shape.text(rows);
        let best = Infinity;
        for (let round = 0; round < 3; round++) {
          const start = performance.now();
          let count = 0;
          for await (const _ of readRecords(Readable.from(chunked(text, 65_536)), 'csv')) count++;
          best = Math.min(best, performance.now() - start);
          expect(count, name).toBe(shape.count(rows));
        }
        return best;
      });
    }
  }, 480_000);

  it('a quote still open past 10 MiB fails its first line alone, and the rows it held are read again', async () => {
    const row = 'b@example.com,plain\n';
    const rows = Math.ceil((10 << 20) / row.length) + 1;
    const out = await records(`email,note\na@example.com,"open\n${row.repeat(rows)}"\n`, 'csv', undefined, 65_536);
    expect(out[0]).toEqual({ line: 2, error: 'malformed CSV: the quoted field opened on line 2 runs past 10485760 bytes' });
    expect(out.slice(1, -1).every((r) => 'profile' in r)).toBe(true);
    expect(out.map((r) => r.line)).toEqual(Array.from({ length: rows + 2 }, (_, i) => i + 2));
  }, 60_000);

  it('skipping the unclosed line (a resume) reads the same records after it', async () => {
    const out = await records('email,score\n"b@example.com,2\nc@example.com,3\n', 'csv', (line) => line === 2);
    expect(out).toEqual([{ line: 3, profile: { email: 'c@example.com', score: 3 } }]);
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
  ])('numbers records by the line they start on after quoted line breaks (%s)', async (_, eol) => {
    const csv = ['email,note', 'a@example.com,"one', 'two', 'three"', 'b@example.com,plain', '', 'c@example.com,"x""y', '"', 'd@example.com,end'].join(eol) + eol;
    expect(await records(csv, 'csv')).toEqual([
      { line: 2, profile: { email: 'a@example.com', note: `one${eol}two${eol}three` } },
      { line: 5, profile: { email: 'b@example.com', note: 'plain' } },
      { line: 7, profile: { email: 'c@example.com', note: `x"y${eol}` } },
      { line: 9, profile: { email: 'd@example.com', note: 'end' } },
    ]);
  });

  it('reports a CSV record with invalid UTF-8 as unreadable, and strips a BOM', async () => {
    const csv = Buffer.concat([Buffer.from('\ufeffemail,name\na@example.com,Ann\nb@example.com,B'), Buffer.from([0xff, 0xfe]), Buffer.from('\nc@example.com,Cy\n')]);
    expect(await records(csv, 'csv')).toEqual([
      { line: 2, profile: { email: 'a@example.com', name: 'Ann' } },
      { line: 3, error: expect.stringContaining('not valid UTF-8') },
      { line: 4, profile: { email: 'c@example.com', name: 'Cy' } },
    ]);
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
