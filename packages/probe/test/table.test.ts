import { describe, expect, it } from 'vitest';
import type { ProbeReport, Row } from '../src/probe.js';
import { renderJson, renderTable } from '../src/table.js';

const row = (id: string, agree: boolean | null, answer = 'accepted (HTTP 200, error 0)'): Row => ({
  id,
  question: `Is ${id} | accepted?`,
  profile: 'probe+1@example.invalid',
  answer,
  assumes: 'accepted',
  agree,
  details: { status: 200, error: 0 },
});

const report: ProbeReport = {
  endpoint: 'https://example.com/api/v1.1/workflows/import_and_start_batch',
  workflowId: 12,
  rows: [row('a', true), row('b', false, 'rejected (HTTP 400, error 400 "line\none")'), row('c', null)],
  agree: 1,
  disagree: 1,
  unsettled: 1,
};

describe('renderTable', () => {
  it('is a Markdown table whose cells cannot break a row', () => {
    const lines = renderTable(report).split('\n');
    expect(lines).toContain('| question | answer | what the contract assumes | agree? |');
    expect(lines).toContain('| Is a \\| accepted? | accepted (HTTP 200, error 0) | accepted | yes |');
    expect(lines).toContain('| Is b \\| accepted? | rejected (HTTP 400, error 400 "line one") | accepted | NO |');
    expect(lines).toContain('| Is c \\| accepted? | accepted (HTTP 200, error 0) | accepted | ? |');
    expect(lines).toContain('1 agree, 1 disagree, 1 unsettled (no usable answer)');
  });

  it('says why a run stopped', () => {
    expect(renderTable({ ...report, stopped: 'the baseline request was not accepted' })).toContain('stopped: the baseline request was not accepted\n');
  });
});

describe('renderJson', () => {
  it('is the report itself', () => {
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });
});
