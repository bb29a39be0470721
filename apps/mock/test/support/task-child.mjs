// A stand-in for a mock process under pnpm dev (tasks.test.ts): the built store, shared with
// the parent over IPC, driven by the test's messages ({create}, {ids}) with a {reply} each.
import { shareTasksWithParent, TaskStore } from '../../dist/tasks.js';

const store = new TaskStore({ durationMs: 0 });
shareTasksWithParent(store);
process.on('message', (message) => {
  if (typeof message?.create === 'string') {
    store.create(message.create, [{ profile_id: message.create }]);
    process.send({ reply: true });
  } else if (message?.ids) {
    process.send({ reply: store.records().map((record) => record.id) });
  }
});
