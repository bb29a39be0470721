import { listExamples, operations, requestXmlOf, responseXml, type ContractExample } from '@altcraft-api/contract';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMock } from '../src/http.js';
import { startMock } from '../src/server.js';
import { send } from './support/http.js';

const examples = listExamples();
const requests = examples.filter((e) => e.part === 'request');
const responses = examples.filter((e) => e.part !== 'request');
const MEDIA = { 'application/json': 'json', 'application/xml': 'xml' } as const;

let mock: RunningMock;
beforeAll(async () => {
  mock = await startMock({ port: 0 });
  await mock.prismReady;
});
afterAll(() => mock.close());

const textOf = (example: ContractExample) => (typeof example.value === 'string' ? example.value : JSON.stringify(example.value));

const post = (example: ContractExample, body: string, headers: Record<string, string> = {}) =>
  send(mock.url + operations[example.operationId].path, {
    headers: { 'Content-Type': example.mediaType, Authorization: 'Bearer abcdefghijklmnqrstuvwxyz', ...headers },
    body,
  });

function decode(example: ContractExample, answer: { status: number; headers: Record<string, unknown>; body: string }) {
  const xml = String(answer.headers['content-type']).includes('xml');
  return xml ? responseXml(example.operationId, answer.status).decode(answer.body) : JSON.parse(answer.body);
}

describe.each(requests.map((e) => [`${e.operationId} ${e.mediaType} ${e.name}`, e] as const))('request example %s', (_label, example) => {
  const text = textOf(example);
  const model = (example.mediaType === 'application/xml' ? requestXmlOf(example.operationId).decode(text) : example.value) as {
    matching?: string;
    format?: 'json' | 'xml';
    data: { data: { profile_id?: string } }[];
  };

  it('is answered in the requested encoding with a result shaped by the request, the same each time', async () => {
    const first = await post(example, text);
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toContain(`application/${model.format ?? MEDIA[example.mediaType]}`);
    const answer = decode(example, first);
    if (example.operationId === 'getTaskStatus') {
      // The contract's example task id answers its example (tasks.ts).
      expect(answer).toMatchObject({ error: 0, error_text: 'Successful operation', data: { status: 'completed', progress: 100 } });
    } else if (example.operationId === 'importAndStartBatchTask') {
      expect(answer).toEqual({ error: 0, error_text: 'Successful operation', task_id: expect.stringMatching(/^[0-9a-f]{24}$/) });
    } else {
      expect(answer.error).toBe(0);
      expect(answer.result).toHaveLength(model.data.length);
      for (const [index, item] of (answer.result as { profile_id: string }[]).entries()) {
        expect(item.profile_id).toMatch(/^[0-9a-f]{24}$/);
        if (model.matching === 'profile_id') expect(item.profile_id).toBe(model.data[index]!.data.profile_id);
      }
    }
    expect(decode(example, await post(example, text))).toEqual(answer);
  });
});

describe.each(responses.map((e) => [`${e.operationId} ${e.part} ${e.mediaType} ${e.name}`, e] as const))('response example %s', (_label, example) => {
  it('is what Prefer: code=... example=... answers, byte for byte', async () => {
    const name = example.operationId === 'getTaskStatus' ? 'taskStatus' : 'matchingEmail';
    const request = requests.find((r) => r.operationId === example.operationId && r.mediaType === example.mediaType && r.name === name)!;
    const answer = await post(example, textOf(request), { Prefer: `code=${example.part}, example=${example.name}` });
    expect(answer.status).toBe(Number(example.part));
    if (example.mediaType === 'application/xml') expect(answer.body).toBe(example.value);
    else expect(JSON.parse(answer.body)).toEqual(example.value);
  });
});

it('a valid request with Prefer: code=401 gets the spec 401 example', async () => {
  const request = requests.find((r) => r.mediaType === 'application/json' && r.name === 'matchingEmail')!;
  const answer = await post(request, textOf(request), { Prefer: 'code=401' });
  expect(answer.status).toBe(401);
  expect(JSON.parse(answer.body)).toMatchObject({ error: 401, error_text: 'Unauthorized' });
});
