import { document, isJsonObject } from '@altcraft-api/contract';
import type { CaseFile } from '../record/case.js';
import type { ReadCase } from '../record/read.js';
import { accepted, answerValue, outcomeOf, requestValue } from './bodies.js';
import { formatOfAccept } from '../request-url.js';

type Json = Record<string, unknown>;

/** What one case tells about an open question: which variant it sent, and what the platform did. */
interface Seen {
  label: string;
  shows: string;
}

/**
 * A check of one **[?]** row of spec/DECISIONS.md: given a case (and its request's value), the
 * variant of the question it asks, or undefined when it does not ask it. The rows covered: 2 and
 * 36, 4, 5, 6, 8 and 23, 10, 11, 13, 16, 17, 22, 32, 34 (9, the 100 MB file exception, never
 * reaches the proxy's 10 MiB reader).
 */
interface DecisionCheck {
  rows: number[];
  question: string;
  check(recorded: CaseFile, request: Json): Seen | undefined;
}

const asked = (label: string, recorded: CaseFile): Seen => ({ label, shows: outcomeOf(recorded) });
const MATCHING_PAGE_MODES = new Set(['email_sub', 'phone_sub', 'push_sub', 'custom_sub', 'email_phone', 'email_phone_sub']);
const REQUEST_FIELDS = new Set(Object.keys((document.components.schemas.BatchRequestCommon as { properties?: Json }).properties ?? {}).concat(['matching', 'field_name', 'custom_request']));
const items = (request: Json) => (Array.isArray(request.data) ? request.data : []);

