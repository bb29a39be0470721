import { document } from './document.js';

/** The two operations of the contract, by operationId. */
export type OperationId = 'importAndStartBatch' | 'importAndStartBatchTask';

export interface OperationInfo {
  operationId: OperationId;
  method: 'post';
  /** Path including the API prefix, e.g. `/api/v1.1/workflows/import_and_start_batch`. */
  path: string;
  /** Name of the component schema of the HTTP 200 body. */
  successSchema: string;
  limits: { maxProfiles: number; maxBodyBytes: number };
}

const successSchemas: Record<OperationId, string> = {
  importAndStartBatch: 'ImportAndStartBatchResponse',
  importAndStartBatchTask: 'ImportAndStartBatchTaskResponse',
};

function findOperation(operationId: OperationId): OperationInfo {
  for (const [path, item] of Object.entries(document.paths)) {
    const operation = item.post;
    if (operation?.operationId === operationId) {
      const limits = operation['x-altcraft-limits'] as OperationInfo['limits'];
      return { operationId, method: 'post', path, successSchema: successSchemas[operationId], limits };
    }
  }
  throw new Error(`operation ${operationId} is not in the bundled contract`);
}

export const operations: Record<OperationId, OperationInfo> = {
  importAndStartBatch: findOperation('importAndStartBatch'),
  importAndStartBatchTask: findOperation('importAndStartBatchTask'),
};
