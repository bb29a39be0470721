// Generates a client from the bundled contract with another generator, as a team would:
//   node scripts/generate.mjs hey-api|orval OUT_DIR
// It runs in a process of its own so that the test sees everything the generator prints.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const bundle = require.resolve('@altcraft-api/contract/openapi.json');
const [generator, outDir] = process.argv.slice(2);
if (!outDir) throw new Error('usage: generate.mjs hey-api|orval OUT_DIR');

if (generator === 'hey-api') {
  const { createClient } = await import('@hey-api/openapi-ts');
  // logs.file: false, or it leaves an error log in the working directory.
  await createClient({ input: bundle, output: `${outDir}/hey-api`, plugins: ['@hey-api/client-fetch'], logs: { file: false } });
} else if (generator === 'orval') {
  const { generate } = await import('orval');
  await generate({
    // orval 7 validates with @apidevtools/swagger-parser, which rejects the `description` that
    // OpenAPI 3.1 allows in a server variable (a false warning); Spectral and Redocly validate
    // the contract in `pnpm lint`.
    input: { target: bundle, parserOptions: { validate: false } },
    output: { target: `${outDir}/orval/client.ts`, client: 'fetch', prettier: false },
  });
} else {
  throw new Error(`unknown generator ${generator}`);
}
