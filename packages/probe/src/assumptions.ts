// What the bundled contract assumes about each probe request. Everything here is read from the
// contract (its validator, its schemas, its responses and security), so when a constraint moves
// between the contract and advice tiers, the probe's third column follows without a code change.
import { BODY_TOO_LARGE_DEBUG, document, validateRequest, type Violation } from '@altcraft-api/contract';

export type Encoding = 'json' | 'xml';

/** What the contract expects the platform to do with one probe request. */
export type Assumption =
  | { kind: 'acceptance'; accepted: boolean; says: string }
  | { kind: 'encoding'; encoding: Encoding; says: string }
  | { kind: 'refusal'; status: number; text?: string; says: string }
  | { kind: 'order'; ordered: boolean; says: string }
  | { kind: 'task'; finished: string[]; says: string };

const describe = (v: Violation) => `${v.pointer || '/'}: ${v.message}`;

/**
 * Whether the contract accepts `body`: its validator's verdict. Advice-tier warnings (interface 1
 * of the brief) are named but do not turn "accepted" into "rejected", as they do not for the mock.
 */
export function acceptanceOf(body: unknown): Assumption {
  const result = validateRequest(body);
  if (!result.valid) return { kind: 'acceptance', accepted: false, says: `rejected (${describe(result.violations[0]!)})` };
  // `warnings` arrives with the advice tier; until then the result has none.
  const warnings = (result as { warnings?: Violation[] }).warnings ?? [];
  return { kind: 'acceptance', accepted: true, says: warnings.length > 0 ? `accepted, with a warning (${describe(warnings[0]!)})` : 'accepted' };
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Follows a local `$ref` (`#/components/...`) of the bundle. */
function resolve(value: unknown): unknown {
  let node = value;
  for (let hops = 0; isNode(node) && typeof node.$ref === 'string' && hops < 16; hops++) {
    node = node.$ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, token) => (isNode(at) ? at[token.replaceAll('~1', '/').replaceAll('~0', '~')] : undefined), document);
  }
  return node;
}

/** The schema of a top-level request property, wherever the request's variants declare it. */
function requestPropertySchema(name: string): Node | undefined {
  for (const schema of Object.values(document.components.schemas)) {
    const property = isNode(schema) && isNode(schema.properties) ? resolve(schema.properties[name]) : undefined;
    if (isNode(property)) return property;
  }
  return undefined;
}

/** The answer's encoding for a request sent as `requestEncoding` without `format`. */
export function answerEncodingWithoutFormat(requestEncoding: Encoding): Assumption {
  const format = requestPropertySchema('format');
  const fallback = format?.default;
  if (fallback === 'json' || fallback === 'xml') return { kind: 'encoding', encoding: fallback, says: `${fallback} (\`format\` defaults to ${fallback})` };
  return { kind: 'encoding', encoding: requestEncoding, says: `${requestEncoding} (\`format\` has no default: the answer follows the request's encoding)` };
}

const operation = (operationId: string): Node => {
  for (const item of Object.values(document.paths)) {
    for (const candidate of Object.values(item)) if (isNode(candidate) && candidate.operationId === operationId) return candidate;
  }
  throw new Error(`operation ${operationId} is not in the bundled contract`);
};

/** The status and text the contract documents for a body over the size limit. */
export function oversizeRefusal(operationId = 'importAndStartBatch'): Assumption {
  const responses = operation(operationId).responses as Node;
  for (const [status, response] of Object.entries(responses)) {
    const content = (resolve(response) as Node).content;
    for (const media of Object.values(isNode(content) ? content : {})) {
      const examples = isNode(media) && isNode(media.examples) ? Object.values(media.examples) : [];
      for (const example of examples) {
        const value = (resolve(example) as Node).value;
        if (isNode(value) && value.error_debug === BODY_TOO_LARGE_DEBUG) {
          return { kind: 'refusal', status: Number(status), text: BODY_TOO_LARGE_DEBUG, says: `refused: HTTP ${status}, error_debug "${BODY_TOO_LARGE_DEBUG}"` };
        }
      }
    }
  }
  return { kind: 'refusal', status: 400, text: BODY_TOO_LARGE_DEBUG, says: `refused with "${BODY_TOO_LARGE_DEBUG}" (no status documented)` };
}

/** The HTTP status the contract documents for a request without any token. */
export function missingTokenRefusal(operationId = 'importAndStartBatch'): Assumption {
  const responses = operation(operationId).responses as Node;
  const status = Object.keys(responses).find((code) => code === '401');
  return status
    ? { kind: 'refusal', status: 401, says: 'refused: HTTP 401 (a documented answer of the operation)' }
    : { kind: 'acceptance', accepted: false, says: 'refused (no 401 documented; status not stated)' };
}

/** Whether the contract says the results come in the order of the profiles sent. */
export function resultOrder(operationId = 'importAndStartBatch'): Assumption {
  const responses = operation(operationId).responses as Node;
  const ok = resolve(responses['200']);
  const description = isNode(ok) && typeof ok.description === 'string' ? ok.description : '';
  return /in the order sent/i.test(description)
    ? { kind: 'order', ordered: true, says: 'one result per profile, in the order sent (its 200 answer\'s description)' }
    : { kind: 'order', ordered: false, says: 'the order of the results is not stated' };
}

/** Whether the contract lets the token travel as `Authorization: Bearer` instead of the body. */
export function bearerAcceptance(operationId = 'importAndStartBatch'): Assumption {
  const requirements = (operation(operationId).security ?? (document as unknown as Node).security ?? []) as Node[];
  const schemes = ((document.components as Node).securitySchemes ?? {}) as Node;
  const bearer = requirements
    .flatMap((requirement) => Object.keys(requirement))
    .find((name) => {
      const scheme = resolve(schemes[name]);
      return isNode(scheme) && scheme.type === 'http' && String(scheme.scheme).toLowerCase() === 'bearer';
    });
  return bearer
    ? { kind: 'acceptance', accepted: true, says: `accepted (security scheme \`${bearer}\`: HTTP Bearer)` }
    : { kind: 'acceptance', accepted: false, says: 'rejected (no Bearer security scheme)' };
}

/**
 * What the contract says the status request answers for a task: a 200 with `error: 0` and a
 * `data.status`, one of the documented values once finished (TaskStatus's examples). What the
 * result of an import task holds is the mock's assumption (DECISIONS 28): one item per profile.
 */
export function taskStatusAnswer(): Assumption {
  const taskStatus = resolve(document.components.schemas.TaskStatus);
  const properties = isNode(taskStatus) && isNode(taskStatus.properties) ? taskStatus.properties : {};
  const status = resolve(properties.status);
  const finished = isNode(status) && Array.isArray(status.examples) ? status.examples.filter((value): value is string => typeof value === 'string') : [];
  return {
    kind: 'task',
    finished,
    says: `HTTP 200, error 0, data.status ${finished.join(' or ')} once finished; result.result one item per profile (assumed, DECISIONS 28)`,
  };
}
