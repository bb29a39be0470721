// The operations map is read from the bundled contract: each entry names a path, schemas and
// limits that are really there, and every operation of the contract has an entry.
import { describe, expect, it } from 'vitest';
import { document } from '../src/document.js';
import { operations } from '../src/operations.js';

describe('operations', () => {
  it('has one entry per operation of the bundle, at its path, with schemas the bundle defines', () => {
    const inBundle = Object.entries(document.paths).map(([path, item]) => [item.post!.operationId, path]);
    expect(Object.values(operations).map((operation) => [operation.operationId, operation.path]).sort()).toEqual(inBundle.sort());
    for (const operation of Object.values(operations)) {
      expect(document.components.schemas[operation.requestSchema], operation.requestSchema).toBeDefined();
      expect(document.components.schemas[operation.successSchema], operation.successSchema).toBeDefined();
    }
  });

  it('reads the limits from x-altcraft-limits: profiles only for the operations that carry them', () => {
    expect(operations.importAndStartBatch.limits).toEqual({ maxProfiles: 10_000, maxBodyBytes: 10_485_760 });
    expect(operations.importAndStartBatchTask.limits).toEqual(operations.importAndStartBatch.limits);
    expect(operations.getTaskStatus.limits.maxProfiles).toBeUndefined();
    expect(operations.getTaskStatus.limits.maxBodyBytes).toBe(10_485_760);
  });
});
