// What a request says outside its body about authentication and the answer's encoding. The API
// interaction page (spec/DECISIONS.md rows 33 and 34): "Some parameters can be sent in URL (API
// key, format)", and the answer's format "can be selected in the request header or parameters".
// The page names no header; Accept is the one HTTP has for it.
import type { IncomingMessage } from 'node:http';
import { MEDIA_TYPES } from '@altcraft-api/contract';
import type { Format } from './http.js';

export interface OutsideBody {
  /** A non-empty `token` of the URL query. Never logged nor echoed: a URL ends up in logs. */
  token?: string;
  /** The answer's encoding from the URL query's `format`, else from Accept; undefined when neither names one. */
  format?: Format;
}

const FORMATS: readonly Format[] = ['json', 'xml'];
const isFormat = (value: string | null): value is Format => value !== null && (FORMATS as readonly string[]).includes(value);

/**
 * The encoding an Accept header asks for: the one of application/json and application/xml it
 * names (with q above 0), or undefined when it names both, neither or only wildcards, so the
 * usual `*\/*` changes nothing.
 */
export function formatOfAccept(accept: string | undefined): Format | undefined {
  if (accept === undefined) return undefined;
  const named = new Set<Format>();
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    for (const format of FORMATS) if (type === MEDIA_TYPES[format]) named.add(format);
  }
  return named.size === 1 ? [...named][0] : undefined;
}

export function outsideBody(req: IncomingMessage): OutsideBody {
  let query: URLSearchParams;
  try {
    query = new URL(req.url ?? '/', 'http://mock').searchParams;
  } catch {
    query = new URLSearchParams();
  }
  const token = query.get('token');
  const queryFormat = query.get('format');
  const accept = req.headers.accept;
  const format = isFormat(queryFormat) ? queryFormat : formatOfAccept(Array.isArray(accept) ? accept.join(', ') : accept);
  return { ...(token !== null && token !== '' ? { token } : {}), ...(format !== undefined ? { format } : {}) };
}
