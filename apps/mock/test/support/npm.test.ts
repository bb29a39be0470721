// The failure message of the package test's npm: a registry that takes connections and never
// answers (on 127.0.0.1) stands for the stall seen inside the full suite on Node 24.
import { createServer, type Socket } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refusedBaseUrl } from '../../src/faults.js';
import { environmentSeen, npm, scratchNpmEnvironment } from './npm.js';

let dir: string;
const sockets: Socket[] = [];
const silent = createServer((socket) => void sockets.push(socket));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'altcraft-npm-support-'));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => silent.close(resolve));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm() for the package test', () => {
  it('keeps its cache and logs in the scratch folder, whatever npm_config_cache the caller has, and the caller\'s HOME and CA', () => {
    const env = scratchNpmEnvironment(dir, { HOME: '/home/dev', npm_config_cache: '/home/dev/.npm', NODE_EXTRA_CA_CERTS: '/etc/ca.pem' });
    expect(env).toEqual({
      HOME: '/home/dev',
      NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
      npm_config_cache: join(dir, 'npm-cache'),
      npm_config_logs_dir: join(dir, 'npm-logs'),
      npm_config_update_notifier: 'false',
    });
  });

  it('says, when npm stalls past its budget, what npm was doing, the environment it saw and the versions', async () => {
    const { port } = silent.address() as { port: number };
    const registry = `http://127.0.0.1:${port}/`;
    const env = { ...scratchNpmEnvironment(dir), npm_config_registry: registry, npm_config_fetch_retries: '0' };
    const failure = await npm(['view', 'left-pad', 'version'], { cwd: dir, env, budgetMs: 8_000 }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/^npm view left-pad version did not finish within 8 s\n/);
    expect(failure).toMatch(/npm \d+\.\d+\.\d+, node on PATH v\d+/);
    expect(failure).toContain(`test runner node ${process.version}`);
    expect(failure).toContain(`npm_config_registry=${registry}`);
    expect(failure).toContain(`npm_config_cache=${join(dir, 'npm-cache')}`);
    expect(failure).toMatch(/last lines of npm's log:\n {4}npm timing npm:load/);
  }, 60_000);

  it('says why npm failed, with the end of its log, when npm exits with an error', async () => {
    const env = { ...scratchNpmEnvironment(dir), npm_config_registry: `${new URL(await refusedBaseUrl()).origin}/`, npm_config_fetch_retries: '0' };
    const failure = await npm(['view', 'left-pad', 'version'], { cwd: dir, env, budgetMs: 60_000 }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/^npm view left-pad version failed after [\d.]+ s \(exit 1\)\n/);
    expect(failure).toMatch(/npm error code ECONNREFUSED/);
  }, 60_000);

  it('names the secrets of the environment it prints without showing them', () => {
    const env = {
      HTTPS_PROXY: 'http://alice:S3cretPass@proxy.example:3128',
      npm_config__authToken: 'npm_S3cretToken',
      npm_config__password: 'S3cretBase64',
      TURBO_TOKEN: 'S3cretTurbo',
      NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
    };
    const printed = environmentSeen(env);
    expect(printed).not.toMatch(/S3cret|alice/);
    for (const name of Object.keys(env)) expect(printed).toContain(`${name}=`);
    expect(printed).toContain('NODE_EXTRA_CA_CERTS=/etc/ca.pem');
    expect(printed).toContain('HTTPS_PROXY=http://…@proxy.example:3128');
  });
});
