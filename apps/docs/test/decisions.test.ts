import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decisionsAsSections } from '../src/decisions.js';

describe('decisionsAsSections', () => {
  it('turns each row into a section, each cell under its column name', () => {
    const markdown = ['# Decisions', '', 'Intro.', '', '| # | Topic | Docs | Choice |', '|---|---|---|---|', '| 1 | `format` | a \\| b | json |', '| 2 | Limits | 10MB | 10 MiB |', '', 'Outro.'].join('\n');
    expect(decisionsAsSections(markdown)).toBe(
      ['# Decisions', '', 'Intro.', '', '### 1. format', '', '**Docs.** a | b', '', '**Choice.** json', '', '### 2. Limits', '', '**Docs.** 10MB', '', '**Choice.** 10 MiB', '', 'Outro.'].join('\n'),
    );
  });

  it('keeps every cell of spec/DECISIONS.md', () => {
    const markdown = readFileSync(new URL('../../../spec/DECISIONS.md', import.meta.url), 'utf8');
    const rows = markdown.split('\n').filter((line) => /^\| \d+ \|/.test(line));
    const sections = decisionsAsSections(markdown);
    expect(sections.match(/^### \d+\. /gm)).toHaveLength(rows.length);
    for (const row of rows) {
      for (const cell of row.split(' | ').slice(2)) expect(sections).toContain(cell.replace(/ \|$/, ''));
    }
  });
});
