// The report as a Markdown table (readable on a terminal, pastable into an issue) or as JSON.
import type { ProbeReport, Row } from './probe.js';

const cell = (text: string) => text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
const verdict = (row: Row) => (row.agree === true ? 'yes' : row.agree === false ? 'NO' : '?');

export function renderTable(report: ProbeReport): string {
  const lines = [
    `Probed ${report.endpoint}, workflow ${report.workflowId}`,
    '',
    '| question | answer | what the contract assumes | agree? |',
    '|---|---|---|---|',
    ...report.rows.map((row) => `| ${cell(row.question)} | ${cell(row.answer)} | ${cell(row.assumes)} | ${verdict(row)} |`),
    '',
    `${report.agree} agree, ${report.disagree} disagree, ${report.unsettled} unsettled (no usable answer)`,
  ];
  if (report.stopped) lines.push(`stopped: ${report.stopped}`);
  return `${lines.join('\n')}\n`;
}

export function renderJson(report: ProbeReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
