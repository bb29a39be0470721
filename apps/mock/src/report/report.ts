import { readCases } from '../record/read.js';
import { decisionsOf, type DecisionFinding } from './decisions.js';
import { findingsOf, SEVERITIES, type Finding } from './findings.js';

export interface Report {
  directory: string;
  cases: number;
  /** Files that are not cases, one line each. */
  errors: { file: string; error: string }[];
  findings: Finding[];
  decisions: DecisionFinding[];
}

/** The report of a directory of case files. Throws only when the directory cannot be read. */
export function buildReport(dir: string): Report {
  const errors: Report['errors'] = [];
  const cases = readCases(dir, (file, error) => errors.push({ file, error }));
  const findings = findingsOf(cases, (file, error) => errors.push({ file, error }));
  return { directory: dir, cases: cases.length, errors, findings, decisions: decisionsOf(cases, (file, error) => errors.push({ file, error })) };
}

const HEADINGS: Record<(typeof SEVERITIES)[number], string> = {
  'contract-wrong': 'The contract refuses what the platform does (the contract is wrong)',
  'advice-broken': 'Advice that accepted traffic breaks (candidates to relax)',
  undeclared: 'What the platform does that the contract does not declare',
};

/** At most this many case files are named per line; the count says the rest. */
const NAMED = 5;
const casesText = (cases: string[]) => `${cases.length} case(s): ${cases.slice(0, NAMED).join(', ')}${cases.length > NAMED ? `, and ${cases.length - NAMED} more` : ''}`;

export function renderText(report: Report): string {
  const lines = [`${report.cases} case(s) in ${report.directory}${report.errors.length > 0 ? `; ${report.errors.length} file(s) skipped (see stderr)` : ''}`];
  for (const severity of SEVERITIES) {
    const found = report.findings.filter((f) => f.severity === severity);
    if (found.length === 0) continue;
    lines.push('', `${HEADINGS[severity]}:`);
    for (const finding of found) lines.push(`  - ${finding.title} — ${casesText(finding.cases)}`);
  }
  if (report.decisions.length > 0) {
    lines.push('', 'Open questions of spec/DECISIONS.md the traffic answers:');
    for (const decision of report.decisions) {
      lines.push(`  row ${decision.rows.join(' and ')} (${decision.question})${decision.settled ? '' : ' — the cases disagree'}:`);
      for (const answer of decision.answers) lines.push(`    ${answer.label}: ${answer.shows} — ${casesText(answer.cases)}`);
    }
  }
  if (report.findings.length === 0 && report.decisions.length === 0) lines.push('', 'Nothing to report: the traffic agrees with the contract.');
  return `${lines.join('\n')}\n`;
}
