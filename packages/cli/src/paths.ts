import { readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The command's own file, beside this one (dist/cli.js; src/cli.ts when the tests load the source).
const SELF = join(dirname(fileURLToPath(import.meta.url)), `cli${extname(fileURLToPath(import.meta.url))}`);

const same = (a: string, b: string) => {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
};

/** The text of the package script running this process, as its package.json has it. */
function scriptText(env: NodeJS.ProcessEnv): string | undefined {
  // npm_lifecycle_script has the user's arguments appended (pnpm): the package.json has the script alone.
  if (!env.npm_package_json || !env.npm_lifecycle_event) return undefined;
  try {
    const { scripts } = JSON.parse(readFileSync(env.npm_package_json, 'utf8')) as { scripts?: Record<string, unknown> };
    const script = scripts?.[env.npm_lifecycle_event];
    return typeof script === 'string' ? script : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The directory the user typed the paths in. A package script runs in its package's folder, so
 * `pnpm altcraft-import x.csv` typed in a subfolder would look for x.csv at the repository's
 * root; pnpm and npm say where they were run in INIT_CWD. That directory is used only when the
 * script is this command alone (`altcraft-import` or `node .../cli.js`, no argument of its own),
 * so that every argument came from the user; a script that names files itself, or changes
 * directory first, keeps its working directory.
 */
export function callerDirectory(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const from = env.INIT_CWD;
  if (!from || !isAbsolute(from)) return cwd;
  const script = scriptText(env)?.trim().split(/\s+/);
  if (!script) return cwd;
  const alone = script.length === 1 ? basename(script[0]!) === 'altcraft-import' : script.length === 2 && script[0] === 'node' && same(resolve(cwd, script[1]!), SELF);
  return alone ? from : cwd;
}

/** A path as given and as it resolves, for messages: `/home/u/x.csv (given as ../x.csv)`. */
export interface PathOf {
  given: string;
  resolved: string;
}

export const pathOf = (given: string, base: string): PathOf => ({ given, resolved: resolve(base, given) });

export const describePath = ({ given, resolved }: PathOf) => (given === resolved ? resolved : `${resolved} (given as ${given})`);
