import type * as Contract from '@altcraft-api/contract';

/**
 * Runs every validator and codec of `contract` once, so each is compiled now: Ajv compiles a
 * schema the first time a body needs it, and a contract that bundles can still fail there (an
 * unknown `type`, a bad pattern), which would make every request a 500. Throws what failed.
 */
export function exerciseContract(contract: typeof Contract): void {
  const { MATCHING_MODES, listExamples, operations, requestXml, responseXml, validateRequest, validateResponse } = contract;
  // A valid item takes the fast validators; a number fails them, and takes the detailed ones. An
  // unknown `matching` (no variant) takes the common envelope's.
  const items = [[{ data: { email: 'a@example.com' } }], [0]];
  for (const matching of [undefined, ...MATCHING_MODES, '\u0000unknown']) {
    for (const data of items) {
      for (const advice of [true, false]) validateRequest({ workflow_id: 1, ...(matching === undefined ? {} : { matching }), data }, { advice });
    }
  }
  for (const operationId of Object.keys(operations) as Contract.OperationId[]) {
    for (const status of [200, 400]) {
      for (const body of [{ error: 0 }, {}]) validateResponse(operationId, status, body);
      responseXml(operationId, status);
    }
  }
  requestXml.fragment('workflow_id', 1);
  listExamples();
}
