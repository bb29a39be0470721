import { spawn } from 'node:child_process';
import { once } from 'node:events';

/** Starts the sink process and resolves with its URL and a stop function. */
export async function startSinkProcess() {
  const child = spawn(process.execPath, [new URL('./sink-process.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = await once(child.stdout, 'data');
  return { url: String(line).trim(), stop: () => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM'))) };
}

/** Runs a Node script with arguments and resolves with its stdout parsed as JSON. */
export async function runJson(script, args) {
  const child = spawn(process.execPath, ['--expose-gc', script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  const [code] = await once(child, 'exit');
  if (code !== 0) throw new Error(`${script} exited with ${code}`);
  return JSON.parse(out);
}
