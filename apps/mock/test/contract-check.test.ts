import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as contract from '@altcraft-api/contract';
import { afterAll, describe, expect, it } from 'vitest';
import { exerciseContract } from '../src/contract-check.js';

const contractDir = fileURLToPath(new URL('../../../packages/contract/', import.meta.url));
const copies: string[] = [];
afterAll(() => Promise.all(copies.map((dir) => rm(dir, { recursive: true, force: true }))));

type Document = { components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> } };

/** The contract package built from an edited bundle: a copy of its dist/, loaded on its own. */
async function contractWith(edit: (document: Document) => void): Promise<typeof contract> {
  const dir = await mkdtemp(join(tmpdir(), 'altcraft-contract-'));
  copies.push(dir);
  await cp(join(contractDir, 'dist'), join(dir, 'dist'), { recursive: true });
  await cp(join(contractDir, 'package.json'), join(dir, 'package.json'));
  await symlink(join(contractDir, 'node_modules'), join(dir, 'node_modules'));
  const file = join(dir, 'dist/openapi.json');
  const document = JSON.parse(await readFile(file, 'utf8')) as Document;
  edit(document);
  await writeFile(file, JSON.stringify(document));
  return import(pathToFileURL(join(dir, 'dist/index.js')).href);
}

const common = (document: Document) => document.components.schemas.BatchRequestCommon!.properties!;

describe('exerciseContract', () => {
  it('passes on the contract as built', () => {
    expect(() => exerciseContract(contract)).not.toThrow();
  });

  it('passes on an untouched copy (the copy itself is sound)', async () => {
    const copy = await contractWith(() => {});
    expect(() => exerciseContract(copy)).not.toThrow();
  });

  it.each([
    ['an unknown type (type: strng)', (d: Document) => (common(d).token!.type = 'strng'), /strng/],
    ['a pattern that is no regular expression', (d: Document) => (common(d).token!.pattern = '(['), /pattern|regular expression/i],
    ['a $ref to nowhere', (d: Document) => (common(d).token = { $ref: '#/components/schemas/Nowhere' }), /Nowhere|resolve/i],
    ['an unknown keyword (Ajv strict mode)', (d: Document) => (common(d).token!.maxLenght = 5), /maxLenght/],
  ])('refuses a contract that bundles but does not compile: %s, saying what', async (_, edit, reason) => {
    // Some breakages fail the contract's own loading already (as in dev-check.js, the import is checked too).
    await expect(contractWith(edit).then(exerciseContract)).rejects.toThrow(reason);
  });
});
