import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { document, resolveSchemaRef } from '../src/document.js';
import { listExamples, type ContractExample } from '../src/examples.js';
import { operations } from '../src/operations.js';
import { requestXmlOf, responseXml } from '../src/xml.js';
import { validateRequest, validateResponse, validateTaskStatusRequest } from '../src/validate.js';

const examples = listExamples();
const specDir = fileURLToPath(new URL('../../../spec/', import.meta.url));

const label = (e: ContractExample) => `${e.operationId} ${e.part} ${e.mediaType} ${e.name}`;
const codecOf = (e: ContractExample) => (e.part === 'request' ? requestXmlOf(e.operationId) : responseXml(e.operationId, Number(e.part)));
const validateRequestOf = (e: ContractExample) => (e.operationId === 'getTaskStatus' ? validateTaskStatusRequest : validateRequest);
const jsonTwinOf = (e: ContractExample) =>
  examples.find((t) => t.operationId === e.operationId && t.part === e.part && t.name === e.name && t.mediaType === 'application/json')!;
const modelOf = (e: ContractExample) => (e.mediaType === 'application/xml' ? codecOf(e).decode(e.value as string) : e.value);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const PAGE_PARAMETERS = [
  'token', 'format', 'workflow_id', 'matching', 'profile_id', 'email', 'phone', 'field_name', 'field_value',
  'data', 'skip_triggers', 'skip_invalid_subscriptions', 'detect_geo', 'content', 'attach', 'custom_request',
];
// Documented on sibling pages (the trigger batch and single-profile pages), not on this one.
const SIBLING_PARAMETERS = ['resource_id', 'custom_data'];

describe('the bundled contract', () => {
  it('has its three operations, each taking and answering JSON and XML', () => {
    expect(Object.keys(operations).sort()).toEqual(['getTaskStatus', 'importAndStartBatch', 'importAndStartBatchTask']);
    for (const { path } of Object.values(operations)) {
      const operation = document.paths[path]!.post as { requestBody: { $ref: string }; responses: Record<string, { $ref: string }> };
      const body = document.components.requestBodies as Record<string, { content: object }>;
      expect(Object.keys(body[operation.requestBody.$ref.split('/').pop()!]!.content)).toEqual(['application/json', 'application/xml']);
      expect(Object.keys(operation.responses)).toEqual(['200', '400', '401', '402', '403', '429', '500']);
    }
  });

  it('declares all 16 request parameters of the vendor page, and the two of its sibling pages', () => {
    const variants = (document.components.schemas.ImportAndStartBatchRequest as { anyOf: { $ref: string }[] }).anyOf;
    const declared = new Set(
      [...variants.map((v) => v.$ref), '#/components/schemas/BatchRequestCommon'].flatMap((ref) =>
        Object.keys((resolveSchemaRef(ref) as { properties: object }).properties),
      ),
    );
    expect([...declared].sort()).toEqual([...PAGE_PARAMETERS, ...SIBLING_PARAMETERS].sort());
  });

  it("names, in each variant's unknown-field advice, exactly the fields that variant declares", () => {
    type Variant = { properties: Record<string, unknown>; 'x-altcraft-advice': { schema?: { propertyNames?: { enum: string[] } } }[] };
    const common = Object.keys((resolveSchemaRef('#/components/schemas/BatchRequestCommon') as Variant).properties);
    for (const { $ref } of (document.components.schemas.ImportAndStartBatchRequest as { anyOf: { $ref: string }[] }).anyOf) {
      const variant = resolveSchemaRef($ref) as Variant;
      const own = Object.entries(variant.properties).filter(([, schema]) => schema !== false).map(([name]) => name);
      const advised = variant['x-altcraft-advice'].find((entry) => entry.schema?.propertyNames)?.schema?.propertyNames?.enum;
      expect([...(advised ?? [])].sort(), $ref).toEqual([...new Set([...common, ...own])].sort());
    }
  });

  it('holds the vendor page examples for both encodings', () => {
    const names = (part: string, mediaType: string) =>
      examples.filter((e) => e.operationId === 'importAndStartBatch' && e.part === part && e.mediaType === mediaType).map((e) => e.name);
    for (const mediaType of ['application/json', 'application/xml']) {
      expect(names('request', mediaType)).toEqual(expect.arrayContaining(['matchingEmail', 'matchingEmailSeedXml', 'matchingCustom', 'matchingCustomSeedXml']));
      expect(names('200', mediaType)).toEqual(expect.arrayContaining(['success', 'successSeedXml']));
      expect(names('400', mediaType)).toContain('bodyTooLarge');
    }
  });

  it('holds the status page examples for both encodings (the request, and both versions of the answer)', () => {
    const named = (part: string, mediaType: string) =>
      examples.filter((e) => e.operationId === 'getTaskStatus' && e.part === part && e.mediaType === mediaType);
    for (const mediaType of ['application/json', 'application/xml']) {
      expect(named('request', mediaType).map((e) => e.name)).toEqual(['taskStatus']);
      expect(named('200', mediaType).map((e) => e.name)).toEqual(expect.arrayContaining(['exportCompleted', 'exportSuccess', 'importCompleted']));
    }
    const statuses = named('200', 'application/json').map((e) => (e.value as { data: { status: string } }).data.status);
    expect(statuses).toEqual(expect.arrayContaining(['completed', 'success']));
  });

  it('references every file under spec/examples from the spec, and no missing one', () => {
    const referenced = listFiles(specDir)
      .filter((file) => file.endsWith('.yaml'))
      .flatMap((file) =>
        [...readFileSync(file, 'utf8').matchAll(/externalValue:\s*(\S+)/g)].map((match) => resolve(dirname(file), match[1]!)),
      );
    expect(new Set(referenced)).toEqual(new Set(listFiles(join(specDir, 'examples'))));
  });
});

describe.each(examples.map((e) => [label(e), e] as const))('example %s', (_label, example) => {
  it('is valid against its schema', () => {
    const model = modelOf(example);
    const result = example.part === 'request' ? validateRequestOf(example)(model) : validateResponse(example.operationId, Number(example.part), model);
    expect(result.violations).toEqual([]);
    // The contract's own examples show what we recommend, too.
    expect(result.warnings).toEqual([]);
  });

  if (example.mediaType === 'application/xml') {
    it('decodes to exactly its JSON twin', () => {
      expect(modelOf(example)).toStrictEqual(jsonTwinOf(example).value);
    });

    it('re-encodes to XML that decodes to the same object', () => {
      const codec = codecOf(example);
      const model = codec.decode(example.value as string);
      expect(codec.decode(codec.encode(model))).toStrictEqual(model);
    });
  }
});
