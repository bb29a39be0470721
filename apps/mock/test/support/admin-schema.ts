// Checks the mock's admin answers against its own OpenAPI document (admin-openapi.json), with
// Ajv: the document is the contract a team's tests rely on, so every answer a test reads is held to it.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const document = JSON.parse(readFileSync(new URL('../../admin-openapi.json', import.meta.url), 'utf8')) as {
  paths: Record<string, Record<string, { responses: Record<string, { $ref?: string; content?: { 'application/json': { schema: object } } }> }>>;
  components: { responses: Record<string, { content: { 'application/json': { schema: object } } }> };
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
ajv.addSchema({ ...document, $id: 'admin' });

const compiled = new Map<string, ReturnType<Ajv2020['compile']>>();

/** Throws, naming every error, unless `body` is what the document says `method path` answers with `status`. */
export function expectAdminAnswer(method: string, path: string, status: number, body: unknown): void {
  const key = `${method} ${path} ${status}`;
  let check = compiled.get(key);
  if (!check) {
    const operation = document.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`the admin document has no ${method} ${path}`);
    let response = operation.responses[String(status)];
    if (!response) throw new Error(`the admin document has no ${status} answer for ${method} ${path}`);
    if (response.$ref) response = document.components.responses[response.$ref.split('/').at(-1)!]!;
    // The inline schema's `#/...` references point into the admin document.
    check = ajv.compile(JSON.parse(JSON.stringify(response.content!['application/json'].schema).replaceAll('"$ref":"#/', '"$ref":"admin#/')));
    compiled.set(key, check);
  }
  if (!check(body)) throw new Error(`${key}: ${ajv.errorsText(check.errors)}\n${JSON.stringify(body).slice(0, 2000)}`);
}
