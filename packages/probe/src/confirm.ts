import { createInterface } from 'node:readline/promises';

/** Asks `question` on a terminal; true only for an explicit yes (the default is no). */
export async function confirm(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, question: string): Promise<boolean> {
  const prompt = createInterface({ input, output, terminal: false });
  try {
    const answer = await new Promise<string>((resolve) => {
      // End of input (Ctrl-D) is a no, not a hang.
      prompt.once('close', () => resolve(''));
      prompt.question(`${question} [y/N] `).then(resolve, () => resolve(''));
    });
    return /^\s*y(es)?\s*$/i.test(answer);
  } finally {
    prompt.close();
  }
}
