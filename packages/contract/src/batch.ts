import { requestXml } from './xml.js';

export type BatchFormat = 'json' | 'xml';

/**
 * Builds request bodies from their parts, so a batch sender can serialise each profile once,
 * measure it, and send exactly what it measured: a body is `head`, the items joined by
 * `separator`, then `tail`. Decoding such a body gives `{ ...fields, data: items }`.
 */
export interface BatchEncoder {
  readonly format: BatchFormat;
  /** The body up to the first item: the envelope fields (token, workflow_id, matching, ...). */
  readonly head: string;
  readonly separator: string;
  readonly tail: string;
  /** One profile as an item of `data` (`{"data":{...}}` in JSON, `<data>...</data>` in XML). */
  item(profile: Record<string, unknown>): string;
  /** Several profiles' items joined by `separator`; in JSON one stringify for them all. */
  items(profiles: Record<string, unknown>[]): string;
  /** A whole body, `head + items(profiles) + tail`, built in one pass where the format allows. */
  body(profiles: Record<string, unknown>[]): string;
}

/** An encoder for bodies that carry `fields` (every request field but `data`). */
export function createBatchEncoder(format: BatchFormat, fields: Record<string, unknown>): BatchEncoder {
  if ('data' in fields) throw new TypeError('createBatchEncoder: the fields must not include data');
  if (format === 'json') {
    const empty = JSON.stringify({ ...fields, data: [] });
    const at = empty.lastIndexOf('[]') + 1;
    return {
      format,
      head: empty.slice(0, at),
      separator: ',',
      tail: empty.slice(at),
      item: (profile) => JSON.stringify({ data: profile }),
      items: (profiles) => JSON.stringify(profiles.map((profile) => ({ data: profile }))).slice(1, -1),
      body: (profiles) => JSON.stringify({ ...fields, data: profiles.map((profile) => ({ data: profile })) }),
    };
  }
  const head = `<${requestXml.root}>${Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => requestXml.fragment(name, value))
    .join('')}`;
  const item = (profile: Record<string, unknown>) => requestXml.fragment('data', [{ data: profile }]);
  const tail = `</${requestXml.root}>`;
  const items = (profiles: Record<string, unknown>[]) => profiles.map(item).join('');
  return { format, head, separator: '', tail, item, items, body: (profiles) => head + items(profiles) + tail };
}
