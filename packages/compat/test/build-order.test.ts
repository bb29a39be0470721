// `pnpm build` and `pnpm start` regenerate the client's types from the bundle before the client
// compiles (and before its type check), as a cached turbo task: turbo's own plan says so.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const turbo = require.resolve('turbo/bin/turbo');
const root = fileURLToPath(new URL('../../..', import.meta.url));

interface PlannedTask {
  taskId: string;
  dependencies: string[];
  resolvedTaskDefinition: { cache: boolean; outputs: string[] };
}

function plan(...tasks: string[]): Promise<Map<string, PlannedTask>> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [turbo, 'run', ...tasks, '--dry=json'],
      { cwd: root, timeout: 60_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`turbo run ${tasks.join(' ')} --dry=json: ${error.message}\n${stderr}`));
        const { tasks: planned } = JSON.parse(stdout) as { tasks: PlannedTask[] };
        resolve(new Map(planned.map((task) => [task.taskId, task])));
      },
    );
  });
}

describe('the client types in the task graph', () => {
  it.each([['build'], ['start'], ['lint']])('turbo run %s regenerates them from the bundle, before the client compiles', async (task) => {
    const tasks = await plan(task);
    const generate = tasks.get('@altcraft-api/client#generate');
    expect(generate?.dependencies).toContain('@altcraft-api/contract#build');
    // Cached like every task: a build with no change replays the types from the cache.
    expect(generate?.resolvedTaskDefinition).toMatchObject({ cache: true, outputs: ['src/generated/**'] });
    const consumer = task === 'lint' ? '@altcraft-api/client#lint' : '@altcraft-api/client#build';
    expect(tasks.get(consumer)?.dependencies).toContain('@altcraft-api/client#generate');
  }, 70_000);
});
