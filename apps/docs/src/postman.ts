import { createHash } from 'node:crypto';
import type { OpenApiDocument, OperationId } from '@altcraft-api/contract';
import { convertV2 } from 'openapi-to-postmanv2';
import { sampleExamples } from './code-samples.js';

/** The parts of a Postman v2.1 collection this module reads or writes. */
export interface PostmanRequest {
  method: string;
  header: { key: string; value: string }[];
  url: { host: string[]; path: string[] } & Record<string, unknown>;
  body?: { mode: string; raw?: string; options?: { raw?: { language?: string } } };
}

export interface PostmanItem {
  name: string;
  request?: PostmanRequest;
  item?: PostmanItem[];
  [key: string]: unknown;
}

export interface PostmanCollection {
  info: { _postman_id: string; name: string; schema: string } & Record<string, unknown>;
  item: PostmanItem[];
  variable: { key: string; value: string }[];
}

function convert(document: OpenApiDocument): Promise<PostmanCollection> {
  return new Promise((resolve, reject) => {
    convertV2(
      { type: 'json', data: structuredClone(document) },
      { folderStrategy: 'Tags', parametersResolution: 'Example', requestNameSource: 'Fallback' },
      (error, result) => {
        if (error) return reject(new Error(`openapi-to-postmanv2: ${error.message}`));
        const collection = result?.output?.[0]?.data as PostmanCollection | undefined;
        if (!result?.result || !collection) return reject(new Error(`openapi-to-postmanv2 failed: ${result?.reason ?? 'no collection'}`));
        resolve(collection);
      },
    );
  });
}

/** Postman's converter writes JSON requests only; Altcraft's users also send XML, so each request gets an XML twin. */
function withXmlTwin(item: PostmanItem, xmlBody: string): PostmanItem[] {
  const request = item.request as PostmanRequest;
  const xml: PostmanItem = {
    ...structuredClone(item),
    name: `${item.name} (XML)`,
    request: {
      ...structuredClone(request),
      header: request.header.map((header) =>
        /^(content-type|accept)$/i.test(header.key) ? { ...header, value: 'application/xml' } : header,
      ),
      body: { mode: 'raw', raw: xmlBody, options: { raw: { language: 'xml' } } },
    },
  };
  return [item, xml];
}

function operationIdOf(item: PostmanItem, document: OpenApiDocument): OperationId | undefined {
  const path = `/${item.request?.url.path.join('/')}`;
  return (document.paths[path]?.post as { operationId?: OperationId } | undefined)?.operationId;
}

/**
 * The operations as a Postman collection: one JSON and one XML request per operation, with the
 * contract's first request example as the body and `{{baseUrl}}` defaulting to the server.
 */
export async function toPostmanCollection(document: OpenApiDocument): Promise<PostmanCollection> {
  const collection = await convert(document);
  const addXml = (items: PostmanItem[]): PostmanItem[] =>
    items.flatMap((item) => {
      if (item.item) return [{ ...item, item: addXml(item.item) }];
      const operationId = operationIdOf(item, document);
      if (!operationId) throw new Error(`Postman: "${item.name}" is not an operation of the contract`);
      return withXmlTwin(item, String(sampleExamples(operationId).xml.value));
    });
  collection.item = addXml(collection.item);
  return withStableIds(collection);
}

const ID_KEYS = new Set(['id', '_postman_id']);

function uuidFrom(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-');
}

/**
 * The converter draws random ids for the collection and its responses on every run. Ids derived
 * from the content keep builds reproducible, and so cacheable.
 */
function withStableIds<T>(collection: T): T {
  const content = JSON.stringify(collection, (key, value) => (ID_KEYS.has(key) ? undefined : value));
  let counter = 0;
  return JSON.parse(JSON.stringify(collection), (key, value) => (ID_KEYS.has(key) && typeof value === 'string' ? uuidFrom(`${content}#${counter++}`) : value));
}
