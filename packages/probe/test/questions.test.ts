import { describe, expect, it } from 'vitest';
import { QUESTIONS, selectQuestions } from '../src/questions.js';

const context = { workflowId: 12, fieldName: 'CRM_ID', fileKey: 'k' };

describe('the questions', () => {
  it('each import only their own probe+N profile (the order question also probe+1), with skip_triggers, into the given workflow', () => {
    for (const { question, n } of selectQuestions()) {
      const { body } = question.request(n, context);
      expect(body).toMatchObject({ workflow_id: 12, skip_triggers: true });
      const emails = new Set((body.data as { data: { email: string } }[]).map((item) => item.data.email));
      // The order question sends the baseline's probe+1 again, after its own profile.
      expect([...emails]).toEqual(question.id === 'result-order' ? [`probe+${n}@example.invalid`, 'probe+1@example.invalid'] : [`probe+${n}@example.invalid`]);
    }
  });

  it('cover every open question of the brief, with unique ids', () => {
    const ids = QUESTIONS.map((q) => q.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const mode of ['email_sub', 'phone_sub', 'push_sub', 'custom_sub', 'email_phone', 'email_phone_sub']) expect(ids).toContain(`matching-${mode}`);
    for (const id of ['profiles-over-limit', 'unknown-field', 'xml-answer-encoding', 'attach-flie_key', 'attach-file_key', 'date-without-seconds', 'regurl-without-scheme', 'regcountry-name', 'matching-with-custom-request', 'body-over-limit', 'bearer', 'no-token', 'result-order']) {
      expect(ids).toContain(id);
    }
  });

  it('custom_sub matches on --field-name, which every item holds', () => {
    const { body } = QUESTIONS.find((q) => q.id === 'matching-custom_sub')!.request(7, context);
    expect(body).toMatchObject({ matching: 'custom_sub', field_name: 'CRM_ID', data: [{ data: { CRM_ID: 'probe-7' } }] });
  });

  it('always asks the baseline first', () => {
    expect(selectQuestions(['bearer']).map(({ question, n }) => [question.id, n])).toEqual([
      ['baseline', 1],
      ['bearer', 2],
    ]);
  });
});
