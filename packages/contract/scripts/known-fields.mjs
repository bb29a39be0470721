// The advice `x-check: known-fields` ("is not a field of this request") stands for the list of
// field names the schema declares: its own properties and those of the schemas it includes with
// allOf, minus the ones it forbids (`false`). The spec states no list, so a field added to
// BatchRequestCommon is known to every request variant at once; the bundle carries the list as
// plain JSON Schema (`propertyNames: {enum}`), which is what the validators compile.
const CHECK = 'known-fields';

/** The property names `schema` declares, through allOf, in declaration order (allOf first). */
function declaredNames(schema, resolve) {
  const names = [];
  for (const member of schema.allOf ?? []) names.push(...declaredNames(member.$ref ? resolve(member.$ref) : member, resolve));
  names.push(...Object.keys(schema.properties ?? {}));
  return [...new Set(names)].filter((name) => schema.properties?.[name] !== false);
}

/** Gives every `x-check: known-fields` advice entry of the bundled document its schema, in place. */
export function resolveKnownFields(document) {
  const schemas = document.components?.schemas ?? {};
  const resolve = (ref) => {
    const name = /^#\/components\/schemas\/([^/]+)$/.exec(ref)?.[1];
    if (name === undefined || !(name in schemas)) throw new Error(`known-fields: cannot resolve ${ref}`);
    return schemas[name];
  };
  for (const [name, schema] of Object.entries(schemas)) {
    for (const entry of schema['x-altcraft-advice'] ?? []) {
      if (entry['x-check'] !== CHECK) continue;
      const names = declaredNames(schema, resolve);
      if (names.length === 0) throw new Error(`known-fields: ${name} declares no properties`);
      entry.schema = { propertyNames: { enum: names } };
    }
  }
  return document;
}
