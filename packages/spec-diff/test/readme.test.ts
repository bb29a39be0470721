// The README's contract-change steps show what `pnpm spec:diff` prints for a small edit: that
// sample is the formatter's output for the same edit, so it cannot drift from the command.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffContracts } from '../src/diff.js';
import { formatText } from '../src/format.js';
import { CURRENT_PATH, REPO_ROOT } from '../src/load.js';

/** The first ```text block after `marker`, without the list item's indentation. */
function sampleAfter(file: string, marker: string): string {
  const text = readFileSync(join(REPO_ROOT, file), 'utf8');
  const from = text.indexOf(marker);
  expect(from, `${file} has no "${marker}"`).toBeGreaterThan(-1);
  const block = /```text\n([\s\S]*?)\n\s*```/.exec(text.slice(from))![1]!;
  const indent = /^ */.exec(block)![0].length;
  return block.replace(new RegExp(`^ {${indent}}`, 'gm'), '');
}

describe('the README samples of spec:diff', () => {
  it.each([
    ['README.md', 'Marking `skip_triggers` deprecated'],
    ['packages/spec-diff/README.md', 'The first line says what was compared'],
  ])('%s prints what the formatter prints for that edit', (file, marker) => {
    const sample = sampleAfter(file, marker);
    const base = JSON.parse(readFileSync(CURRENT_PATH, 'utf8'));
    const head = structuredClone(base);
    const common = head.components.schemas.BatchRequestCommon.properties;
    common.attach.minItems = 0;
    common.skip_triggers.deprecated = true;
    const [compared] = sample.split('\n');
    expect(formatText(diffContracts(base, head), 'base', 'head', { compared })).toBe(sample);
  });
});
