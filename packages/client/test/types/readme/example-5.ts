// Extracted from README.md by scripts/extract-readme-examples.mjs.
export {};
import { AltcraftTaskTimeoutError, createAltcraftClient, finalState, importProfiles, taskIdOf } from '@altcraft-api/client';

const client = createAltcraftClient({ baseUrl: 'http://127.0.0.1:4010/api/v1.1', token: process.env.ALTCRAFT_TOKEN ?? '' });

// One batch by hand: queue it, then follow its task.
const queued = await client.importAndStartBatchTask({ workflow_id: 12, data: [{ data: { email: 'john@example.com' } }] });
try {
  // The pages show no answer of this operation: the id may come at the top or in data (DECISIONS 32).
  const final = await client.waitForTask(taskIdOf(queued)!, { timeoutMs: 120_000, pollInterval: 2_000 });
  console.log(finalState(final.status), final.result); // 'done' { result: [{ profile_id: '...' }] }
} catch (error) {
  if (error instanceof AltcraftTaskTimeoutError) console.log(`still ${error.lastStatus} after 2 minutes`);
  else throw error;
}

// Any number of profiles: each batch is queued, its task followed, each profile settled once.
const summary = await importProfiles(client, {
  workflow_id: 12,
  operation: 'task',
  profiles: [{ email: 'a@example.com' }, { email: 'b@example.com' }],
  taskTimeoutMs: 1_800_000, // a task not done by then leaves its profiles unknown, with the task id
  taskConcurrency: 4, // status requests in flight at once, over all the tasks
  onTaskQueued: ({ first, count, taskId }) => console.log(`profiles ${first}..${first + count - 1}: task ${taskId}`),
  onOutcome: (outcome) => console.log(outcome), // { index: 0, status: 'imported', profileId: '...', taskId: '...' }
});
console.log(summary.imported, summary.failed, summary.unknown);
