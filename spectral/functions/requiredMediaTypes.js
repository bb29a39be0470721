// Reports each media type of `options.mediaTypes` missing from a `content` map.
export default function requiredMediaTypes(content, options, context) {
  if (content === null || typeof content !== 'object') return [];
  return options.mediaTypes
    .filter((mediaType) => !(mediaType in content))
    .map((mediaType) => ({
      message: `offers no ${mediaType} (every body of this API is sent in JSON and in XML)`,
      path: context.path,
    }));
}
