import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirm } from '../src/confirm.js';

async function answer(text: string | undefined): Promise<{ yes: boolean; prompt: string }> {
  const input = new PassThrough();
  const output = new PassThrough();
  let prompt = '';
  output.on('data', (chunk) => (prompt += chunk));
  const result = confirm(input, output, 'Import?');
  if (text === undefined) input.end();
  else input.write(text);
  return { yes: await result, prompt };
}

describe('confirm', () => {
  it('takes y or yes as a yes, and shows that no is the default', async () => {
    expect(await answer('y\n')).toEqual({ yes: true, prompt: 'Import? [y/N] ' });
    expect((await answer('YES\n')).yes).toBe(true);
  });

  it('takes anything else, an empty line and end of input as a no', async () => {
    for (const text of ['n\n', '\n', 'yes please\n', undefined]) expect((await answer(text)).yes).toBe(false);
  });
});
