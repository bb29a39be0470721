// Redocly decorator: Prism, Redoc and Ajv-based tests need example values inline, while the
// source keeps every example as its own .json/.xml file (`externalValue`, which OpenAPI meant
// for exactly this: literal examples that do not fit in YAML, such as XML). At bundle time the
// file is read, relative to the document that names it, and becomes the example's `value`.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const specRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../spec');

function InlineExternalExamples() {
  return {
    Example: {
      leave(example, ctx) {
        if (typeof example.externalValue !== 'string') return;
        const file = resolve(dirname(ctx.location.source.absoluteRef), example.externalValue);
        const text = readFileSync(file, 'utf8');
        example.value = file.endsWith('.json') ? JSON.parse(text) : text;
        // Where the value came from, so tests can prove every example file is used.
        example['x-altcraft-example-file'] = relative(specRoot, file).split('\\').join('/');
        delete example.externalValue;
      },
    },
  };
}

export default function altcraftContractPlugin() {
  return {
    id: 'altcraft',
    decorators: {
      oas3: {
        'inline-external-examples': InlineExternalExamples,
      },
    },
  };
}
