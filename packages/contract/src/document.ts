import { readFileSync } from 'node:fs';

/** A JSON Schema (2020-12) as it appears in the bundled OpenAPI document. */
export type JsonSchema = boolean | { [keyword: string]: unknown };

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, JsonSchema> } & Record<string, unknown>;
}

// `dist/` sits next to `src/`, so this path resolves from the sources (tests) and from the
// compiled package alike. The bundle is produced by `pnpm build` (build:bundle).
const bundleUrl = new URL('../dist/openapi.json', import.meta.url);

/**
 * The bundle's text as this process read it. A tool that needs the contract as a file (Prism)
 * gets a copy of this, not the bundle's path: a rebuild (`pnpm dev`, `pnpm build`) rewrites that
 * file while the process runs, and Prism reloads a file it was given when it changes.
 */
export const documentText = readFileSync(bundleUrl, 'utf8');

/** The bundled contract: every $ref to another file inlined, example files inlined as values. */
export const document: OpenApiDocument = JSON.parse(documentText);

const LOCAL_REF = '#/components/schemas/';

/** The component schema a local `$ref` points to. */
export function resolveSchemaRef(ref: string): JsonSchema {
  if (!ref.startsWith(LOCAL_REF)) throw new Error(`unsupported $ref ${ref}: the bundle only holds local refs`);
  const schema = document.components.schemas[ref.slice(LOCAL_REF.length)];
  if (schema === undefined) throw new Error(`unresolved $ref ${ref}`);
  return schema;
}

/** A JSON object: not null, not an array (`T`: what its values are known to be, if anything). */
export function isJsonObject<T = unknown>(value: unknown): value is Record<string, T> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Appends one reference token to a JSON Pointer (RFC 6901 escaping). */
export function pointerChild(pointer: string, token: string | number): string {
  return `${pointer}/${String(token).replaceAll('~', '~0').replaceAll('/', '~1')}`;
}
