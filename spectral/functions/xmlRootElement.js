// An XML body's schema, and each alternative it can take, names the document's root element
// (`xml.name`), which for this API is always `options.name`.
export default function xmlRootElement(schema, options, context) {
  if (schema === null || typeof schema !== 'object') return [];
  const members = schema.oneOf ?? schema.anyOf ?? [];
  return [schema, ...members]
    .filter((candidate) => candidate.xml?.name !== options.name)
    .map((candidate) => ({
      message: `${candidate.title ? `"${candidate.title}"` : 'the schema'} must set xml.name: ${options.name} (the root element)`,
      path: context.path,
    }));
}
