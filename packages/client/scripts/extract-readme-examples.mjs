// Copies every ```ts block of README.md into test/types/readme/ so that `pnpm test:types`
// compiles the README's examples against the built package: examples that rot fail the tests.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
if (blocks.length === 0) throw new Error('README.md has no ```ts examples to check');

const dir = new URL('../test/types/readme/', import.meta.url);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
blocks.forEach((code, index) => {
  writeFileSync(new URL(`example-${index + 1}.ts`, dir), `// Extracted from README.md by scripts/extract-readme-examples.mjs.\nexport {};\n${code}`);
});
console.log(`checked ${blocks.length} README examples`);
