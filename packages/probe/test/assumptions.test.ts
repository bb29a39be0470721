import { BODY_TOO_LARGE_DEBUG, validateRequest } from '@altcraft-api/contract';
import { describe, expect, it } from 'vitest';
import { acceptanceOf, answerEncodingWithoutFormat, bearerAcceptance, missingTokenRefusal, oversizeRefusal, resultOrder } from '../src/assumptions.js';
import { QUESTIONS } from '../src/questions.js';

const context = { workflowId: 12, fieldName: 'email', fileKey: 'probe-file-key' };

describe('what the contract assumes', () => {
  it("is the validator's verdict for every question about a body", () => {
    for (const [index, question] of QUESTIONS.entries()) {
      const request = question.request(index + 1, context);
      const assumption = question.assumes(request);
      if (assumption.kind !== 'acceptance' || question.id === 'bearer') continue;
      expect({ id: question.id, accepted: assumption.accepted }).toEqual({ id: question.id, accepted: validateRequest(request.body).valid });
    }
  });

  it('names the first violation of a rejected body', () => {
    expect(acceptanceOf({ workflow_id: 'x', data: [] })).toMatchObject({ accepted: false, says: expect.stringMatching(/^rejected \(\/\S*: .+\)$/) });
  });

  it('reads the oversize answer from the documented responses', () => {
    expect(oversizeRefusal()).toMatchObject({ kind: 'refusal', status: 400, text: BODY_TOO_LARGE_DEBUG });
  });

  it('reads Bearer from the security schemes, and the answer encoding from `format`', () => {
    expect(bearerAcceptance()).toMatchObject({ kind: 'acceptance', accepted: true });
    expect(answerEncodingWithoutFormat('xml')).toMatchObject({ kind: 'encoding' });
  });

  it('reads the missing-token status and the result order from the documented responses', () => {
    expect(missingTokenRefusal()).toMatchObject({ kind: 'refusal', status: 401 });
    expect(resultOrder()).toMatchObject({ kind: 'order', ordered: true });
  });
});
