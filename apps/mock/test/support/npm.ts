import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The variables that decide how npm reaches the registry (CA, proxy, npm's config), where it
 * keeps its cache and logs, and which node runs it. Inside `turbo run` only the ones that turbo
 * passes through exist: a missing NODE_EXTRA_CA_CERTS made every registry request fail TLS.
 */
const SEEN = /^(HOME|PATH|TMPDIR|NODE_EXTRA_CA_CERTS|NODE_OPTIONS|NODE_USE_SYSTEM_CA|SSL_CERT_FILE|SSL_CERT_DIR|HTTPS?_PROXY|NO_PROXY|npm_config_\w+|npm_execpath|npm_node_execpath|CI|TURBO_\w+)$/i;

export function environmentSeen(env: NodeJS.ProcessEnv): string {
  return Object.keys(env)
    .filter((name) => SEEN.test(name))
    .sort()
    .map((name) => `${name}=${shown(name, env[name]!)}`)
    .join('\n  ');
}

// A failure message ends up in CI logs that anyone with read access sees: npm's auth settings
// and turbo's remote-cache token are named but not shown, and a proxy's user and password
// (http://user:pass@host) are cut out of any value that is a URL.
const SECRET = /auth|token|password|_pass|secret|cert_?key|^npm_config_key$/i;

function shown(name: string, value: string): string {
  if (SECRET.test(name)) return `(set, ${value.length} characters, not shown)`;
  if (name === 'PATH') return value.split(':').slice(0, 4).join(':') + ':…';
  return value.replace(/(\w+:\/\/)[^/@\s]*@/g, '$1…@');
}

/**
 * npm's environment for a scratch project in `dir`: the developer's own npm config and network
 * settings (HOME, so ~/.npmrc with its registry, proxy or cafile; the CA and proxy variables),
 * but a cache and logs of its own. With the shared ~/.npm, what npm fetched depended on what
 * earlier runs, on whichever Node, had left there; an empty cache costs the same downloads on
 * every run and every Node, and reads nothing that another test writes at the same time.
 */
export function scratchNpmEnvironment(dir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_logs_dir: join(dir, 'npm-logs'),
    npm_config_update_notifier: 'false',
  };
}

export interface NpmRun {
  seconds: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `npm ARGS` with npm's timing and http log on stderr. When it fails or outlives `budgetMs`,
 * the error says what npm was doing (the tail of that log), the environment it saw, and which
 * npm and node ran: a stall inside a full suite cannot be rerun by hand as it was.
 */
export async function npm(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; budgetMs: number }): Promise<NpmRun> {
  const started = performance.now();
  try {
    const { stdout, stderr } = await run('npm', ['--timing', '--loglevel=http', ...args], { cwd: options.cwd, env: options.env, timeout: options.budgetMs, maxBuffer: 64 << 20 });
    return { seconds: (performance.now() - started) / 1000, stdout, stderr };
  } catch (error) {
    const failure = error as { killed?: boolean; code?: unknown; signal?: unknown; stderr?: string; message: string };
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const what = failure.killed ? `did not finish within ${options.budgetMs / 1000} s` : `failed after ${seconds} s (exit ${String(failure.code)})`;
    const tail = (failure.stderr || failure.message).trimEnd().split('\n').slice(-60).join('\n    ');
    const [npmVersion, nodeVersion] = await Promise.all(
      [['npm', '--version'], ['node', '--version']].map(([file, ...rest]) => run(file!, rest, { env: options.env, timeout: 30_000 }).then((r) => r.stdout.trim(), (e: Error) => e.message)),
    );
    throw new Error(
      `npm ${args.join(' ')} ${what}\n` +
        `  in ${options.cwd}; npm ${npmVersion}, node on PATH ${nodeVersion}, test runner node ${process.version}\n` +
        `  environment npm saw:\n  ${environmentSeen(options.env)}\n` +
        `  last lines of npm's log:\n    ${tail}`,
    );
  }
}