/** The deepest nesting of a JSON text, read without recursion (a body 100,000 levels deep is the point). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') deepest = Math.max(deepest, ++depth);
    else if (c === '}' || c === ']') depth--;
  }
  return deepest;
}

export const DECISION_CHECKS: DecisionCheck[] = [
  { rows: [2, 36], question: 'a batch without data, or with data: []', check: (c, r) => (r.data === undefined ? asked('no data', c) : Array.isArray(r.data) && r.data.length === 0 ? asked('data: []', c) : undefined) },
  { rows: [4], question: 'matching together with custom_request', check: (c, r) => (r.matching !== undefined && r.custom_request !== undefined ? asked('matching and custom_request', c) : undefined) },
  { rows: [5], question: "the matching page's six modes", check: (c, r) => (typeof r.matching === 'string' && MATCHING_PAGE_MODES.has(r.matching) ? asked(`matching ${r.matching}`, c) : undefined) },
  {
    rows: [6],
    question: 'an item without the custom matching field',
    check: (c, r) =>
      (r.matching === 'custom' || r.matching === 'custom_sub') && typeof r.field_name === 'string' && items(r).some((item) => isJsonObject(item) && isJsonObject(item.data) && [undefined, null, ''].includes(item.data[r.field_name as string] as never))
        ? asked('an item without the field', c)
        : undefined,
  },
  {
    rows: [8, 23],
    question: 'the encoding of the answer to an XML request without format',
    check: (c, r) => (c.request.format === 'xml' && r.format === undefined && c.query.format === undefined ? { label: 'XML request, no format', shows: `answered in ${c.answer.format?.toUpperCase() ?? 'neither JSON nor XML'}` } : undefined),
  },
  { rows: [10], question: 'more than 10,000 profiles in one request', check: (c, r) => (items(r).length > 10_000 ? asked('over 10,000 profiles', c) : undefined) },
  {
    rows: [11],
    question: 'flie_key, file_key or both',
    check: (c, r) => {
      const keys = new Set((Array.isArray(r.attach) ? r.attach : []).flatMap((a) => (isJsonObject(a) ? ['flie_key', 'file_key'].filter((k) => a[k] !== undefined) : [])));
      return keys.size > 0 ? asked(`attach with ${[...keys].sort().join(' and ')}`, c) : undefined;
    },
  },
  { rows: [13], question: 'a string where the pages type an integer (workflow_id: "12")', check: (c, r) => (typeof r.workflow_id === 'string' ? asked('workflow_id as a string', c) : undefined) },
  {
    rows: [16],
    question: 'rate limits',
    check: (c) => {
      if (c.answer.status !== 429) return undefined;
      const limits = c.answer.headerNames.filter((name) => /rate|limit/i.test(name));
      return { label: '429 answered', shows: `Retry-After ${c.answer.headers['retry-after'] !== undefined ? 'sent' : 'absent'}${limits.length > 0 ? `; also ${limits.join(', ')}` : ''}` };
    },
  },
  {
    rows: [17],
    question: 'unknown top-level fields, resource_id and custom_data',
    check: (c, r) => {
      if (r.resource_id !== undefined || r.custom_data !== undefined) return asked('resource_id or custom_data at the top level', c);
      return Object.keys(r).some((key) => !REQUEST_FIELDS.has(key)) ? asked('an unknown top-level field', c) : undefined;
    },
  },
  {
    rows: [32],
    question: "the task answer's task id: at the top or in data",
    check: (c) => {
      if (c.operation !== 'importAndStartBatchTask' || !accepted(c)) return undefined;
      const answer = answerValue(c);
      const form = isJsonObject(answer) && answer.task_id !== undefined ? 'task_id at the top' : isJsonObject(answer) && isJsonObject(answer.data) && answer.data.task_id !== undefined ? 'data.task_id' : 'no task id';
      return { label: 'an accepted task', shows: form };
    },
  },
  {
    rows: [34],
    question: 'the answer format asked by the query or Accept',
    check: (c, r) => {
      const query = c.query.format;
      const accept = formatOfAccept(c.request.headers.accept);
      const asked = query === 'json' || query === 'xml' ? `format=${query} in the query` : accept !== undefined ? `Accept ${accept}` : undefined;
      if (asked === undefined || r.format !== undefined) return undefined;
      return { label: `${asked}, a ${c.request.format?.toUpperCase() ?? 'bodiless'} body without format`, shows: `answered in ${c.answer.format?.toUpperCase() ?? 'neither JSON nor XML'}` };
    },
  },
  { rows: [22], question: 'a body nested deeper than 10,000 levels', check: (c) => (c.request.format !== 'xml' && c.request.body !== null && nestingDepth(c.request.body) > 10_000 ? asked('nested deeper than 10,000 levels', c) : undefined) },
];

export interface DecisionFinding {
  rows: number[];
  question: string;
  /** Per variant asked: what the platform did, and the cases that show it. */
  answers: { label: string; shows: string; cases: string[] }[];
  /** True when every case of each variant shows the same. */
  settled: boolean;
}

/** The open questions the cases answer, in the rows' order. */
export function decisionsOf(cases: ReadCase[], onError: (file: string, why: string) => void = () => undefined): DecisionFinding[] {
  const read = cases.filter(({ case: c }) => c.operation !== null).map(({ file, case: c }) => ({ file, recorded: c, request: requestValue(c) }));
  const found: DecisionFinding[] = [];
  for (const { rows, question, check } of DECISION_CHECKS) {
    const byAnswer = new Map<string, { label: string; shows: string; cases: string[] }>();
    for (const { file, recorded, request } of read) {
      let seen: ReturnType<typeof check>;
      try {
        seen = check(recorded, isJsonObject(request) ? request : {});
      } catch (error) {
        // One case that cannot be read this far is one line; the rest is reported.
        onError(file, `cannot be analysed for row ${rows.join(' and ')}: ${error instanceof RangeError ? 'it nests too deeply' : (error as Error).message}`);
        continue;
      }
      if (!seen) continue;
      const key = `${seen.label}\u0000${seen.shows}`;
      const entry = byAnswer.get(key) ?? { ...seen, cases: [] };
      entry.cases.push(file);
      byAnswer.set(key, entry);
    }
    if (byAnswer.size === 0) continue;
    const answers = [...byAnswer.values()];
    found.push({ rows, question, answers, settled: new Set(answers.map((a) => a.label)).size === answers.length });
  }
  return found;
}
