import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pointerChild } from '../src/document.js';
import { validateRequest } from '../src/validate.js';
import { XmlEncodeError, requestXml } from '../src/xml.js';
import { validRequest } from './support/arbitrary.js';

type Request = Record<string, unknown> & { data: { data: Record<string, unknown> }[] };

interface Mutation {
  name: string;
  /** `advice`: a recommendation broken, so a warning and not a violation (DESIGN section 3). */
  tier?: 'advice';
  applies?: (request: Request) => boolean;
  /** Breaks the request in place; returns the pointer the violation or warning must be reported at. */
  apply: (request: Request, index: number) => string;
}

const isCustom = (request: Request) => typeof request.field_name === 'string';

const mutations: Mutation[] = [
  { name: 'drop workflow_id', apply: (r) => (delete r.workflow_id, '/workflow_id') },
  { name: 'workflow_id as text', apply: (r) => ((r.workflow_id = `${r.workflow_id}x`), '/workflow_id') },
  { name: 'workflow_id zero', tier: 'advice', apply: (r) => ((r.workflow_id = 0), '/workflow_id') },
  { name: 'unknown matching', apply: (r) => (delete r.custom_request, (r.matching = 'nearest'), '/matching') },
  { name: 'empty data', tier: 'advice', apply: (r) => ((r.data = []), '/data') },
  { name: 'data as an object', apply: (r) => ((r.data = { data: {} } as never), '/data') },
  { name: 'unknown top-level field', tier: 'advice', apply: (r) => ((r.workflowId = 1), '/workflowId') },
  { name: 'item as a number', apply: (r, i) => (((r.data as unknown[])[i] = 42), `/data/${i}`) },
  { name: 'item data as an array', apply: (r, i) => (((r.data[i] as { data: unknown }).data = []), `/data/${i}/data`) },
  { name: 'email as a number', apply: (r, i) => ((r.data[i]!.data.email = 12345), `/data/${i}/data/email`) },
  { name: 'skip_triggers as text', apply: (r) => ((r.skip_triggers = 'yes'), '/skip_triggers') },
  { name: 'custom without field_name', applies: isCustom, apply: (r) => (delete r.field_name, '/field_name') },
  {
    name: 'custom item without the field',
    tier: 'advice',
    applies: isCustom,
    apply: (r, i) => (delete r.data[i]!.data[r.field_name as string], pointerChild(`/data/${i}/data`, r.field_name as string)),
  },
  { name: 'custom_request with matching', tier: 'advice', applies: (r) => 'custom_request' in r, apply: (r) => ((r.matching = 'email'), '/matching') },
];

describe('generated from the schema', () => {
  it('every valid request is accepted', () => {
    fc.assert(
      fc.property(validRequest, (request) => {
        expect(validateRequest(request).violations).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('every valid request survives XML: decode(encode(request)) equals it', () => {
    fc.assert(
      fc.property(validRequest, (request) => {
        let xml: string;
        try {
          xml = requestXml.encode(request);
        } catch (error) {
          // What XML cannot carry (operator names in custom_request, control characters in a
          // free-form string) is refused with a pointer, never mangled.
          expect(error).toBeInstanceOf(XmlEncodeError);
          fc.pre(false);
          return;
        }
        expect(requestXml.decode(xml)).toStrictEqual(request);
      }),
      { numRuns: 300 },
    );
  });

  it('every mutation of a valid request is rejected (contract) or warned about (advice) at the place it broke', () => {
    const cases = fc
      .tuple(validRequest, fc.constantFrom(...mutations), fc.nat())
      .filter(([request, mutation]) => ((request as Request).data?.length ?? 0) > 0 && (mutation.applies?.(request as Request) ?? true));
    fc.assert(
      fc.property(cases, ([request, mutation, seed]) => {
        const broken = structuredClone(request) as Request;
        const pointer = mutation.apply(broken, seed % broken.data!.length);
        // Uncapped: a generated request can already draw 100 warnings (the default cap), which
        // would hide the one the mutation causes.
        const result = validateRequest(broken, { maxViolations: Number.MAX_SAFE_INTEGER });
        if (mutation.tier === 'advice') {
          expect(result.valid, mutation.name).toBe(true);
          expect(result.warnings.map((w) => w.pointer), mutation.name).toContain(pointer);
          expect(validateRequest(broken, { strict: true }).valid, mutation.name).toBe(false);
        } else {
          expect(result.valid, mutation.name).toBe(false);
          expect(result.violations.map((v) => v.pointer), mutation.name).toContain(pointer);
        }
      }),
      { numRuns: 500 },
    );
  });
});
