// The action's main step: installs the mock unless the project has it, starts it detached (it
// outlives this step and is stopped by post.mjs), waits for GET /health, and hands the URL on.
// Only node's own modules: a JavaScript action runs from the repository, without an install.
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';

/** An input as the runner passes it: INPUT_<NAME> with spaces as underscores, upper case. */
const input = (name, fallback = '') => (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim() || fallback;

const fail = (message) => {
  // `::error::` makes it an annotation of the job.
  console.log(`::error::altcraft-mock: ${message}`);
  process.exit(1);
};

const fileCommand = (variable, name, value) => {
  const file = process.env[variable];
  if (!file) fail(`${variable} is not set: run this as a GitHub Actions step`);
  appendFileSync(file, `${name}=${value}\n`);
};

/** A tarball our release names `altcraft-api-NAME-VERSION.tgz`: the package it holds. */
const packageOfTarball = (spec) => /^altcraft-api-([a-z][a-z0-9-]*?)-\d+\.\d+\.\d+[^/]*\.tgz$/.exec(basename(spec.split(/[?#]/)[0]))?.[1];

function install(specs, dir) {
  mkdirSync(dir, { recursive: true });
  const dependencies = {};
  for (const spec of specs) {
    const name = packageOfTarball(spec);
    const local = !/^[a-z]+:\/\//i.test(spec) && spec.endsWith('.tgz');
    const value = local ? `file:${isAbsolute(spec) ? spec : resolve(spec)}` : spec;
    if (name) dependencies[`@altcraft-api/${name}`] = value;
    else dependencies[spec.replace(/(.)@[^/]*$/, '$1')] = spec.replace(/^(@?[^@]+)@?/, '') || 'latest';
  }
  // Tarballs also as overrides: npm then takes our packages from them and never asks the
  // registry for `@altcraft-api/contract`, which the mock depends on (not published yet).
  const tarballs = Object.fromEntries(Object.entries(dependencies).filter(([, value]) => /^(file:|https?:)/.test(value)));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ private: true, dependencies, overrides: tarballs }, null, 2));
  console.log(`altcraft-mock: npm install ${specs.join(' ')}`);
  try {
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  } catch {
    fail(`npm install ${specs.join(' ')} failed (see above); until the packages are on the registry, pass the release's tarballs as \`packages\``);
  }
}

/** A process's start time in clock ticks since boot (/proc/PID/stat field 22), or undefined off Linux. */
function startTimeOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForHealth(child, log, deadline) {
  let origin;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) fail(`the mock exited with code ${child.exitCode}:\n${readFileSync(log, 'utf8').slice(-4000)}`);
    origin ??= /health: (http:\/\/[^/\s]+)\/health/.exec(readFileSync(log, 'utf8'))?.[1];
    if (origin) {
      const status = await fetch(`${origin}/health`).then((r) => r.status, () => 0);
      if (status === 200) return origin;
    }
    await sleep(100);
  }
  fail(`GET /health did not answer 200 within ${input('timeout-seconds', '180')} s:\n${readFileSync(log, 'utf8').slice(-4000)}`);
}

const workdir = resolve(input('working-directory', '.'));
let cli = join(workdir, 'node_modules/.bin/altcraft-mock');
if (!existsSync(cli)) {
  const dir = join(process.env.RUNNER_TEMP ?? workdir, 'altcraft-mock');
  install(input('packages', '@altcraft-api/mock').split(/\s+/), dir);
  cli = join(dir, 'node_modules/.bin/altcraft-mock');
  if (!existsSync(cli)) fail(`npm installed no altcraft-mock bin in ${dir}`);
}
const port = input('port', '4010');
if (!/^\d+$/.test(port) || Number(port) > 65535) fail(`port must be 0-65535, not "${port}"`);
const seconds = Number(input('timeout-seconds', '180'));
if (!(seconds > 0)) fail(`timeout-seconds must be a positive number, not "${input('timeout-seconds')}"`);

const log = join(process.env.RUNNER_TEMP ?? workdir, `altcraft-mock-${process.pid}.log`);
const out = openSync(log, 'a');
// Started by node, not through npx: a signal to this pid reaches the mock itself. Its own group
// (detached) so that this step can end while it runs, and post.mjs stops the group.
const args = input('args').split(/\s+/).filter(Boolean);
const child = spawn(process.execPath, [cli, '--port', port, '--host', '127.0.0.1', ...args], { detached: true, stdio: ['ignore', out, out] });
fileCommand('GITHUB_STATE', 'pid', child.pid);
// What post.mjs checks before it signals the pid's group: a pid is reused once its process is
// gone, and the group it would name is then someone else's.
fileCommand('GITHUB_STATE', 'cli', cli);
const start = startTimeOf(child.pid);
if (start) fileCommand('GITHUB_STATE', 'start', start);
fileCommand('GITHUB_STATE', 'log', log);
const origin = await waitForHealth(child, log, Date.now() + seconds * 1000);
child.unref();
fileCommand('GITHUB_OUTPUT', 'url', origin);
fileCommand('GITHUB_OUTPUT', 'base-url', `${origin}/api/v1.1`);
fileCommand('GITHUB_OUTPUT', 'log', log);
console.log(`altcraft-mock ready: ${origin}/api/v1.1 (journal: ${origin}/__mock/requests; log: ${log})`);
process.exit(0);
