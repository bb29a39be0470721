// pnpm spec:diff on the real contract: our checks plus api-smart-diff, against api-smart-diff
// alone on the same pair, measured in the same run. The pair is the released contract and a copy
// with the batch limit lowered and an XML name changed (one change each side of the external differ).
import { readFileSync } from 'node:fs';
import { diffContracts } from '@altcraft-api/spec-diff';
import { apiCompare } from 'api-smart-diff';
import { compare, report } from './lib/measure.mjs';

const base = JSON.parse(readFileSync(new URL('../packages/contract/released/openapi.json', import.meta.url), 'utf8'));
const head = structuredClone(base);
head.components.schemas.ProfileBatchItems.maxItems = 5000;
head.components.schemas.ProfileBatchItem.xml = { name: 'profile' };
const { changes } = diffContracts(base, head);
console.log(`contract: ${(JSON.stringify(base).length / 1e3).toFixed(0)} kB; ${changes.length} change(s) found: ${changes.map((change) => change.rule).join(', ')}`);

// apiCompare mutates its inputs: every call gets fresh copies (cloned outside the timed call, the
// same for both sides), so no round measures documents an earlier round altered.
let pair;
const fresh = () => (pair = [structuredClone(base), structuredClone(head)]);
report('spec:diff of the contract (ours + api-smart-diff)', await compare({ before: fresh, subject: () => diffContracts(...pair), baseline: () => apiCompare(...pair), rounds: 15 }), {
  baselineName: 'api-smart-diff alone',
});
