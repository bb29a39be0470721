// The two-tier rule against the real contract: it holds today, and it notices when a
// constraint without a source creeps into a request schema, however deep. The spec is read
// from spec/ (its files joined by their relative $refs), so this test needs no build.
import * as fs from 'node:fs';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Document, Spectral } from '@stoplight/spectral-core';
import * as Parsers from '@stoplight/spectral-parsers';
import { bundleAndLoadRuleset } from '@stoplight/spectral-ruleset-bundler/with-loader';
import { fetch } from '@stoplight/spectral-runtime';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specRoot = join(root, '..', 'spec', 'openapi.yaml');
const RULE = 'altcraft-request-constraints-sourced';
const ANSWER_RULE = 'altcraft-answer-constraints-sourced';

let spectral: Spectral;
beforeAll(async () => {
  spectral = new Spectral();
  spectral.setRuleset(await bundleAndLoadRuleset(join(root, 'ruleset.yaml'), { fs, fetch }));
});

// As JSON text a component reached from several places is written out at each of them, and each
// copy is reported; the CLI, on the YAML files, reports it once, at its file.
async function problemsOf(document: unknown, rule = RULE): Promise<string[]> {
  const results = await spectral.run(new Document(JSON.stringify(document), Parsers.Json, 'openapi.json'));
  return [...new Set(results.filter((result) => result.code === rule).map((result) => result.message))];
}

type Schemas = Record<string, Record<string, unknown>>;

/** The spec as one object: every `$ref` to another file replaced by that file's content (one object per file). */
function load(): { components: { schemas: Schemas } } {
  const files = new Map<string, unknown>();
  const schemas: Schemas = {};
  const read = (path: string): unknown => {
    if (!files.has(path)) {
      const value = Parsers.parseYaml(readFileSync(path, 'utf8')).data;
      files.set(path, value);
      inline(value, dirname(path));
      if (path.includes('/components/schemas/')) schemas[path.slice(path.lastIndexOf('/') + 1, -'.yaml'.length)] = value as Schemas[string];
    }
    return files.get(path);
  };
  const inline = (node: unknown, dir: string): void => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const ref = (value as { $ref?: unknown } | null)?.$ref;
      if (typeof ref === 'string' && !ref.startsWith('#')) {
        // A sibling description beside the $ref stays the file's: the rule reads constraints only.
        (node as Record<string, unknown>)[key] = read(resolve(dir, ref));
      } else inline(value, dir);
    }
  };
  const document = read(specRoot) as { components: { schemas: Schemas } };
  document.components.schemas = schemas;
  return document;
}

describe(`${RULE} on the contract in spec/`, () => {
  it('finds every request constraint sourced or in advice', async () => {
    expect(await problemsOf(load())).toEqual([]);
  });

  it('reports an invented pattern on a deep profile field', async () => {
    const document = load();
    const tz = (document.components.schemas.ProfileData!.properties as Schemas)._tz!;
    tz.pattern = '^[A-Za-z_/]+$';
    delete tz['x-source'];
    expect(await problemsOf(document)).toEqual([expect.stringContaining('`type`, `pattern` with no source')]);
  });

  it('reports a closed request object without a source', async () => {
    const document = load();
    document.components.schemas.MatchByPhone!.unevaluatedProperties = false;
    delete document.components.schemas.MatchByPhone!['x-source'];
    expect(await problemsOf(document)).toEqual([expect.stringContaining('`unevaluatedProperties: false`')]);
  });

  it('leaves response schemas alone', async () => {
    const document = load();
    delete document.components.schemas.ErrorEnvelope!['x-source'];
    (document.components.schemas.ErrorEnvelope!.properties as Schemas).error_debug!.maxLength = 10;
    expect(await problemsOf(document)).toEqual([]);
  });
});

describe(`${ANSWER_RULE} on the contract in spec/`, () => {
  it('finds every answer constraint sourced or in advice', async () => {
    expect(await problemsOf(load(), ANSWER_RULE)).toEqual([]);
  });

  it('reports the maxItems that made the mock break its own answer schema at 10,001 profiles (issue 22)', async () => {
    const document = load();
    const result = (document.components.schemas.ImportAndStartBatchResult!.properties as Schemas).result!;
    result.maxItems = 10000;
    delete result['x-source'];
    expect(await problemsOf(document, ANSWER_RULE)).toEqual([expect.stringContaining('`type`, `maxItems` with no source')]);
  });

  it('reports a closed answer object without a source, however deep', async () => {
    const document = load();
    document.components.schemas.BatchResultItem!.additionalProperties = false;
    delete document.components.schemas.BatchResultItem!['x-source'];
    expect(await problemsOf(document, ANSWER_RULE)).toEqual([expect.stringContaining('"BatchResultItem" constrains `type`, `additionalProperties: false` with no source')]);
  });

  it('reports a length on the error envelope\'s error_debug', async () => {
    const document = load();
    (document.components.schemas.ErrorEnvelope!.properties as Schemas).error_debug!.maxLength = 65536;
    delete (document.components.schemas.ErrorEnvelope!.properties as Schemas).error_debug!['x-source'];
    expect(await problemsOf(document, ANSWER_RULE)).toEqual([expect.stringContaining('`type`, `maxLength` with no source')]);
  });
});
