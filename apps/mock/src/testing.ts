// `import { startMock } from '@altcraft-api/mock/testing'`: the mock for another team's test
// suite (vitest, jest, node:test). It runs inside the test process on a free port of 127.0.0.1,
// and its journal is read through the admin API, as any client of the mock would read it.
import type { OperationId } from '@altcraft-api/contract';
import type { JournalEntry, ProfileRecord } from './journal.js';
import { startMock as startServer, type MockOptions } from './server.js';

export type { JournalEntry, ProfileRecord } from './journal.js';
export type { Violation } from '@altcraft-api/contract';

export interface TestMockOptions extends Omit<MockOptions, 'port' | 'host'> {
  /** Also wait for Prism, which serves `Prefer` examples (about 1-2 s more); by default a `Prefer` request waits for it instead. */
  waitForPrism?: boolean;
}

export interface RequestQuery {
  operation?: OperationId;
  workflowId?: number;
  /** Requests that arrived at or after this time. */
  since?: Date | string;
}

export interface TestMock {
  /** The mock's origin, e.g. http://127.0.0.1:38211 */
  url: string;
  /** The API root a client is given: `${url}/api/v1.1` */
  baseUrl: string;
  /** The requests the mock answered since the start or the last reset(), oldest first (every page). */
  requests(query?: RequestQuery): Promise<JournalEntry[]>;
  /** The profiles of the requests answered 200, of one workflow or of all, with the ids answered. */
  profiles(workflowId?: number): Promise<ProfileRecord[]>;
  /** Forgets the journal (call it in beforeEach). */
  reset(): Promise<void>;
  /** Stops the mock and Prism behind it. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

class AdminError extends Error {}

async function adminJson(url: string, method = 'GET'): Promise<any> {
  const answer = await fetch(url, { method });
  const body: any = await answer.json().catch(() => undefined);
  if (!answer.ok) throw new AdminError(`${method} ${new URL(url).pathname}: ${answer.status} ${body?.error_debug ?? ''}`.trim());
  return body;
}

/** Starts the mock (journal on) and resolves once it answers. */
export async function startMock(options: TestMockOptions = {}): Promise<TestMock> {
  const { waitForPrism = false, ...rest } = options;
  const running = await startServer({ ...rest, port: 0, host: '127.0.0.1' });
  if (waitForPrism) await running.prismReady;
  const admin = `${running.url}/__mock`;
  let stopped: Promise<void> | undefined;
  const stop = () => (stopped ??= running.close());
  return {
    url: running.url,
    baseUrl: running.baseUrl,
    async requests(query = {}) {
      const params = new URLSearchParams({ limit: '1000' });
      if (query.operation) params.set('operation', query.operation);
      if (query.workflowId !== undefined) params.set('workflow_id', String(query.workflowId));
      if (query.since !== undefined) {
        const since = new Date(query.since);
        if (Number.isNaN(since.getTime())) throw new RangeError(`requests: since must be a valid date (a Date or an ISO 8601 date-time), not ${String(query.since)}`);
        params.set('since', since.toISOString());
      }
      const all: JournalEntry[] = [];
      for (;;) {
        const page = await adminJson(`${admin}/requests?${params}`);
        all.push(...page.requests);
        if (page.next_after === null) return all;
        params.set('after', String(page.next_after));
      }
    },
    async profiles(workflowId) {
      return (await adminJson(`${admin}/profiles${workflowId === undefined ? '' : `?workflow_id=${workflowId}`}`)).profiles;
    },
    async reset() {
      await adminJson(`${admin}/requests`, 'DELETE');
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
