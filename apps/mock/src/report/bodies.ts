import { isJsonObject, requestXml, responseXml, type OperationId } from '@altcraft-api/contract';
import type { CaseFile } from '../record/case.js';

/** A recorded body's value (XML decoded as the contract decodes it), or undefined when it does not read. */
export function requestValue(recorded: CaseFile): unknown {
  return valueOf(recorded.request.format, recorded.request.body, (text) => requestXml.decode(text));
}

export function answerValue(recorded: CaseFile): unknown {
  const { operation, answer } = recorded;
  return valueOf(answer.format, answer.body, (text) => responseXml((operation ?? 'importAndStartBatch') as OperationId, answer.status).decode(text));
}

function valueOf(format: 'json' | 'xml' | null, body: string | null, decodeXml: (text: string) => unknown): unknown {
  if (body === null || body === '') return undefined;
  try {
    if (format === 'xml' || (format === null && body.trimStart().startsWith('<'))) return decodeXml(body);
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** The body's `error` as a number (XML gives text), or undefined. */
export function errorCodeOf(value: unknown): number | string | undefined {
  if (!isJsonObject(value) || value.error === undefined || value.error === null) return undefined;
  const code = value.error;
  if (typeof code === 'string' && /^-?\d+$/.test(code.trim())) return Number(code);
  return typeof code === 'number' || typeof code === 'string' ? code : JSON.stringify(code);
}

/**
 * Whether the platform took the request: a 2xx whose body says no error. A 200 that carries an
 * error envelope is a refusal, whatever its status.
 */
export function accepted(recorded: CaseFile): boolean {
  const { status } = recorded.answer;
  if (status < 200 || status > 299) return false;
  const code = errorCodeOf(answerValue(recorded));
  return code === undefined || code === 0;
}

/** What the platform did, in words: `accepted`, or `refused (400, error 400)`. */
export function outcomeOf(recorded: CaseFile): string {
  if (accepted(recorded)) return 'accepted';
  const code = errorCodeOf(answerValue(recorded));
  return `refused (${recorded.answer.status}${code === undefined ? '' : `, error ${code}`})`;
}

// Each key path of a value, with array positions as `*` (`/result/*/profile_id`).
export function keyPaths(value: unknown, base = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value)) for (const item of value) keyPaths(item, `${base}/*`, out);
  else if (isJsonObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      out.set(`${base}/${key}`, key);
      keyPaths(child, `${base}/${key}`, out);
    }
  }
  return out;
}

/** A pointer with array positions as `*`, so one finding covers every item. */
export const generalised = (pointer: string) => pointer.replace(/\/\d+(?=\/|$)/g, '/*');
