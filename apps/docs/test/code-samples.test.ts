// The code samples on the page are the ones tested here: read back from the built document
// (dist/openapi.json, what Redoc renders), type-checked against @altcraft-api/client, and run
// against the mock, so a change to the contract or the client cannot leave a sample that rots.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { listExamples, operations, type OperationId } from '@altcraft-api/contract';
import { startMock, type RunningMock } from '@altcraft-api/mock';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultServerUrl, SAMPLE_LANGUAGES, type CodeSample } from '../src/code-samples.js';

const run = promisify(execFile);
const built = JSON.parse(readFileSync(new URL('../dist/openapi.json', import.meta.url), 'utf8'));
const serverUrl = defaultServerUrl(built);
const operationIds = Object.keys(operations) as OperationId[];
const workDir = new URL('../test-results/samples/', import.meta.url);

function samplesOf(operationId: OperationId): CodeSample[] {
  return built.paths[operations[operationId].path].post['x-codeSamples'];
}

function sample(operationId: OperationId, label: CodeSample['label']): string {
  const found = samplesOf(operationId).find((candidate) => candidate.label === label);
  if (!found) throw new Error(`${operationId} has no "${label}" sample`);
  return found.source;
}

function firstRequestExample(operationId: OperationId, mediaType: string) {
  const example = listExamples().find((candidate) => candidate.operationId === operationId && candidate.part === 'request' && candidate.mediaType === mediaType);
  if (!example) throw new Error(`no ${mediaType} request example for ${operationId}`);
  return example;
}

/** Type errors of TypeScript sources compiled together as a consumer of the client would. */
function typeErrors(sources: Record<string, string>): string[] {
  mkdirSync(workDir, { recursive: true });
  const files = Object.entries(sources).map(([name, source]) => {
    const path = new URL(name, workDir).pathname;
    writeFileSync(path, source);
    return path;
  });
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ['node'],
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

describe('the samples come from the contract', () => {
  it.each(operationIds)('%s offers every sample language, in order', (operationId) => {
    expect(samplesOf(operationId).map(({ lang, label }) => ({ lang, label }))).toEqual([...SAMPLE_LANGUAGES]);
  });

  it.each(operationIds)('%s: curl (JSON) posts the first JSON request example to the operation', (operationId) => {
    const source = sample(operationId, 'curl (JSON)');
    expect(source).toContain(`'${serverUrl}${operations[operationId].path}'`);
    expect(source).toContain(`'Content-Type: application/json'`);
    const body = source.slice(source.indexOf('\n{'), source.lastIndexOf('\nJSON'));
    expect(JSON.parse(body)).toEqual(firstRequestExample(operationId, 'application/json').value);
  });

  it.each(operationIds)('%s: curl (XML) posts the XML twin of that example', (operationId) => {
    const source = sample(operationId, 'curl (XML)');
    expect(source).toContain(`'Content-Type: application/xml'`);
    expect(source).toContain(String(firstRequestExample(operationId, 'application/xml').value).trim());
  });

  it.each(operationIds)('%s: TypeScript calls the client method of that name, token from the environment', (operationId) => {
    const source = sample(operationId, 'TypeScript');
    expect(source).toContain(`client.${operationId}(`);
    expect(source).toContain('process.env.ALTCRAFT_TOKEN');
    expect(source).not.toContain('"token"');
  });
});

describe('the TypeScript samples compile against @altcraft-api/client', () => {
  // Each check builds a TypeScript program over the client's types: about 3 s idle, over 30 s
  // with two full `pnpm test` runs on two cores.
  const TYPE_CHECK_BUDGET = 120_000;

  it('has no type error in any sample', () => {
    const sources = Object.fromEntries(operationIds.map((operationId) => [`${operationId}.mts`, sample(operationId, 'TypeScript')]));
    expect(typeErrors(sources)).toEqual([]);
  }, TYPE_CHECK_BUDGET);

  it('would catch a sample that no longer fits the contract', () => {
    const broken = sample('importAndStartBatch', 'TypeScript').replace('"matching": "email"', '"matching": "e-mail"');
    expect(broken).not.toEqual(sample('importAndStartBatch', 'TypeScript'));
    expect(typeErrors({ 'broken.mts': broken }).length).toBeGreaterThan(0);
  }, TYPE_CHECK_BUDGET);
});

describe('every sample runs against the mock', () => {
  let mock: RunningMock;
  // Prism's start is waited for here, not inside the first sample's 30 s: on two busy cores it
  // has taken over 60 s, and the mock gives it 180 s (apps/mock/src/prism.ts).
  beforeAll(async () => {
    mock = await startMock({ port: 0 });
    await mock.prismReady;
  }, 240_000);
  afterAll(async () => {
    await mock?.close();
  });

  const pointedAtMock = (source: string) => source.replaceAll(serverUrl, mock.url);
  const env = () => ({ ...process.env, ALTCRAFT_TOKEN: 'abcdefghijklmnqrstuvwxyz' });

  it.each(operationIds)('%s: the TypeScript sample gets the answer the operation promises', async (operationId) => {
    const { outputText } = ts.transpileModule(pointedAtMock(sample(operationId, 'TypeScript')), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    mkdirSync(workDir, { recursive: true });
    const file = new URL(`${operationId}.run.mjs`, workDir).pathname;
    writeFileSync(file, outputText);
    const { stdout } = await run(process.execPath, [file], { env: env() });
    const promised: Record<OperationId, string> = { importAndStartBatch: 'profile_id', importAndStartBatchTask: 'task_id', getTaskStatus: 'completed' };
    expect(stdout).toContain(promised[operationId]);
    // getTaskStatus gives the task's `data` (the client has read the envelope); the others the envelope.
    expect(stdout).toContain(operationId === 'getTaskStatus' ? 'progress: 100' : 'error: 0');
  });

  // curl is part of the CI machine (.ci/run installs it); a developer machine without it skips these.
  const curl = ['/usr/bin/curl', '/usr/local/bin/curl', '/bin/curl'].some((path) => existsSync(path));
  it.runIf(curl || process.env.CI).each(operationIds)('%s: both curl samples get a success envelope', async (operationId) => {
    const { stdout: json } = await run('bash', ['-c', pointedAtMock(sample(operationId, 'curl (JSON)'))]);
    expect(JSON.parse(json)).toMatchObject({ error: 0 });
    const { stdout: xml } = await run('bash', ['-c', pointedAtMock(sample(operationId, 'curl (XML)'))]);
    expect(xml).toMatch(/<error>0<\/error>/);
  });
});
