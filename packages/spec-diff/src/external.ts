// api-smart-diff, a maintained OpenAPI differ, for everything our own checks (compare.ts) do not
// model: servers, callbacks, links and the rest. Where our checks have an
// opinion on a keyword, they alone speak for it (see OWNED_KEYWORDS).
import { apiCompare, type Diff } from 'api-smart-diff';
import { pointerChild } from '@altcraft-api/contract';
import type { Change } from './change.js';
import type { Document } from './compare.js';
import { changeInWords, ourRuleFor } from './words.js';

/** The keywords compare.ts classifies itself; the external differ's word on them is dropped. */
const OWNED_KEYWORDS = new Set([
  'type', 'maxItems', 'minItems', 'maxLength', 'minLength', 'maximum', 'minimum', 'exclusiveMaximum', 'exclusiveMinimum',
  'maxProperties', 'minProperties', 'pattern', 'format', 'required', 'enum', 'const', 'properties', 'additionalProperties',
  'unevaluatedProperties', 'items', 'oneOf', 'anyOf', 'allOf', 'xml', 'x-altcraft-xml-unwrap', 'x-altcraft-limits',
  'x-altcraft-advice', 'x-source',
  'content', 'responses', 'requestBody', 'paths', '$ref', 'security',
  'default', 'deprecated', 'operationId', 'parameters', 'style', 'explode', 'allowReserved', 'headers',
]);

/** Containers whose keys are names (of properties, media types, ...) or fields of one keyword (`xml.name`), not keywords. */
const NAMED_CHILDREN = new Set(['properties', 'patternProperties', '$defs', 'content', 'responses', 'paths', 'examples', 'headers', 'encoding', 'xml', 'x-altcraft-limits', 'x-altcraft-advice', 'x-source']);

/** The keyword a change is about: `[..., 'properties', 'email']` is about `properties`, `[..., 'xml', 'name']` about `xml`, `[..., 'enum', 2]` about `enum`. */
function keywordOf(path: (string | number)[]): string | undefined {
  for (let index = path.length - 1; index >= 0; index -= 1) {
    const segment = path[index];
    if (typeof segment === 'number') continue;
    const parent = path[index - 1];
    return typeof parent === 'string' && NAMED_CHILDREN.has(parent) ? parent : segment;
  }
  return undefined;
}

function pointerOf(path: (string | number)[]): string {
  return path.reduce<string>(pointerChild, '');
}

function whereOf(path: (string | number)[]): string {
  const [, route, method] = path;
  return typeof route === 'string' && typeof method === 'string' ? `${method.toUpperCase()} ${route}` : 'document';
}

/** The external differ's changes inside operations (adding or removing one is ours), less the keywords our checks own. */
export function externalChanges(base: Document, head: Document): Change[] {
  const { diffs } = apiCompare(structuredClone(base), structuredClone(head));
  return diffs
    .filter((diff: Diff) => diff.path[0] === 'paths' && diff.path.length > 3 && !OWNED_KEYWORDS.has(keywordOf(diff.path) ?? ''))
    .map((diff: Diff): Change => {
      const unclassified = diff.type === 'unclassified';
      // Its descriptions of what it could not classify are the blank ones, or name the wrong subject.
      const message = changeInWords(unclassified ? { ...diff, description: undefined } : diff);
      const common = { pointer: pointerOf(diff.path), where: whereOf(diff.path), message };
      const ours = unclassified ? ourRuleFor(diff.path) : undefined;
      if (ours) return { ...ours, ...common, source: 'altcraft' };
      // Annotations (descriptions, examples) do not break a client; what it cannot classify is
      // not counted as breaking either, and the report lists it apart (format.ts).
      return { severity: diff.type === 'breaking' ? 'breaking' : 'non-breaking', rule: `api-smart-diff:${diff.type}`, ...common, source: 'api-smart-diff' };
    });
}
