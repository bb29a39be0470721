import { operations, type OpenApiDocument, type OperationId } from '@altcraft-api/contract';
import { codeSamplesFor } from './code-samples.js';
import { decisionsAsSections } from './decisions.js';
import { limitTiers, limitsMarkdown } from './limits.js';
import { unwrapDescriptions } from './markdown.js';

export const POSTMAN_FILE = 'altcraft-api.postman_collection.json';

/**
 * The contract as the docs page shows it: each operation with `x-codeSamples` generated from its
 * request examples, and the contract decisions and downloads appended to the introduction.
 * The contract itself stays free of presentation: only the docs build adds these.
 */
export function docsDocument(contract: OpenApiDocument, decisionsMarkdown: string): OpenApiDocument {
  const document = structuredClone(contract) as OpenApiDocument & { info: { description?: string } };
  for (const operationId of Object.keys(operations) as OperationId[]) {
    const operation = document.paths[operations[operationId].path]?.post;
    if (!operation) throw new Error(`${operationId} is missing from the document`);
    operation['x-codeSamples'] = codeSamplesFor(contract, operationId);
    const declared = operation['x-altcraft-limits'];
    const limits = limitsMarkdown(declared, typeof declared === 'object' && declared !== null ? limitTiers(contract, declared as Record<string, unknown>) : {});
    if (limits) operation.description = [String(operation.description ?? '').trimEnd(), limits].filter(Boolean).join('\n\n');
  }
  document.info.description = [
    document.info.description?.trimEnd() ?? '',
    `**Downloads.** The contract as [OpenAPI JSON](openapi.json), and as a [Postman collection](${POSTMAN_FILE}) with a JSON and an XML request for each operation and a test of the answer: set \`host\` to your panel (or \`baseUrl\` to the URL the mock prints) and \`bearerToken\` to your token.`,
    decisionsAsSections(decisionsMarkdown),
  ].join('\n\n');
  unwrapDescriptions(document);
  return document;
}
