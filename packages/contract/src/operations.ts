import { document } from './document.js';

/** The operations of the contract, by operationId. */
export type OperationId = 'importAndStartBatch' | 'importAndStartBatchTask' | 'getTaskStatus';

export interface OperationInfo {
  operationId: OperationId;
  method: 'post';
  /** Path including the API prefix, e.g. `/api/v1.1/workflows/import_and_start_batch`. */
  path: string;
  /** Name of the component schema of the request body. */
  requestSchema: string;
  /** Name of the component schema of the HTTP 200 body. */
  successSchema: string;
  /** `maxProfiles` only for a request that carries profiles (the status request has none). */
  limits: { maxProfiles?: number; maxBodyBytes: number };
}

const schemas: Record<OperationId, { request: string; success: string }> = {
  importAndStartBatch: { request: 'ImportAndStartBatchRequest', success: 'ImportAndStartBatchResponse' },
  importAndStartBatchTask: { request: 'ImportAndStartBatchRequest', success: 'ImportAndStartBatchTaskResponse' },
  getTaskStatus: { request: 'TaskStatusRequest', success: 'TaskStatusResponse' },
};

function findOperation(operationId: OperationId): OperationInfo {
  for (const [path, item] of Object.entries(document.paths)) {
    const operation = item.post;
    if (operation?.operationId === operationId) {
      const limits = operation['x-altcraft-limits'] as OperationInfo['limits'];
      const { request, success } = schemas[operationId];
      return { operationId, method: 'post', path, requestSchema: request, successSchema: success, limits };
    }
  }
  throw new Error(`operation ${operationId} is not in the bundled contract`);
}

export const operations: Record<OperationId, OperationInfo> = {
  importAndStartBatch: findOperation('importAndStartBatch'),
  importAndStartBatchTask: findOperation('importAndStartBatchTask'),
  getTaskStatus: findOperation('getTaskStatus'),
};
