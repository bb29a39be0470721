export type { Change, DiffReport, ReportedChange, Severity } from './change.js';
export { compareContracts, type Document } from './compare.js';
export { diffContracts } from './diff.js';
export { formatMarkdown, formatText } from './format.js';
