// A change the external differ found, said in words when its own description says nothing
// (`[Added]  in Request Body content (application/json)`: added what?), and classified by our
// rules where they have one.
import type { Diff } from 'api-smart-diff';
import type { Severity } from './change.js';

const ACTIONS: Record<string, string> = { add: 'added', remove: 'removed', replace: 'changed', rename: 'renamed' };
const COMBINATORS = new Set(['allOf', 'anyOf', 'oneOf']);
/** Keywords that describe and never constrain: a change to one is an annotation. */
const ANNOTATIONS = new Set(['description', 'summary', 'title', 'example', 'examples', 'externalDocs', '$comment', 'x-examples']);

/** Where in the operation a path points, in words: `the request body (application/json), field data[].email`. */
export function placeInWords(path: readonly (string | number)[]): string {
  const parts: string[] = [];
  const fields: string[] = [];
  for (let at = 3; at < path.length; at++) {
    const [segment, next] = [path[at], path[at + 1]];
    if (segment === 'requestBody' && path[at + 1] === 'content') {
      parts.push(`the request body (${String(path[at + 2])})`);
      at += 3; // content, media type, schema
    } else if (segment === 'responses') {
      parts.push(path[at + 2] === 'content' ? `the ${String(next)} answer (${String(path[at + 3])})` : `the ${String(next)} answer`);
      at += path[at + 2] === 'content' ? 4 : 1;
    } else if (segment === 'parameters' && typeof next === 'number') {
      parts.push(`parameter ${next + 1}`);
      at += 1;
    } else if (segment === 'properties' && next !== undefined) {
      fields.push(String(next));
      at += 1;
    } else if (segment === 'items') {
      fields.push(`${fields.pop() ?? ''}[]`);
    } else if (typeof segment === 'string' && COMBINATORS.has(segment) && typeof next === 'number') {
      at += 1;
    } else if (segment !== 'schema' && at < path.length - 1) {
      // A keyword the change sits under (x-altcraft-advice 0): named, so the place stays findable.
      fields.push(`${typeof segment === 'number' ? `[${segment}]` : segment}`);
    }
  }
  const field = fields.join('.').replace(/\.\[/g, '[');
  return [...parts, ...(field ? [`field ${field}`] : [])].join(', ') || 'the operation';
}

/** What changed and where, whatever the external differ's description says or omits. */
export function changeInWords(diff: Pick<Diff, 'action' | 'path' | 'description'>): string {
  const description = diff.description?.trim();
  // Its descriptions name the subject after the action: `[Added]  in ...` has none.
  if (description && !/^\[\w+\]\s{2}/.test(description) && !/^\[\w+\]\s*$/.test(description)) {
    // Some name the subject but not the place (`[Replaced] annotation (description)`).
    return / in /.test(description) ? description : `${description} in ${placeInWords(diff.path)}`;
  }
  const last = diff.path[diff.path.length - 1];
  const what = typeof last === 'number' ? `entry ${last}` : `\`${String(last)}\``;
  return `${ACTIONS[diff.action] ?? diff.action} ${what} in ${placeInWords(diff.path)}`;
}

/**
 * Our rules for what the external differ could not classify: a change inside the advice tier
 * (`x-altcraft-advice`) changes warnings, never what is accepted; an annotation changes no byte
 * a client sends or reads. Anything else stays unclassified and is listed apart.
 */
export function ourRuleFor(path: readonly (string | number)[]): { rule: string; severity: Severity } | undefined {
  if (path.includes('x-altcraft-advice')) return { rule: 'advice-changed', severity: 'non-breaking' };
  const last = [...path].reverse().find((segment) => typeof segment === 'string');
  if (typeof last === 'string' && ANNOTATIONS.has(last)) return { rule: 'annotation-changed', severity: 'non-breaking' };
  return undefined;
}
