// Loaded (`node --import`) into each mock process `pnpm dev` starts, before the mock itself and
// in the same module graph: the contract the mock will serve is compiled whole first. A contract
// that does not compile is refused (over IPC, with the reason) before the mock serves it.
import { exerciseContract } from './contract-check.js';

try {
  exerciseContract(await import('@altcraft-api/contract'));
} catch (error) {
  const reason = (error as Error).message;
  if (!process.send) {
    process.stderr.write(`the contract does not compile: ${reason}\n`);
    process.exit(3);
  }
  // Held here until the reason is sent: the mock must not start meanwhile.
  await new Promise<never>(() => process.send!({ refused: reason }, () => process.exit(3)));
}
