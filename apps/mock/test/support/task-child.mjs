// A stand-in for a mock process under pnpm dev (tasks.test.ts): the built store, shared with
// the parent over IPC, driven by the test's messages ({create}, {ids}) with a {reply} each.
import { shareTasksWithParent, TaskStore } from '../../dist/tasks.js';

// --deaf: a process that never takes the tasks handed to it (it never answers the hand-over).
if (process.argv.includes('--deaf')) {
  process.on('message', () => undefined);
} else {
  const store = new TaskStore({ durationMs: 0 });
  shareTasksWithParent(store);
  // The size of each hand-over message, as the parent serialised it.
  const handed = [];
  process.on('message', (message) => {
    if (Array.isArray(message?.tasks)) handed.push(Buffer.byteLength(JSON.stringify(message)));
  });
  process.on('message', (message) => {
    if (typeof message?.create === 'string') {
      store.create(message.create, [{ profile_id: message.create + 'x'.repeat(message.pad ?? 0) }]);
      process.send({ reply: true });
    } else if (message?.ids) {
      process.send({ reply: store.records().map((record) => record.id) });
    } else if (message?.handed) {
      process.send({ reply: handed });
    }
  });
}
