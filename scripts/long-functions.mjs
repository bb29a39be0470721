#!/usr/bin/env node
// Lists hand-written functions longer than a screen (over 80 lines) in packages/*/src and
// apps/*/src (src/generated left out) that carry no comment saying why they stay whole: the
// house rule "functions fit a screen" (issue 26). A function may stay long when a comment just
// before it (or before the statement that declares it) says so, in words matching WHOLE, e.g.
// "// Kept whole: one state machine; split, its states would travel through arguments."
//
//   node scripts/long-functions.mjs          # lists them as warnings, exits 0
//   node scripts/long-functions.mjs --fail   # exits 1 when it lists any
//
// It parses with the TypeScript compiler API (the workspace's own typescript, resolved through
// packages/contract, as the repository root has no dependencies of its own).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ts = createRequire(new URL('../packages/contract/package.json', import.meta.url))('typescript');

export const LIMIT = 80;
export const WHOLE = /\b(?:stays?|kept|keeps?|must stay|left) whole\b/i;
const SOURCE = /\.(?:[cm]?ts|tsx|[cm]?js)$/;

/** The source files under each `<root>/<floor>/<package>/src`, without src/generated and .d.ts. */
export function sourceFiles(root, floors = ['packages', 'apps']) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated' && entry.name !== 'node_modules') walk(path);
      } else if (SOURCE.test(entry.name) && !/\.d\.[cm]?ts$/.test(entry.name)) files.push(path);
    }
  };
  for (const floor of floors) {
    let packages = [];
    try {
      packages = readdirSync(join(root, floor));
    } catch {
      continue;
    }
    for (const name of packages) {
      const src = join(root, floor, name, 'src');
      if (statSync(src, { throwIfNoEntry: false })?.isDirectory()) walk(src);
    }
  }
  return files.sort();
}

/** A function's name for the list: `name`, `Class.method`, or `(anonymous)`. */
function nameOf(node) {
  const own = node.name && ts.isIdentifier(node.name) ? node.name.text : node.name?.getText();
  if (ts.isConstructorDeclaration(node)) return `${node.parent.name?.text ?? '(class)'}.constructor`;
  if (ts.isClassLike(node.parent) && (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node))) return `${node.parent.name?.text ?? '(class)'}.${own}`;
  if (own) return own;
  // `const f = () => ...`, `f: function () {}`, `{ f() {} }`
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && parent.name) return parent.name.getText();
  return '(anonymous)';
}

/** The comments just before the function, or before the declaration or statement holding it. */
function leadingComments(node, text) {
  const comments = [];
  for (let at = node; at && !ts.isSourceFile(at); at = at.parent) {
    for (const range of ts.getLeadingCommentRanges(text, at.getFullStart()) ?? []) comments.push(text.slice(range.pos, range.end));
    if (ts.isStatement(at) || ts.isClassElement(at) || ts.isPropertyAssignment(at)) break;
  }
  return comments.join('\n');
}

const isFunction = (node) =>
  ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node);

/** The functions of one file over LIMIT lines, each with whether a comment keeps it whole. */
export function longFunctionsIn(path, text = readFileSync(path, 'utf8')) {
  const source = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true, path.endsWith('x') ? ts.ScriptKind.TSX : undefined);
  const found = [];
  const visit = (node) => {
    if (isFunction(node) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line + 1;
      const lines = end - start + 1;
      if (lines > LIMIT) found.push({ path, name: nameOf(node), line: start, lines, whole: WHOLE.test(leadingComments(node, text)) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function main() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const fail = process.argv.includes('--fail');
  const all = sourceFiles(root).flatMap((path) => longFunctionsIn(path));
  const unexplained = all.filter((found) => !found.whole);
  for (const { path, name, line, lines } of unexplained) {
    console.log(`${fail ? 'error' : 'warning'}: ${relative(root, path)}:${line} ${name} is ${lines} lines (over ${LIMIT}), with no comment saying why it stays whole`);
  }
  const kept = all.length - unexplained.length;
  console.log(`long functions: ${unexplained.length} without a reason${kept ? `, ${kept} kept whole with one` : ''}`);
  if (fail && unexplained.length > 0) process.exitCode = 1;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
