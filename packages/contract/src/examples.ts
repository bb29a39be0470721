import { document } from './document.js';
import type { OperationId } from './operations.js';

export type MediaType = 'application/json' | 'application/xml';

export interface ContractExample {
  operationId: OperationId;
  /** `request`, or the HTTP status of the response as a string (`"200"`, `"400"`). */
  part: 'request' | `${number}`;
  mediaType: MediaType;
  /** The example's name, as `Prefer: example=NAME` selects it. */
  name: string;
  summary: string;
  /** The parsed JSON value, or the XML document as text. */
  value: unknown;
}

interface MediaObject {
  examples?: Record<string, { summary?: string; value: unknown }>;
}

function* examplesOf(operationId: OperationId, part: ContractExample['part'], content: Record<string, MediaObject> | undefined) {
  for (const [mediaType, media] of Object.entries(content ?? {})) {
    for (const [name, example] of Object.entries(media.examples ?? {})) {
      yield {
        operationId,
        part,
        mediaType: mediaType as MediaType,
        name,
        summary: example.summary ?? name,
        value: example.value,
      } satisfies ContractExample;
    }
  }
}

type Ref = { $ref?: string };

function deref<T>(node: T & Ref): T {
  if (!node.$ref) return node;
  const [, section, name] = /^#\/components\/(\w+)\/(.+)$/.exec(node.$ref) ?? [];
  return (document.components[section as string] as Record<string, T>)[name as string] as T;
}

/** Every example of the contract, requests and responses, in both encodings. */
export function listExamples(): ContractExample[] {
  const all: ContractExample[] = [];
  for (const item of Object.values(document.paths)) {
    const operation = item.post as {
      operationId: OperationId;
      requestBody: Ref & { content?: Record<string, MediaObject> };
      responses: Record<string, Ref & { content?: Record<string, MediaObject> }>;
    };
    all.push(...examplesOf(operation.operationId, 'request', deref(operation.requestBody).content));
    for (const [status, response] of Object.entries(operation.responses)) {
      all.push(...examplesOf(operation.operationId, status as `${number}`, deref(response).content));
    }
  }
  return all;
}
