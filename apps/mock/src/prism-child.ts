// Runs Prism's CLI in this process, which the mock starts with `node prism-child.js CLI ARGS...`,
// and ends it when the mock is gone, even if the mock was killed without a chance to stop it:
// stdin is a pipe the mock holds, and the kernel closes it when the mock dies, however. (Probing
// the parent's pid said "alive" while the killed mock was an unreaped zombie, and Node's
// process.ppid is read once at start, so it never shows the re-parenting.)
import { rmSync } from 'node:fs';
import { Server } from 'node:net';

const [cli, ...args] = process.argv.slice(2);
// The contract's copy made for this Prism (prism.ts), for when the mock was killed before it
// could remove it (a signal ends this process without 'exit': the mock's stop() removes it then).
const copy = process.env.ALTCRAFT_PRISM_COPY;
if (copy) process.once('exit', () => rmSync(copy, { recursive: true, force: true }));
// Prism is told port 0: its server's port is the kernel's pick, reported to the mock over IPC
// (prism.ts's listeningPort says why no port is chosen in advance).
const listen = Server.prototype.listen;
Server.prototype.listen = function (this: Server, ...args: unknown[]) {
  this.once('listening', () => {
    const address = this.address();
    if (address && typeof address === 'object') process.send?.({ prismPort: address.port });
  });
  return listen.apply(this, args as Parameters<typeof listen>);
} as typeof listen;
process.stdin.on('end', () => process.exit(0));
process.stdin.on('error', () => process.exit(0));
process.stdin.resume();
process.argv = [process.argv[0]!, cli!, ...args];
await import(cli!);
