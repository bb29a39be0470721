// Runs Prism's CLI in this process, which the mock starts with `node prism-child.js CLI ARGS...`,
// and ends it when the mock is gone, even if the mock was killed without a chance to stop it.
const [cli, ...args] = process.argv.slice(2);
const parent = process.ppid;
setInterval(() => {
  try {
    process.kill(parent, 0);
  } catch {
    process.exit(0);
  }
}, 500).unref();
process.argv = [process.argv[0]!, cli!, ...args];
await import(cli!);
