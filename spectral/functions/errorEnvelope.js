// A response body schema follows the envelope when every alternative it can take (its
// oneOf/anyOf members, allOf parts merged) is an object that requires an integer `error` and a
// string `error_text`. The bundler has already resolved $refs for us.

function alternatives(schema) {
  const members = schema.oneOf ?? schema.anyOf;
  // A schema with properties of its own is one alternative: an anyOf beside them only adds
  // constraints (the task answer's "task_id at the top or in data").
  if (Array.isArray(members) && schema.properties === undefined) return members.flatMap(alternatives);
  return [schema];
}

function collect(schema, key) {
  const own = schema[key] ?? (key === 'required' ? [] : {});
  const parts = Array.isArray(schema.allOf) ? schema.allOf.map((part) => collect(part, key)) : [];
  return key === 'required' ? [...own, ...parts.flat()] : Object.assign({}, ...parts, own);
}

export default function errorEnvelope(schema, _options, context) {
  if (schema === null || typeof schema !== 'object') return [];
  const problems = [];
  alternatives(schema).forEach((alternative) => {
    const required = collect(alternative, 'required');
    const properties = collect(alternative, 'properties');
    const label = alternative.title ? `"${alternative.title}"` : 'the schema';
    if (!required.includes('error') || properties.error?.type !== 'integer') {
      problems.push({ message: `${label} must require an integer \`error\``, path: context.path });
    }
    if (!required.includes('error_text') || properties.error_text?.type !== 'string') {
      problems.push({ message: `${label} must require a string \`error_text\``, path: context.path });
    }
  });
  return problems;
}
