// An operation that takes a body states its limits in `x-altcraft-limits`, repeats them in its
// description for people, and agrees with the `maxItems` of the request's `data` array, whether
// the schema enforces it or recommends it (`x-altcraft-advice`: the vendor only recommends it).
// A request without profiles (the task status request) has a byte limit and no profile count.

function adviceMaxItems(schema) {
  for (const entry of Array.isArray(schema['x-altcraft-advice']) ? schema['x-altcraft-advice'] : []) {
    if (typeof entry?.schema?.maxItems === 'number') return entry.schema.maxItems;
  }
  return undefined;
}

function findDataMaxItems(schema, seen = new Set()) {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return undefined;
  seen.add(schema);
  const data = schema.properties?.data;
  if (data && typeof data.maxItems === 'number') return data.maxItems;
  if (data && typeof data === 'object' && adviceMaxItems(data) !== undefined) return adviceMaxItems(data);
  for (const key of ['allOf', 'oneOf', 'anyOf']) {
    for (const part of schema[key] ?? []) {
      const found = findDataMaxItems(part, seen);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function carriesProfiles(schema, seen = new Set()) {
  if (schema === null || typeof schema !== 'object' || seen.has(schema)) return false;
  seen.add(schema);
  if (schema.properties?.data !== undefined) return true;
  return ['allOf', 'oneOf', 'anyOf'].some((key) => (schema[key] ?? []).some((part) => carriesProfiles(part, seen)));
}

const grouped = (n) => n.toLocaleString('en-US');

export default function bodyLimits(operation, _options, context) {
  if (operation === null || typeof operation !== 'object' || !operation.requestBody) return [];
  const limits = operation['x-altcraft-limits'];
  const path = [...context.path, 'x-altcraft-limits'];
  if (limits === null || typeof limits !== 'object') {
    return [{ message: 'takes a body but has no `x-altcraft-limits` (maxProfiles, maxBodyBytes)', path: context.path }];
  }
  const problems = [];
  const media = Object.values(operation.requestBody.content ?? {});
  const counted = limits.maxProfiles !== undefined || media.some((m) => carriesProfiles(m.schema));
  for (const key of counted ? ['maxProfiles', 'maxBodyBytes'] : ['maxBodyBytes']) {
    if (!Number.isInteger(limits[key]) || limits[key] < 1) {
      problems.push({ message: `\`x-altcraft-limits.${key}\` must be a positive integer`, path: [...path, key] });
    } else if (!String(operation.description ?? '').includes(grouped(limits[key]))) {
      problems.push({ message: `description must state the limit ${key} = ${grouped(limits[key])}`, path: [...context.path, 'description'] });
    }
  }
  for (const [mediaType, media] of Object.entries(operation.requestBody.content ?? {})) {
    const maxItems = findDataMaxItems(media.schema);
    if (counted && Number.isInteger(limits.maxProfiles) && maxItems !== limits.maxProfiles) {
      problems.push({
        message: `${mediaType} schema allows ${maxItems ?? 'any number of'} items in \`data\`, but maxProfiles is ${limits.maxProfiles}`,
        path: [...context.path, 'requestBody', 'content', mediaType, 'schema'],
      });
    }
  }
  return problems;
}
