// In a `content` map, the JSON and XML media types carry examples under the same names, so
// every sample exists in both encodings (and the codec tests can compare the twins).
export default function pairedExamples(content, options, context) {
  if (content === null || typeof content !== 'object') return [];
  const [first, second] = options.mediaTypes;
  if (!content[first] || !content[second]) return [];
  const names = (mediaType) => Object.keys(content[mediaType].examples ?? {});
  const unpaired = (from, to) =>
    names(from)
      .filter((name) => !names(to).includes(name))
      .map((name) => ({
        message: `example "${name}" of ${from} has no twin of the same name in ${to}`,
        path: [...context.path, from, 'examples', name],
      }));
  return [...unpaired(first, second), ...unpaired(second, first)];
}
