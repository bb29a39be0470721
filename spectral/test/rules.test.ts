import * as fs from 'node:fs';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, Spectral } from '@stoplight/spectral-core';
import * as Parsers from '@stoplight/spectral-parsers';
import { bundleAndLoadRuleset } from '@stoplight/spectral-ruleset-bundler/with-loader';
import { fetch } from '@stoplight/spectral-runtime';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rulesDir = join(root, 'rules');
const ruleNames = readdirSync(rulesDir).sort();

let spectral: Spectral;
beforeAll(async () => {
  spectral = new Spectral();
  spectral.setRuleset(await bundleAndLoadRuleset(join(root, 'ruleset.yaml'), { fs, fetch }));
});

async function problemsOf(rule: string, fixture: string) {
  const path = join(rulesDir, rule, fixture);
  const document = new Document(readFileSync(path, 'utf8'), Parsers.Yaml, path);
  const results = await spectral.run(document);
  return results.filter((result) => result.code === rule).map((result) => result.message);
}

it('every rule of the ruleset has a folder with README and fixtures, and no folder is orphaned', () => {
  expect(Object.keys(spectral.ruleset!.rules).sort()).toEqual(ruleNames);
  for (const rule of ruleNames) {
    expect(readdirSync(join(rulesDir, rule)).sort()).toEqual(['README.md', 'expected.json', 'fail.yaml', 'pass.yaml']);
  }
});

describe.each(ruleNames)('%s', (rule) => {
  it('passes its passing fixture', async () => {
    expect(await problemsOf(rule, 'pass.yaml')).toEqual([]);
  });

  it('reports exactly the expected problems in its failing fixture', async () => {
    const expected: string[] = JSON.parse(readFileSync(join(rulesDir, rule, 'expected.json'), 'utf8'));
    const messages = await problemsOf(rule, 'fail.yaml');
    expect(messages).toHaveLength(expected.length);
    for (const fragment of expected) {
      expect(messages.some((message) => message.includes(fragment)), `"${fragment}" in ${JSON.stringify(messages)}`).toBe(true);
    }
  });
});
