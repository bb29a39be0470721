// Two tiers (DESIGN.md section 3): a validating keyword of a request or answer schema is either
// part of the contract, and then its schema object names the vendor page it comes from
// (`x-source`), or it is a recommendation and lives in `x-altcraft-advice`, which never rejects a
// request nor calls a real answer a violation. Walks the resolved schema; a component reached
// twice is reported once. `subject` (option) names what is checked in the messages.

const VALIDATING = [
  'type', 'enum', 'const', 'pattern', 'format', 'minLength', 'maxLength', 'minimum', 'maximum',
  'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'minItems', 'maxItems', 'uniqueItems',
  'contains', 'minContains', 'maxContains', 'minProperties', 'maxProperties', 'required',
  'dependentRequired', 'dependentSchemas', 'propertyNames', 'not', 'if', 'x-altcraft-max-depth',
];
// Keywords that close a schema when they are `false`.
const CLOSING = ['additionalProperties', 'unevaluatedProperties', 'unevaluatedItems', 'items'];
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', 'dependentSchemas', '$defs'];
const SUBSCHEMAS = ['additionalProperties', 'unevaluatedProperties', 'unevaluatedItems', 'items', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
const SUBSCHEMA_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'];

// The named checks (spec/DECISIONS.md): validateRequest runs the first, the build resolves the second.
const CHECKS = ['field-name-in-every-item', 'known-fields'];

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isUrl = (value) => typeof value === 'string' && /^https?:\/\/\S+$/.test(value);

function constraintsOf(schema) {
  const found = VALIDATING.filter((keyword) => keyword in schema);
  for (const keyword of CLOSING) if (schema[keyword] === false) found.push(`${keyword}: false`);
  for (const [name, sub] of Object.entries(isObject(schema.properties) ? schema.properties : {})) {
    if (sub === false) found.push(`properties.${name}: false`);
  }
  return found;
}

function sourceProblem(source) {
  if (source === undefined) return 'no source';
  const urls = Array.isArray(source) ? source : [source];
  if (urls.length === 0 || !urls.every(isUrl)) return 'an x-source that is not a URL or a list of URLs';
  return undefined;
}

function adviceProblems(advice, path) {
  if (advice === undefined) return [];
  if (!Array.isArray(advice) || advice.length === 0) return [{ message: 'x-altcraft-advice must be a non-empty list of {message, schema}', path }];
  return advice.flatMap((entry, index) => {
    const at = [...path, index];
    if (!isObject(entry) || typeof entry.message !== 'string' || entry.message === '') {
      return [{ message: 'an x-altcraft-advice entry needs a message', path: at }];
    }
    if (!isObject(entry.schema) && typeof entry['x-check'] !== 'string') {
      return [{ message: `advice "${entry.message}" needs a schema (JSON Schema keywords) or an x-check`, path: at }];
    }
    if (entry['x-check'] !== undefined && !CHECKS.includes(entry['x-check'])) {
      return [{ message: `advice "${entry.message}" names an x-check no tool runs: ${entry['x-check']} (the checks: ${CHECKS.join(', ')})`, path: [...at, 'x-check'] }];
    }
    if (entry.source !== undefined && sourceProblem(entry.source) !== undefined) {
      return [{ message: `advice "${entry.message}" has a source that is not a URL`, path: [...at, 'source'] }];
    }
    return [];
  });
}

export default function constraintSources(schema, options, context) {
  const subject = options?.subject ?? 'request';
  const problems = [];
  const seen = new Set();
  const stack = [[schema, context.path]];
  while (stack.length > 0) {
    const [node, path] = stack.pop();
    if (!isObject(node) || seen.has(node)) continue;
    seen.add(node);
    const constraints = constraintsOf(node);
    const problem = constraints.length > 0 ? sourceProblem(node['x-source']) : undefined;
    if (problem !== undefined) {
      const name = node.title ? `"${node.title}"` : subject === 'answer' ? 'an answer schema' : 'a request schema';
      problems.push({
        message: `${name} constrains ${constraints.map((c) => `\`${c}\``).join(', ')} with ${problem}: name the vendor page in x-source, or move the constraint to x-altcraft-advice`,
        path,
      });
    }
    problems.push(...adviceProblems(node['x-altcraft-advice'], [...path, 'x-altcraft-advice']));
    for (const key of SUBSCHEMA_MAPS) {
      if (isObject(node[key])) for (const [name, sub] of Object.entries(node[key])) stack.push([sub, [...path, key, name]]);
    }
    for (const key of SUBSCHEMAS) if (isObject(node[key])) stack.push([node[key], [...path, key]]);
    for (const key of SUBSCHEMA_LISTS) {
      if (Array.isArray(node[key])) node[key].forEach((sub, index) => stack.push([sub, [...path, key, index]]));
    }
  }
  return problems;
}
