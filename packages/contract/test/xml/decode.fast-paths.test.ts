// Each fast path of the reader (named at the top of src/xml/decode.ts) against the reader with
// that path switched off: the same documents must decode to the same VALUES (compared as a
// canonical text that keeps key order, -0, integers kept as text and own `__proto__` fields),
// or be refused with the same message, line, column and pointer. The documents: seeded
// generated ones (free-form ones, whose values saxes gives independently, and request ones with
// the schema's typed fields), the mock's corpus, a deterministic 300-profile request and small
// documents of each pathological family. Each is read as a request and by a shape where `phones`
// and `u1` are an integer or a list of strings, so a value re-read as an array item differs from
// the single value it was read as first ("007" against 7).
import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { XmlDecodeError, requestXml } from '../../src/xml.js';
import { FAST_PATHS, decodeDocument, nextOccurrence, readerInUse, withoutFastPath } from '../../src/xml/decode.js';
import { shapeOf } from '../../src/xml/shape.js';
import { deterministicRequest } from '../support/arbitrary.js';
import { seeded } from '../support/random.js';
import { MIXED, REFUSED, documentOf, expected, requestDocumentOf } from './documents.js';
import { families } from './pathological.js';

const DOCUMENTS = 1500;

/** A value as text that tells apart what toEqual does not: -0 and 0, key order, undefined. */
function canonical(value: unknown): string {
  if (value === null) return 'null';
  if (Object.is(value, -0)) return '-0';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return `${typeof value}:${String(value)}`;
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const proto = Object.getPrototypeOf(value) === Object.prototype ? '' : '(odd prototype)';
  return `${proto}{${Object.keys(value).map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`).join(',')}}`;
}

const integerOrStrings = { oneOf: [{ type: 'integer' }, { type: 'array', items: { type: 'string' } }] };
const tricky = shapeOf({ type: 'object', additionalProperties: { type: 'object', properties: { phones: integerOrStrings, u1: integerOrStrings }, additionalProperties: true } });

/** What the reader makes of `xml` (as a request, or by the shape above): its value, or its refusal with where. */
function outcome(xml: string, asRequest = true): string {
  try {
    return canonical(asRequest ? requestXml.decode(xml) : decodeDocument(xml, 'xml', tricky));
  } catch (error) {
    if (!(error instanceof XmlDecodeError)) throw error;
    return `refused: ${error.message} (${error.line}:${error.column}) ${error.pointer}`;
  }
}

/** The same, by saxes' reading where the document is free-form (the kinds of decode.saxes-values). */
function saxesOutcome(xml: string): string {
  const value = expected(xml);
  if (value === REFUSED) return 'malformed';
  if (value === MIXED) return 'mixed';
  return canonical(value);
}

function kind(xml: string): string {
  const got = outcome(xml);
  if (got.startsWith('refused: malformed XML')) return 'malformed';
  if (got.startsWith('refused: an element mixes text')) return 'mixed';
  return got;
}

function corpus(): string[] {
  const dir = new URL('../../../../apps/mock/test/corpus/', import.meta.url);
  const bodies = readdirSync(dir)
    .filter((name) => readdirSync(new URL(`${name}/`, dir)).includes('body.xml'))
    .map((name) => readFileSync(new URL(`${name}/body.xml`, dir), 'utf8'));
  const request = requestXml.encode(deterministicRequest(300));
  return [...bodies, request, request.replace(/\n/g, '\r\n'), ...Object.values(families).map((family) => family(16 << 10))];
}

const free = Array.from({ length: DOCUMENTS }, ((random) => () => documentOf(random))(seeded(0xfa57)));
const requests = Array.from({ length: DOCUMENTS }, ((random) => () => requestDocumentOf(random))(seeded(0x5eed)));
const fixed = corpus();
const all = [...free, ...requests, ...fixed];
// Worked out with every path on, once, when a test first asks: a fault of a path (broken by
// hand, say) then fails that test rather than the whole file.
let withPathOn: Map<string, string> | undefined;
let trickyWithPathOn: Map<string, string> | undefined;
const on = () => (withPathOn ??= new Map(all.map((xml) => [xml, outcome(xml)])));
const trickyOn = () => (trickyWithPathOn ??= new Map(requests.map((xml) => [xml, outcome(xml, false)])));

describe('the documents reach what the fast paths decide on', () => {
  it('values, refusals and faults, speculative fields read again, wide profiles', () => {
    const outcomes = [...on().values()];
    const count = (prefix: string) => outcomes.filter((text) => text.startsWith(prefix)).length;
    expect(outcomes.length - count('refused')).toBeGreaterThan(1500);
    expect(count('refused: malformed XML')).toBeGreaterThan(200);
    expect(count('refused: an element mixes text')).toBeGreaterThan(100);
    // `phones` sent more than once without array="true" on the first: the sub-reader's case.
    expect(requests.filter((xml) => /<phones>[^<]*<\/phones>\s*<phones/.test(xml)).length).toBeGreaterThan(200);
    // Profiles with more than 12 distinct fields: the group index's case.
    expect(requests.filter((xml) => xml.split('<data>').some((profile) => new Set(profile.match(/<[A-Za-zΩ_]\w*/g)).size > 13)).length).toBeGreaterThan(500);
    expect(fixed.length).toBeGreaterThan(30);
    // Values that a re-read changes.
    expect([...trickyOn().values()].filter((text, i) => text !== on().get(requests[i]!)).length).toBeGreaterThan(100);
  });
});

describe.each(FAST_PATHS)('with the fast path %s off', (path) => {
  it('every document decodes to the same value, or is refused the same way', () => {
    const want = on();
    const trickyWant = trickyOn();
    withoutFastPath(path, () => {
      for (const xml of all) expect(outcome(xml), xml.slice(0, 2000)).toBe(want.get(xml));
      for (const xml of requests) expect(outcome(xml, false), xml).toBe(trickyWant.get(xml));
    });
  });

  it('free-form documents decode to what saxes reads in them', () => {
    withoutFastPath(path, () => {
      for (const xml of free) expect(kind(xml), xml).toBe(saxesOutcome(xml));
    });
  });
});

describe('cachedSearches, searching backwards (review4 #12)', () => {
  // No document makes a Reader search backwards (each searches forward, a sub-reader with
  // searches of its own): the cache's answer to an earlier search is checked here directly.
  it('answers a search from an earlier position with the earlier occurrence, not the cached later one', () => {
    const src = 'a&b&c&d';
    const search = { needle: '&', at: -2, from: 0 };
    expect(nextOccurrence(src, search, 4)).toBe(5);
    expect(nextOccurrence(src, search, 2)).toBe(3);
    expect(nextOccurrence(src, search, 0)).toBe(1);
    expect(nextOccurrence(src, search, 1)).toBe(1);
    expect(nextOccurrence(src, search, 6)).toBe(src.length);
    expect(nextOccurrence(src, search, 3)).toBe(3);
  });

  it('agrees with indexOf for every order of searches (random positions)', () => {
    const random = seeded(0xbac4);
    for (let round = 0; round < 200; round++) {
      const src = Array.from({ length: 40 }, () => (random() < 0.2 ? '&' : 'x')).join('');
      const search = { needle: '&', at: -2, from: 0 };
      for (let n = 0; n < 30; n++) {
        const from = Math.floor(random() * (src.length + 1));
        const i = src.indexOf('&', from);
        expect(nextOccurrence(src, search, from)).toBe(i === -1 ? src.length : i);
      }
    }
  });
});

describe('withoutFastPath, nested (review4 #13)', () => {
  it('restores the reader of the enclosing call, not the fast one', () => {
    expect(readerInUse()).toBe('Reader');
    withoutFastPath('lazyText', () => {
      expect(readerInUse()).toBe('lazyText');
      withoutFastPath('cachedPlans', () => expect(readerInUse()).toBe('cachedPlans'));
      expect(readerInUse()).toBe('lazyText');
    });
    expect(readerInUse()).toBe('Reader');
  });
});
