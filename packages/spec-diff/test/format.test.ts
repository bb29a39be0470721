import { describe, expect, it } from 'vitest';
import type { DiffReport, ReportedChange } from '../src/change.js';
import { FIRST_FEW, formatText } from '../src/format.js';

const change = (rule: string, n: number, severity: ReportedChange['severity'] = 'non-breaking'): ReportedChange => ({
  severity,
  rule,
  pointer: `/components/schemas/S${n}/maxLength`,
  where: ['POST /a request application/json', 'POST /a request application/xml'],
  message: `maxLength ${n} → ${n + 1}`,
  source: 'altcraft',
});

const report: DiffReport = {
  breaking: true,
  changes: [
    ...Array.from({ length: 5 }, (_, n) => change('constraint-loosened', n)),
    change('field-deprecated', 9),
    change('constraint-tightened', 7, 'breaking'),
  ],
};

describe('formatText', () => {
  it('puts breaking changes first, in full, then counts per kind with the first few', () => {
    const text = formatText(report, 'base', 'head', { compared: 'the working tree (spec/) against the last commit (abcdef0)' });
    const lines = text.split('\n');
    expect(lines.slice(0, 2)).toEqual(['the working tree (spec/) against the last commit (abcdef0)', '1 breaking, 6 non-breaking change(s)']);
    expect(text.indexOf('BREAKING  maxLength 7 → 8')).toBeLessThan(text.indexOf('constraint-loosened: 5'));
    expect(text).toContain('in POST /a request application/json (and 1 more; --all-places lists them)');
    // The largest kind first.
    expect(text.indexOf('constraint-loosened: 5')).toBeLessThan(text.indexOf('field-deprecated: 1'));
    expect(lines.filter((line) => /^ {2}maxLength \d → \d$/.test(line))).toHaveLength(FIRST_FEW);
    expect(text).toContain(`  and ${5 - FIRST_FEW} more (--all-places lists them, with every place)`);
  });

  it('lists every change and every place with allPlaces', () => {
    const text = formatText(report, 'base', 'head', { allPlaces: true });
    expect(text.split('\n')[0]).toBe('base → head');
    expect(text.match(/^ok {8}maxLength \d → \d {2}\[constraint-loosened\]$/gm)).toHaveLength(5);
    expect(text.match(/^ {10}in POST \/a request application\/xml$/gm)).toHaveLength(7);
    expect(text).not.toContain('more');
  });
});
