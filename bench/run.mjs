// `pnpm bench`: runs each benchmark in its own process, one after the other.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const only = process.argv[2];
for (const file of readdirSync(new URL('.', import.meta.url)).filter((name) => name.endsWith('.bench.mjs')).sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n# ${file}`);
  execFileSync(process.execPath, ['--expose-gc', file], { stdio: 'inherit', cwd: new URL('.', import.meta.url) });
}
