import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keyPaths, MAX_PATH_CHARS } from '../../src/report/bodies.js';
import { buildReport, renderText } from '../../src/report/report.js';
import { caseOf } from '../../src/record/case.js';
import { exchangeOf } from '../support/exchange.js';
import { tempDir } from '../support/contrarian.js';

/** An answer nesting `depth` levels of keys `length` characters long. */
function longKeys(depth: number, length: number): string {
  let answer = '0';
  for (let level = 0; level < depth; level++) answer = `{"${String.fromCharCode(97 + (level % 26)).repeat(length)}":${answer}}`;
  return answer;
}

describe('key paths of long keys (review4 #8)', () => {
  it('are at most MAX_PATH_CHARS long, and what lies under a clipped one shares it', () => {
    const paths = [...keyPaths(JSON.parse(longKeys(5, 600))).keys()];
    expect(paths).toHaveLength(2);
    expect(paths[0]).toBe(`/${'e'.repeat(600)}`);
    for (const path of paths) expect(path.length).toBeLessThanOrEqual(MAX_PATH_CHARS);
    expect(new Set(paths.slice(1))).toEqual(new Set([`/${'e'.repeat(600)}/${'d'.repeat(MAX_PATH_CHARS - 603)}…`]));
  });

  it('never make a report too long for a string, and the other cases are still reported', () => {
    const dir = tempDir('long-paths');
    const request = { token: 'x'.repeat(32), workflow_id: 1, format: 'json', data: [{ email: 'a@b.co' }] };
    const ordinary = caseOf(exchangeOf(request, { error: 0, error_text: 'Successful operation', data: { id: 1 } }, { status: 200, statusText: 'OK' }), 'placeholders');
    writeFileSync(join(dir, '0000000001-importAndStartBatch.json'), JSON.stringify(ordinary));
    // 250 levels of 20 KB keys: 5 MB of answer, 630 million characters of paths unclipped.
    const body = longKeys(250, 20_000);
    writeFileSync(join(dir, '0000000002-importAndStartBatch.json'), JSON.stringify({ ...ordinary, answer: { ...ordinary.answer, body, bytes: body.length } }));
    const text = renderText(buildReport(dir));
    expect(text.length).toBeLessThan(2_000_000);
    expect(text).toContain('0000000001-importAndStartBatch.json');
    expect(text).toContain('…');
  });
});
