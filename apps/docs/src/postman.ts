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

export interface PostmanEvent {
  listen: 'test' | 'prerequest';
  script: { type: 'text/javascript'; exec: string[] };
}

export interface PostmanItem {
  name: string;
  request?: PostmanRequest;
  item?: PostmanItem[];
  event?: PostmanEvent[];
  [key: string]: unknown;
}

export interface PostmanVariable {
  key: string;
  value: string;
  type?: string;
  description?: string;
}

export interface PostmanCollection {
  info: { _postman_id: string; name: string; schema: string } & Record<string, unknown>;
  item: PostmanItem[];
  variable: PostmanVariable[];
  auth?: { type: string; bearer?: { key: string; value: string; type: string }[] };
}

/** The variable the collection's bearer auth reads the token from. */
export const TOKEN_VARIABLE = 'bearerToken';

/**
 * The API root's path (`/api/v1.1`): `baseUrl` holds it, as the client's `baseUrl` and the URL
 * the mock prints do, so the requests' paths start after it.
 */
function apiRootOf(document: OpenApiDocument): string {
  const roots = new Set(Object.keys(document.paths).map((path) => /^\/api\/v\d+(?:\.\d+)*(?=\/)/.exec(path)?.[0]));
  const [root, ...others] = roots;
  if (!root || others.length > 0) throw new Error(`Postman: the paths share no single API root (/api/vN): ${[...roots].join(', ')}`);
  return root;
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
  return [
    { ...item, event: [successTests('json')] },
    { ...xml, event: [successTests('xml')] },
  ];
}

function operationIdOf(item: PostmanItem, document: OpenApiDocument): OperationId | undefined {
  const path = `/${item.request?.url.path.join('/')}`;
  return (document.paths[path]?.post as { operationId?: OperationId } | undefined)?.operationId;
}

/** The request relative to `{{baseUrl}}`, the API root. */
function underApiRoot(item: PostmanItem, apiRoot: string): PostmanItem {
  const request = item.request as PostmanRequest;
  const rootSegments = apiRoot.split('/').filter(Boolean);
  if (rootSegments.some((segment, index) => request.url.path[index] !== segment)) {
    throw new Error(`Postman: "${item.name}" is not under ${apiRoot}`);
  }
  return { ...item, request: { ...request, url: { ...request.url, path: request.url.path.slice(rootSegments.length) } } };
}

/**
 * Postman (and newman) runs these after each answer: a success envelope in the request's own
 * encoding. Against a panel they say at once whether the token, the scenario and the body passed.
 */
function successTests(format: 'json' | 'xml'): PostmanEvent {
  const body =
    format === 'json'
      ? ["  pm.expect(pm.response.headers.get('Content-Type')).to.match(/^application\\/json/);", '  pm.expect(pm.response.json().error).to.equal(0);']
      : ["  pm.expect(pm.response.headers.get('Content-Type')).to.match(/^application\\/xml/);", '  pm.expect(pm.response.text()).to.match(/<error>0<\\/error>/);'];
  return {
    listen: 'test',
    script: {
      type: 'text/javascript',
      exec: [
        `pm.test('HTTP 200 with a success envelope (error 0), in ${format.toUpperCase()}', function () {`,
        '  pm.response.to.have.status(200);',
        ...body,
        '});',
      ],
    },
  };
}

/**
 * The variables, each defined and described: `baseUrl` is the API root (the client's `baseUrl`,
 * or the URL the mock prints), built from `host` for a panel; the token has no default.
 */
function variablesOf(collection: PostmanCollection, apiRoot: string): PostmanVariable[] {
  const server = collection.variable.find(({ key }) => key === 'baseUrl')?.value;
  if (!server) throw new Error('Postman: the converter wrote no baseUrl variable');
  const host = collection.variable.find(({ key }) => key === 'host');
  if (collection.auth?.bearer?.some(({ value }) => value !== `{{${TOKEN_VARIABLE}}}`)) {
    throw new Error(`Postman: the bearer auth does not read {{${TOKEN_VARIABLE}}}`);
  }
  return [
    ...(host ? [{ ...host, type: 'string', description: "Your Altcraft panel's host name; baseUrl is built from it." }] : []),
    {
      key: 'baseUrl',
      value: `${server}${apiRoot}`,
      type: 'string',
      description: `The API root, as the client's baseUrl: https://your-panel${apiRoot}, or the URL the mock prints (http://127.0.0.1:4010${apiRoot}).`,
    },
    {
      key: TOKEN_VARIABLE,
      value: '',
      type: 'secret',
      description: 'Your API token, sent as Authorization: Bearer. Set it in an environment or the collection, never in a shared export.',
    },
  ];
}

/**
 * The operations as a Postman collection: one JSON and one XML request per operation, with the
 * contract's first request example as the body, a test of the success envelope, and
 * `{{baseUrl}}` meaning the API root (`https://{{host}}/api/v1.1` by default).
 */
export async function toPostmanCollection(document: OpenApiDocument): Promise<PostmanCollection> {
  const collection = await convert(document);
  const apiRoot = apiRootOf(document);
  const addXml = (items: PostmanItem[]): PostmanItem[] =>
    items.flatMap((item) => {
      if (item.item) return [{ ...item, item: addXml(item.item) }];
      const operationId = operationIdOf(item, document);
      if (!operationId) throw new Error(`Postman: "${item.name}" is not an operation of the contract`);
      return withXmlTwin(underApiRoot(item, apiRoot), String(sampleExamples(operationId).xml.value));
    });
  collection.item = addXml(collection.item);
  collection.variable = variablesOf(collection, apiRoot);
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
