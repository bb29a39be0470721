// Unwrapping changes where lines break, never what Markdown renders: checked against marked (an
// independent renderer) on every description of the contract and on hostile cases.
import { document } from '@altcraft-api/contract';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { unwrapDescriptions, unwrapSoftBreaks } from '../src/markdown.js';

/** HTML with runs of whitespace as one space: a soft line break renders as whitespace. */
const rendered = (markdown: string) => (marked.parse(markdown, { async: false }) as string).replace(/\s+/g, ' ').trim();
const codeBlocks = (markdown: string) => (marked.parse(markdown, { async: false }) as string).match(/<pre>[\s\S]*?<\/pre>/g) ?? [];

function descriptions(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((item) => descriptions(item, found));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'description' && typeof value === 'string') found.push(value);
      else descriptions(value, found);
    }
  }
  return found;
}

const HOSTILE = [
  'the\nbackground',
  'scenario\n`workflow_id`, waiting',
  'a hard break  \nstays\\\nhere',
  '- one\n  continued\n- two\n\n1. first\n   still first\n2) second',
  '# Heading\nnext paragraph\n\n| a | b |\n|---|---|\n| 1 | 2 |',
  '```json\n{\n  "a": 1\n}\n```\nafter the fence\njoined',
  'text\n\n    indented code\n    second code line\n\nprose\nagain',
  '> quoted\n> more\n\n<div>\nhtml\n</div>',
  '~~~\nx\n~~~',
  '',
];

describe('unwrapSoftBreaks', () => {
  it('puts a wrapped paragraph on one line', () => {
    expect(unwrapSoftBreaks('processed in the\nbackground: the answer')).toBe('processed in the background: the answer');
    expect(unwrapSoftBreaks('the automation scenario\n`workflow_id`, waiting')).toBe('the automation scenario `workflow_id`, waiting');
  });

  it.each(HOSTILE)('renders %j as marked does before', (markdown) => {
    expect(rendered(unwrapSoftBreaks(markdown))).toBe(rendered(markdown));
    expect(codeBlocks(unwrapSoftBreaks(markdown))).toEqual(codeBlocks(markdown));
  });

  it("renders every description of the contract as before, and leaves no paragraph wrapped", () => {
    const all = descriptions(document);
    expect(all.length).toBeGreaterThan(50);
    const unwrapped = structuredClone(document);
    unwrapDescriptions(unwrapped);
    const after = descriptions(unwrapped);
    all.forEach((markdown, at) => {
      expect(rendered(after[at]!)).toBe(rendered(markdown));
      expect(codeBlocks(after[at]!)).toEqual(codeBlocks(markdown));
    });
    // A paragraph line followed by a plain prose line is a soft break left behind.
    const wrapped = after.flatMap((text) => [...text.matchAll(/[a-z,`]\n[a-z`]/g)].map((match) => match[0]));
    expect(wrapped).toEqual([]);
  });

  it('leaves example values alone', () => {
    const node = { description: 'a\nb', example: { description: 'keep\nme' }, examples: { x: { value: { description: 'keep\nme' } } } };
    unwrapDescriptions(node);
    expect(node).toEqual({ description: 'a b', example: { description: 'keep\nme' }, examples: { x: { value: { description: 'keep\nme' } } } });
  });
});
