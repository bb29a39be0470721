#!/usr/bin/env node
// `pnpm spec:diff` from the repository root: brings the contract's bundle and this CLI up to date
// through turbo (cached: about a second when nothing changed), with turbo's output kept back
// unless the build fails, then runs the CLI in this process. stdout carries only the CLI's report,
// so `pnpm spec:diff --json | jq` reads pure JSON.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Never forced: the cache is keyed by content, so a replay is as good as a build. A TURBO_FORCE
// inherited from a forced outer run (`TURBO_FORCE=1 pnpm test`, whose spec-diff tests run this)
// made tsc rewrite the contract's dist/ while other suites imported it: a Node 24 run saw
// validate.js import a formats.js that had no FORMAT_NAMES yet.
const { TURBO_FORCE: _forced, ...inherited } = process.env;
const build = spawnSync('turbo', ['run', 'build', '--filter=@altcraft-api/spec-diff...', '--output-logs=errors-only'], {
  cwd: root,
  env: { ...inherited, TURBO_TELEMETRY_DISABLED: '1' },
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
if (build.status !== 0) {
  // The bundle step's own one-line reason (the spec's root file deleted) is all there is to say;
  // turbo's frame around it is not. When Redocly explained the failure, its lines are kept.
  const reason = /build:bundle: (.*)$/m.exec(`${build.stdout ?? ''}${build.stderr ?? ''}`)?.[1];
  if (reason !== undefined && !reason.endsWith('above, why')) {
    process.stderr.write(`spec:diff: the contract could not be bundled: ${reason}\n`);
    process.exit(2);
  }
  process.stderr.write(`${build.stdout ?? ''}${build.stderr ?? ''}${build.error ? `${build.error.message}\n` : ''}`);
  process.stderr.write('spec:diff: the contract or this CLI could not be built (above: why)\n');
  process.exit(2);
}
await import('./dist/cli.js');
