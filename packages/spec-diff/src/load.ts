// Where the two sides of a diff come from: the released artefact (the default base), the current
// bundle (the default head), any spec file, or the spec/ tree of any git revision.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Document } from './compare.js';

const require = createRequire(import.meta.url);

export interface Contract {
  document: Document;
  /** What was loaded, for the report: a path relative to the repository, or `git:REF`. */
  label: string;
}

/** The repository this package lives in. */
export const REPO_ROOT = resolve(new URL('../../../', import.meta.url).pathname);
/** The bundle `pnpm version-packages` keeps as the last released contract. */
export const RELEASED_PATH = join(REPO_ROOT, 'packages/contract/released/openapi.json');
/** The bundle `pnpm build` makes of spec/. */
export const CURRENT_PATH = join(REPO_ROOT, 'packages/contract/dist/openapi.json');

function bundle(entry: string, config: string): Document {
  const manifest = require('@redocly/cli/package.json') as { bin: Record<string, string> };
  const cli = require.resolve(`@redocly/cli/${manifest.bin.redocly}`);
  const out = mkdtempSync(join(tmpdir(), 'spec-diff-'));
  try {
    execFileSync(process.execPath, [cli, 'bundle', entry, '--config', config, '--output', join(out, 'openapi.json')], {
      env: { ...process.env, REDOCLY_TELEMETRY: 'off' },
      stdio: 'pipe',
    });
    return JSON.parse(readFileSync(join(out, 'openapi.json'), 'utf8'));
  } catch (error) {
    const { stderr } = error as { stderr?: Buffer };
    throw new Error(`cannot bundle ${entry}: ${stderr?.toString().trim().split('\n').slice(-3).join(' ') || String(error)}`);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function hasExternalRef(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(hasExternalRef);
  if (typeof node !== 'object' || node === null) return false;
  return Object.entries(node).some(([key, value]) => (key === '$ref' && typeof value === 'string' && !value.startsWith('#')) || hasExternalRef(value));
}

function git(args: string[], options: { input?: Buffer } = {}): Buffer {
  return execFileSync('git', ['-C', REPO_ROOT, ...args], { stdio: ['pipe', 'pipe', 'pipe'], input: options.input, maxBuffer: 256 * 1024 * 1024 });
}

/** Where `pnpm build` commits the finished bundle (spec/ bundled, then completed by build:bundle). */
const COMMITTED_BUNDLE = 'packages/contract/src/generated/openapi.yaml';

function fromGit(ref: string): Contract {
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new Error(`"${ref}" is neither a file nor a git revision`);
  }
  // The committed bundle is what the build made of that revision's spec/, with what build:bundle
  // adds to Redocly's output (the known-fields advice): bundling spec/ here again would lack it,
  // and an unchanged tree would differ from its own last commit. Older revisions have none.
  let committed: string | undefined;
  try {
    committed = git(['show', `${ref}:${COMMITTED_BUNDLE}`]).toString('utf8');
  } catch {
    committed = undefined;
  }
  if (committed !== undefined) return { document: parseYaml(committed) as Document, label: `git:${ref}` };
  const tree = mkdtempSync(join(tmpdir(), 'spec-diff-git-'));
  try {
    const archive = git(['archive', '--format=tar', ref, 'spec']);
    execFileSync('tar', ['-x', '-C', tree], { input: archive });
    const entry = join(tree, 'spec/openapi.yaml');
    if (!existsSync(entry)) throw new Error(`${ref} has no spec/openapi.yaml`);
    return { document: bundle(entry, join(REPO_ROOT, 'redocly.yaml')), label: `git:${ref}` };
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/**
 * A contract from a file (a bundle, or a multi-file spec's root, which is bundled first) or a
 * git revision. Relative paths are taken from `cwd`.
 */
export function loadContract(source: string, cwd = process.cwd()): Contract {
  const path = isAbsolute(source) ? source : resolve(cwd, source);
  if (!existsSync(path)) return fromGit(source);
  const label = relative(REPO_ROOT, path).startsWith('..') ? path : relative(REPO_ROOT, path);
  if (path.endsWith('.json')) {
    // A bundle is used as it is; a JSON root with references to other files is bundled first.
    const document = JSON.parse(readFileSync(path, 'utf8')) as Document;
    if (!hasExternalRef(document)) return { document, label };
  }
  return { document: bundle(path, join(REPO_ROOT, 'redocly.yaml')), label };
}

/** The commit a working tree's edits are measured from, and how to say it. */
export interface BaseRevision {
  ref: string;
  /** `the last commit (a661fb6)`, `the merge base with main (5f0c2e1)`. */
  description: string;
}

function revision(ref: string): string | undefined {
  try {
    return git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).toString().trim() || undefined;
  } catch {
    return undefined;
  }
}

function isShallow(): boolean {
  try {
    return git(['rev-parse', '--is-shallow-repository']).toString().trim() === 'true';
  } catch {
    return false;
  }
}

/**
 * What CI compares a pull request with: the merge base of HEAD and main (origin/main where there
 * is no local main); on main itself, or without either, the last commit. In a shallow clone
 * (CI's usual checkout) a merge base it cannot reach is an error, not the last commit: that
 * fallback compared a branch with itself and let `--fail-on-breaking` pass a breaking change.
 */
export function defaultBase(): BaseRevision {
  const head = revision('HEAD');
  if (head === undefined) throw new Error('no git history here to compare with: name a BASE, or --release');
  for (const main of ['main', 'origin/main']) {
    if (revision(main) === undefined) continue;
    let mergeBase: string;
    try {
      mergeBase = git(['merge-base', 'HEAD', main]).toString().trim();
    } catch {
      continue;
    }
    if (mergeBase !== head) return { ref: mergeBase, description: `the merge base with ${main} (${mergeBase.slice(0, 7)})` };
    return { ref: head, description: `the last commit (${head.slice(0, 7)})` };
  }
  if (isShallow()) {
    throw new Error(
      'the merge base of HEAD and main is not in this shallow clone, so there is nothing to compare with: fetch the history (git fetch --unshallow origin main, or fetch-depth: 0 in actions/checkout), or name a BASE',
    );
  }
  return { ref: head, description: `the last commit (${head.slice(0, 7)})` };
}
