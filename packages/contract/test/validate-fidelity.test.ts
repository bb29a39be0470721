// validateRequest must keep giving exactly the results it gave before the specialised checks
// (issue 14): the digest below was recorded from the Ajv-only validator of commit 9d2382c, over
// a deterministic corpus of bodies that hold, draw warnings or break the contract, with each set
// of options. (The known-fields bundle of b80cf67 gives the same results: the digest holds.) `RECORD_VALIDATION_DIGEST=1 pnpm vitest run test/validate-fidelity.test.ts` prints
// the current digest instead of checking it.
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { validateRequest, type ValidateOptions } from '../src/validate.js';
import { corpus } from './support/validation-corpus.js';

const RECORDED = 'a016435aad09f3a5ebd3f9224809b79dcf314ee9d294d643bcb1b33542846599';

const FIDELITY_OPTIONS: ValidateOptions[] = [{}, { advice: false }, { strict: true }, { maxViolations: 1 }, { maxViolations: 3, advice: false }];

function fidelityDigest(validate: (body: unknown, options: ValidateOptions) => unknown): string {
  const hash = createHash('sha256');
  for (const body of corpus(800, 5)) for (const options of FIDELITY_OPTIONS) hash.update(`${JSON.stringify(validate(body, options))}\n`);
  return hash.digest('hex');
}

it('validateRequest gives the results recorded before the specialised checks', () => {
  const digest = fidelityDigest(validateRequest);
  if (process.env.RECORD_VALIDATION_DIGEST === '1') console.log(digest);
  else expect(digest).toBe(RECORDED);
});
