import { listExamples, operations, type ContractExample, type OperationId, type OpenApiDocument } from '@altcraft-api/contract';

/** The samples of every operation, in the order the page offers them. */
export const SAMPLE_LANGUAGES = [
  { lang: 'Shell', label: 'curl (JSON)' },
  { lang: 'Shell', label: 'curl (XML)' },
  { lang: 'TypeScript', label: 'TypeScript' },
] as const;

type SampleLanguage = (typeof SAMPLE_LANGUAGES)[number];

/** One entry of Redoc's `x-codeSamples`: a tab next to the request payload. */
export interface CodeSample {
  lang: SampleLanguage['lang'];
  label: SampleLanguage['label'];
  source: string;
}

interface ServerObject {
  url: string;
  variables?: Record<string, { default: string }>;
}

/** The first server's URL with its variables at their defaults: what the vendor's docs call example.com. */
export function defaultServerUrl(document: OpenApiDocument): string {
  const [server] = (document as { servers?: ServerObject[] }).servers ?? [];
  if (!server) throw new Error('the contract declares no server');
  return server.url.replace(/\{(\w+)\}/g, (_, name: string) => {
    const variable = server.variables?.[name];
    if (!variable) throw new Error(`server variable {${name}} has no default`);
    return variable.default;
  });
}

/** The request example the samples (and the Postman requests) show: the operation's first JSON example, and its XML twin of the same name. */
export function sampleExamples(operationId: OperationId): { json: ContractExample; xml: ContractExample } {
  const requests = listExamples().filter((example) => example.operationId === operationId && example.part === 'request');
  const json = requests.find((example) => example.mediaType === 'application/json');
  const xml = requests.find((example) => example.mediaType === 'application/xml' && example.name === json?.name);
  if (!json || !xml) throw new Error(`${operationId}: the samples need a JSON request example and an XML one of the same name`);
  return { json, xml };
}

function curl(url: string, mediaType: string, body: string): string {
  const delimiter = mediaType === 'application/xml' ? 'XML' : 'JSON';
  if (body.split('\n').includes(delimiter)) throw new Error(`a sample body holds the line "${delimiter}", which would end its here-document`);
  // A quoted here-document passes the body byte for byte: no shell quoting of the example needed.
  return [
    `curl --request POST '${url}' \\`,
    `  --header 'Content-Type: ${mediaType}' \\`,
    `  --data-binary @- <<'${delimiter}'`,
    body.trimEnd(),
    delimiter,
    '',
  ].join('\n');
}

function typescript(apiRoot: string, operationId: OperationId, request: Record<string, unknown>): string {
  // The client sends the token itself (in the body, or as Bearer), so the request leaves it out.
  const { token: _token, ...withoutToken } = request;
  // The status request is one task id: the client takes it as its only argument.
  const literal = operationId === 'getTaskStatus' ? JSON.stringify(request.task_id) : JSON.stringify(withoutToken, null, 2);
  return [
    `import { createAltcraftClient } from '@altcraft-api/client';`,
    '',
    'const client = createAltcraftClient({',
    `  baseUrl: '${apiRoot}',`,
    `  token: process.env.ALTCRAFT_TOKEN ?? '',`,
    '});',
    '',
    `// With { format: 'xml' } as a second argument the request goes as XML; the answer is the same.`,
    `const answer = await client.${operationId}(${literal});`,
    'console.log(answer);',
    '',
  ].join('\n');
}

/** The `x-codeSamples` of one operation, built from the contract's own request examples. */
export function codeSamplesFor(document: OpenApiDocument, operationId: OperationId): CodeSample[] {
  const { path } = operations[operationId];
  const apiPrefix = /^\/api\/v[\d.]+/.exec(path)?.[0];
  if (!apiPrefix) throw new Error(`${operationId}: path ${path} does not start with the API prefix /api/vN`);
  const server = defaultServerUrl(document);
  const { json, xml } = sampleExamples(operationId);
  return [
    { lang: 'Shell', label: 'curl (JSON)', source: curl(server + path, json.mediaType, JSON.stringify(json.value, null, 2)) },
    { lang: 'Shell', label: 'curl (XML)', source: curl(server + path, xml.mediaType, String(xml.value)) },
    { lang: 'TypeScript', label: 'TypeScript', source: typescript(server + apiPrefix, operationId, json.value as Record<string, unknown>) },
  ];
}
