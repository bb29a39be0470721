// `pnpm generate`: regenerates src/generated/schema.d.ts from the bundled contract with
// openapi-typescript. The file is committed, so a contract change shows up as a diff of the
// types in review; test/generated.test.ts fails when the committed file is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderSchemaTypes } from './render-schema-types.mjs';

const target = fileURLToPath(new URL('../src/generated/schema.d.ts', import.meta.url));
writeFileSync(target, await renderSchemaTypes());
console.log(`wrote ${target}`);
