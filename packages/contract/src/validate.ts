import { Ajv2020, Name, _, type ErrorObject, type KeywordCxt, type ValidateFunction } from 'ajv/dist/2020.js';
import { document, isJsonObject, pointerChild, resolveSchemaRef, type JsonSchema } from './document.js';
import { operations, type OperationId } from './operations.js';
import { FORMAT_NAMES, ajvFormat, formatChecks } from './validation/formats.js';
import { ADVICE, MAX_DEPTH, specialise, type ValueCheck } from './validation/specialise.js';

/** One problem found in a body: where (a JSON Pointer into the body) and what. */
export interface Violation {
  pointer: string;
  message: string;
}

export interface ValidationResult {
  /** False when there are violations (or, with `strict`, warnings). */
  valid: boolean;
  /** Contract tier: what the platform is documented to refuse. At most `maxViolations`, in body order. */
  violations: Violation[];
  /** True when more violations exist than were reported. */
  truncated: boolean;
  /** Advice tier (`x-altcraft-advice` in the spec): what we recommend. Capped like violations. */
  warnings: Violation[];
  /**
   * True when more warnings exist than were reported, or may exist: advice is not computed for
   * the profiles past the point where violations reached their cap.
   */
  warningsTruncated: boolean;
}

export interface ValidateOptions {
  /** Cap on reported violations (and, separately, warnings), so a 10,000-item garbage body cannot allocate 10,000 of them. */
  maxViolations?: number;
  /** Also compute the warnings of the advice tier (default true). */
  advice?: boolean;
  /** Warnings also make the body invalid (default false). */
  strict?: boolean;
}

export const MAX_VIOLATIONS = 100;

const SCHEMAS_ID = 'https://altcraft-api.invalid/openapi.json';
const SHALLOW_ID = 'https://altcraft-api.invalid/openapi-shallow.json';

// OpenAPI keywords and our extensions that are annotations, not validation.
const ANNOTATIONS = ['xml', 'externalDocs', 'discriminator', 'example', 'x-altcraft-xml-unwrap', 'x-source'];
// Our own keyword, in the fast validators' copy of the schemas only: it stands for ProfileBatchItems'
// `items` (see profileItemsGate).
const PROFILE_ITEMS = 'x-altcraft-profile-items';

/**
 * One entry of `x-altcraft-advice`: JSON Schema keywords (`schema`) the value should also meet,
 * and what to say when it does not; or a named check (`x-check`) that JSON Schema cannot express,
 * run by `validateRequest` itself.
 */
interface AdviceEntry {
  message: string;
  source?: string;
  schema?: JsonSchema;
  'x-check'?: string;
}

// Validation is synchronous, so one validation at a time owns these: where the advice keyword
// reports, and how deep below the body's root the validated value sits (a profile item is
// validated on its own at /data/N, two levels down).
interface AdviceSink {
  warn(pointer: string, message: string): void;
  /** True once no more warnings are wanted: the checks for messages can be skipped. */
  readonly full: boolean;
}
let adviceSink: AdviceSink | undefined;
let depthOffset = 0;

function withDepthOffset<T>(offset: number, run: () => T): T {
  depthOffset = offset;
  try {
    return run();
  } finally {
    depthOffset = 0;
  }
}

/** Whether `value` nests at most `budget` levels of objects and arrays (a scalar nests 0). Iterative: no stack to overflow. */
function nestsWithin(value: unknown, budget: number): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (budget < 1) return false;
  const stack: unknown[] = [value];
  const levels: number[] = [1];
  while (stack.length > 0) {
    const current = stack.pop() as object;
    const level = levels.pop()!;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child === null || typeof child !== 'object') continue;
      if (level + 1 > budget) return false;
      stack.push(child);
      levels.push(level + 1);
    }
  }
  return true;
}

const pointerDepth = (pointer: string): number => {
  let depth = 0;
  for (let i = 0; i < pointer.length; i++) if (pointer.charCodeAt(i) === 47) depth++;
  return depth;
};

/**
 * The pointers an advice check's errors name, below the advised value at `base`: the place of
 * a failed alternative (anyOf) rather than each alternative's complaint, and the offending
 * property itself for `required` and `propertyNames`.
 */
function advicePointers(base: string, errors: ErrorObject[]): string[] {
  const alternatives = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const pointers: string[] = [];
  for (const error of errors) {
    if (error.keyword === 'propertyNames' || error.keyword === 'if') continue;
    if (alternatives.some((prefix) => error.schemaPath.startsWith(prefix))) continue;
    const at = base + error.instancePath;
    if (error.keyword === 'required') pointers.push(pointerChild(at, error.params.missingProperty as string));
    else if (error.propertyName !== undefined) pointers.push(pointerChild(at, error.propertyName));
    else pointers.push(at);
  }
  return pointers;
}

let maxDepthLimit = 0;

// Generated validators get the instance path as the parameter `instancePath`; the keywords below
// build a value's pointer from it only when they have something to say, so valid data costs a
// type check (depth) or one compiled check (advice) and no string or object.
const INSTANCE_PATH = new Name('instancePath');
const ROOT_DATA = new Name('rootData');
const pathOf = (cxt: KeywordCxt) => _`${INSTANCE_PATH} + ${cxt.it.errorPath}`;

function nestsWithinAt(value: object, limit: number, pointer: string): boolean {
  return nestsWithin(value, limit - depthOffset - pointerDepth(pointer));
}

function addFormats(ajv: Ajv2020): void {
  for (const name of FORMAT_NAMES) ajv.addFormat(name, ajvFormat(name));
}

function createAjv(allErrors: boolean, advising = false): Ajv2020 {
  const ajv = new Ajv2020({ allErrors, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  addFormats(ajv);
  ajv.addVocabulary(ANNOTATIONS);
  // The platform's JSON decoder refuses a body nested deeper than this; free-form values are
  // the only places a deep value can hide, and they carry the keyword.
  ajv.addKeyword({
    keyword: MAX_DEPTH,
    schemaType: 'number',
    error: { message: 'nests too deep' },
    code(cxt: KeywordCxt) {
      maxDepthLimit = cxt.schema as number;
      const check = cxt.gen.scopeValue('func', { ref: nestsWithinAt });
      cxt.fail(_`${cxt.data} !== null && typeof ${cxt.data} == "object" && !${check}(${cxt.data}, ${cxt.schema as number}, ${pathOf(cxt)})`);
    },
  });
  if (!advising) ajv.addKeyword({ keyword: ADVICE, schemaType: 'array' });
  else {
    // Advice never fails validation: it reports to the sink and passes, so it cannot change
    // which branch of a oneOf/anyOf a value takes. All of a place's advice is one compiled
    // check; only a value that fails it is checked entry by entry, for the messages.
    ajv.addKeyword({
      keyword: ADVICE,
      schemaType: 'array',
      code(cxt: KeywordCxt) {
        // Named checks (`x-check`) are run by validateRequest, not here.
        const entries = (cxt.schema as AdviceEntry[]).filter((entry) => entry.schema !== undefined);
        if (entries.length === 0) return;
        const all = checkerFast.compile({ allOf: entries.map((entry) => entry.schema!) });
        const checks = entries.map((entry) => ({ message: entry.message, check: checker.compile(entry.schema!) }));
        const report = (data: unknown, pointer: string): void => {
          const sink = adviceSink;
          if (sink === undefined || sink.full) return;
          for (const { message, check } of checks) {
            if (!check(data)) for (const at of advicePointers(pointer, check.errors ?? [])) sink.warn(at, message);
          }
        };
        const allRef = cxt.gen.scopeValue('func', { ref: all });
        const reportRef = cxt.gen.scopeValue('func', { ref: report });
        cxt.gen.if(_`!${allRef}(${cxt.data})`, () => cxt.gen.code(_`${reportRef}(${cxt.data}, ${pathOf(cxt)})`));
      },
    });
  }
  ajv.addKeyword({ keyword: 'components', schemaType: 'object' });
  const schemas = document.components.schemas;
  const { items: itemSchema, ...items } = schemas.ProfileBatchItems as Record<string, unknown>;
  const itemRef = isJsonObject(itemSchema) && Object.keys(itemSchema).length === 1 ? itemSchema.$ref : undefined;
  if (allErrors || typeof itemRef !== 'string') ajv.addSchema({ $id: SCHEMAS_ID, components: { schemas } });
  else {
    // The fast validators answer valid or not (errors come from the detailed ones), so their
    // profile items can go through the gate: the specialised check first, Ajv where it refuses.
    const gate = profileItemsGate(ajv, advising, itemRef);
    ajv.addKeyword({
      keyword: PROFILE_ITEMS,
      type: 'array',
      schemaType: 'boolean',
      code(cxt: KeywordCxt) {
        cxt.fail(_`!${cxt.gen.scopeValue('func', { ref: gate })}(${cxt.data}, ${pathOf(cxt)}, ${ROOT_DATA})`);
      },
    });
    ajv.addSchema({ $id: SCHEMAS_ID, components: { schemas: { ...schemas, ProfileBatchItems: { ...items, [PROFILE_ITEMS]: true } } } });
  }
  // The same schemas with the profile items accepted as they are: the request envelope is
  // checked with it, and the items one by one, so errors can stop at the cap.
  ajv.addSchema({ $id: SHALLOW_ID, components: { schemas: { ...schemas, ProfileBatchItems: { ...items, items: true } } } });
  return ajv;
}

let specialisedChecks = true;

/** For tests: turn the specialised checks off (and on again) to compare results with Ajv's alone. */
export function useSpecialisedChecks(on: boolean): void {
  specialisedChecks = on;
}

/** The specialised check of one profile item (with advice: that it holds and draws no warning), if the schema allows one. */
export function specialiseItem(itemSchema: JsonSchema, advice: boolean): ValueCheck | undefined {
  return specialise(itemSchema, { resolve: resolveSchemaRef, advice, annotations: ANNOTATIONS, formats: formatChecks, nestsWithin });
}

const ITEM_SCHEMA = (document.components.schemas.ProfileBatchItems as Record<string, unknown>).items as JsonSchema;
// Compiled on first use (null: not yet), one without advice and one with.
const itemChecks: (ValueCheck | undefined | null)[] = [null, null];

/** The specialised check of the request's profile items, unless turned off or not possible. */
function itemCheck(advice: boolean): ValueCheck | undefined {
  if (!specialisedChecks) return undefined;
  const index = advice ? 1 : 0;
  if (itemChecks[index] === null) itemChecks[index] = specialiseItem(ITEM_SCHEMA, advice);
  return itemChecks[index] ?? undefined;
}

/**
 * ProfileBatchItems' `items` in the fast validators. Nearly every item of a valid body holds and
 * draws no warning: the specialised check says so without building anything. Only the items it
 * refuses go through Ajv's validator of ProfileBatchItem (the one `items` would call), which
 * reports their advice, in the same order, so results do not change. Stops at the first item
 * that fails, as `items` does without allErrors.
 */
function profileItemsGate(ajv: Ajv2020, advising: boolean, itemRef: string): (items: unknown[], pointer: string, rootData: object) => boolean {
  let validate: ValidateFunction | undefined;
  return (items, pointer, rootData) => {
    const check = itemCheck(advising);
    validate ??= ajv.compile({ $ref: SCHEMAS_ID + itemRef });
    const depth = depthOffset + pointerDepth(pointer) + 1;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (check !== undefined && check(item, depth)) continue;
      if (!validate(item, { instancePath: `${pointer}/${i}`, parentData: items, parentDataProperty: i, rootData, dynamicAnchors: {} })) return false;
    }
    return true;
  };
}

function createChecker(allErrors: boolean): Ajv2020 {
  const ajv = new Ajv2020({ allErrors, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  addFormats(ajv);
  return ajv;
}
// Advice schemas are plain JSON Schema, compiled on their own.
const checkerFast = createChecker(false);
const checker = createChecker(true);

const fast = createAjv(false);
const detailed = createAjv(true);
// Advice rides on the contract's validators: one pass of the fast one over a body that holds,
// and, when the contract fails early, the detailed ones (allErrors) part by part, so the advice
// of every part is still reached.
const advisingFast = createAjv(false, true);
const advisingDetailed = createAjv(true, true);

function compile(ajv: Ajv2020, name: string, id = SCHEMAS_ID): ValidateFunction {
  return ajv.compile({ $ref: `${id}#/components/schemas/${name}` });
}

const lazy = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

// ---------------------------------------------------------------------------------------------
// Request variants: which member of ImportAndStartBatchRequest's anyOf a body is meant for,
// read from the schema so a new matching mode needs no code change here.

interface Variant {
  name: string;
  modes: string[];
  defaultMode: string | undefined;
  forbidsMatching: boolean;
  /** The message of the variant's `field-name-in-every-item` advice, when it has one. */
  fieldInItemsAdvice: string | undefined;
}

function variantOf(ref: string): Variant {
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const schema = resolveSchemaRef(ref) as { properties?: Record<string, JsonSchema>; [ADVICE]?: AdviceEntry[] };
  const fieldInItemsAdvice = schema[ADVICE]?.find((entry) => entry['x-check'] === 'field-name-in-every-item')?.message;
  const matching = schema.properties?.matching;
  if (matching === false) {
    return { name, modes: [], defaultMode: undefined, forbidsMatching: true, fieldInItemsAdvice };
  }
  const m = matching as { enum?: string[]; const?: string; default?: string };
  return {
    name,
    modes: m.enum ?? (m.const === undefined ? [] : [m.const]),
    defaultMode: m.default,
    forbidsMatching: false,
    fieldInItemsAdvice,
  };
}

const variants: Variant[] = ((document.components.schemas.ImportAndStartBatchRequest as { anyOf: { $ref: string }[] }).anyOf).map(
  (member) => variantOf(member.$ref),
);

/** Every value `matching` accepts, in the contract's order. */
export const MATCHING_MODES: readonly string[] = variants.flatMap((variant) => variant.modes);

// The variant is chosen from `matching` first, so a body is checked against one member of
// the anyOf instead of all seven (each of which would walk every profile).
const fastVariant = new Map<string, () => ValidateFunction>(variants.map((v) => [v.name, lazy(() => compile(fast, v.name))]));
const detailedVariant = new Map<string, () => ValidateFunction>(
  [...variants.map((v) => v.name), 'BatchRequestCommon'].map((name) => [name, lazy(() => compile(detailed, name, SHALLOW_ID))]),
);
const detailedItem = lazy(() => compile(detailed, 'ProfileBatchItem'));
const fastItem = lazy(() => compile(fast, 'ProfileBatchItem'));
const advisingVariant = new Map<string, () => ValidateFunction>(variants.map((v) => [v.name, lazy(() => compile(advisingFast, v.name))]));
const advisingEnvelope = new Map<string, () => ValidateFunction>(
  [...variants.map((v) => v.name), 'BatchRequestCommon'].map((name) => [name, lazy(() => compile(advisingDetailed, name, SHALLOW_ID))]),
);
const advisingItemFast = lazy(() => compile(advisingFast, 'ProfileBatchItem'));
const advisingItem = lazy(() => compile(advisingDetailed, 'ProfileBatchItem'));

// ---------------------------------------------------------------------------------------------
// Turning Ajv's errors into violations people can act on.

function describeTypes(errors: ErrorObject[]): string {
  const types = errors.flatMap((e) => String(e.params.type).split(','));
  return `must be ${[...new Set(types)].join(' or ')}`;
}

/**
 * Ajv reports a failed oneOf/anyOf after the errors of each of its alternatives (the ones at or
 * below the same place). Keep what the alternatives that fit the value's type say; when none
 * fits, say which types would.
 */
function simplify(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  for (const error of errors) {
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') {
      out.push(error);
      continue;
    }
    const here = error.instancePath;
    const within = (e: ErrorObject) => e.instancePath === here || e.instancePath.startsWith(`${here}/`);
    let start = out.length;
    while (start > 0 && within(out[start - 1]!)) start--;
    const alternatives = out.splice(start);
    const isTypeMismatch = (e: ErrorObject) => e.keyword === 'type' && e.instancePath === here;
    const fitting = alternatives.filter((e) => !isTypeMismatch(e));
    if (fitting.length === 0) {
      out.push({ ...error, message: describeTypes(alternatives) });
      continue;
    }
    const atHere = fitting.filter((e) => e.instancePath === here);
    if (atHere.length > 1 && atHere.every((e) => e.keyword === 'required')) {
      out.push({ ...error, message: `must have ${atHere.map((e) => e.params.missingProperty).join(' or ')}` });
    } else if (atHere.length > 1) {
      out.push({ ...atHere[0]!, message: [...new Set(atHere.map((e) => e.message))].join(' or ') });
    } else out.push(...atHere);
    out.push(...fitting.filter((e) => e.instancePath !== here));
  }
  return out;
}

function toViolation(error: ErrorObject, prefix: string): Violation {
  const base = prefix + error.instancePath;
  switch (error.keyword) {
    case 'required':
      return { pointer: pointerChild(base, error.params.missingProperty as string), message: 'is required' };
    case 'additionalProperties':
      return { pointer: pointerChild(base, error.params.additionalProperty as string), message: 'is not a known field here' };
    case 'unevaluatedProperties':
      return { pointer: pointerChild(base, error.params.unevaluatedProperty as string), message: 'is not a known field here' };
    case 'enum':
      return { pointer: base, message: `must be one of: ${(error.params.allowedValues as unknown[]).join(', ')}` };
    case MAX_DEPTH:
      return { pointer: base, message: `nests deeper than the ${maxDepthLimit.toLocaleString('en-US')} levels the platform's JSON decoder takes` };
    default:
      return { pointer: base, message: error.message ?? `fails ${error.keyword}` };
  }
}

class Collector {
  readonly violations: Violation[] = [];
  truncated = false;
  readonly warnings: Violation[] = [];
  warningsTruncated = false;
  private readonly warned = new Set<string>();
  constructor(private readonly cap: number) {}
  get full(): boolean {
    return this.violations.length >= this.cap;
  }
  add(violation: Violation): void {
    // One message per place: a value that breaks several rules is fixed once.
    if (this.violations.some((known) => known.pointer === violation.pointer)) return;
    if (this.full) this.truncated = true;
    else this.violations.push(violation);
  }
  addAjv(errors: ErrorObject[] | null | undefined, prefix = ''): void {
    for (const error of simplify(errors ?? [])) this.add(toViolation(error, prefix));
  }
  warn(pointer: string, message: string): void {
    if (this.warningsTruncated) return;
    const key = `${pointer}\u0000${message}`;
    if (this.warned.has(key)) return;
    if (this.warnings.length >= this.cap) this.warningsTruncated = true;
    else {
      this.warned.add(key);
      this.warnings.push({ pointer, message });
    }
  }
  result(strict = false): ValidationResult {
    const valid = this.violations.length === 0 && !(strict && this.warnings.length > 0);
    return { valid, violations: this.violations, truncated: this.truncated, warnings: this.warnings, warningsTruncated: this.warningsTruncated };
  }
}

// ---------------------------------------------------------------------------------------------


function chooseVariant(body: Record<string, unknown>, out: Collector): Variant | undefined {
  // "custom_request ... when no matching specified": without matching a query selects the
  // query variant; with matching, the mode decides (and the advice warns about the pair).
  if (!('matching' in body)) return variants.find((v) => ('custom_request' in body ? v.forbidsMatching : v.defaultMode !== undefined));
  const variant = variants.find((v) => v.modes.includes(body.matching as string));
  if (!variant) out.add({ pointer: '/matching', message: `must be one of: ${MATCHING_MODES.join(', ')}` });
  return variant;
}

/** For custom matching each item should carry the field it is matched by (advice). */
function checkMatchFields(body: Record<string, unknown>, message: string, out: Collector): void {
  const fieldName = body.field_name;
  if (typeof fieldName !== 'string' || !Array.isArray(body.data)) return;
  const items = body.data;
  for (let i = 0; i < items.length && !out.warningsTruncated; i++) {
    const item = items[i];
    if (!isJsonObject(item) || !isJsonObject(item.data)) continue;
    // Own fields only: a field named `valueOf` or `constructor` is not in a profile for being inherited.
    const value = Object.hasOwn(item.data, fieldName) ? item.data[fieldName] : undefined;
    if (value === undefined || value === null || value === '') {
      out.warn(pointerChild(pointerChild(pointerChild('/data', i), 'data'), fieldName), message);
    }
  }
}

/**
 * Validates a request body (the JSON model; decode XML first) against the contract: the
 * schema of its matching variant. Violations come from the contract tier; warnings from its
 * advice (`x-altcraft-advice`, and for custom matching each item holding field_name), computed
 * unless `advice: false`. Valid bodies take one pass of a compiled validator: the contract's,
 * or with advice the same validator with the advice compiled in (advice never fails it). In that
 * pass each profile item meets a specialised check first (validation/specialise.ts), and only
 * the items it refuses (they break the contract or draw a warning) go through Ajv. Never throws
 * on a JSON value, however deep.
 */
export function validateRequest(body: unknown, options: ValidateOptions = {}): ValidationResult {
  const out = new Collector(options.maxViolations ?? MAX_VIOLATIONS);
  if (!isJsonObject(body)) {
    out.add({ pointer: '', message: 'must be an object' });
    return out.result(options.strict);
  }
  const variant = chooseVariant(body, out);
  const advice = options.advice !== false;
  let prefix = '';
  const sink: AdviceSink = {
    warn: (pointer, message) => out.warn(prefix + pointer, message),
    get full() {
      return out.warningsTruncated;
    },
  };
  adviceSink = advice ? sink : undefined;
  try {
    const fastOf = advice ? advisingVariant : fastVariant;
    const schemaValid = variant !== undefined && out.violations.length === 0 && fastOf.get(variant.name)!()(body);
    if (!schemaValid) {
      // The fast pass stopped at the first failure: go over the envelope, then the profiles one
      // by one (a profile that holds needs only its fast pass), up to the violations' cap. With
      // advice, the detailed validators carry it, so one pass gives both tiers.
      const envelopes = advice ? advisingEnvelope : detailedVariant;
      const validateEnvelope = envelopes.get(variant?.name ?? 'BatchRequestCommon')!();
      if (!validateEnvelope(body)) out.addAjv(validateEnvelope.errors);
      const items = Array.isArray(body.data) ? body.data : [];
      const [quick, full] = advice ? [advisingItemFast(), advisingItem()] : [fastItem(), detailedItem()];
      const check = itemCheck(advice);
      withDepthOffset(2, () => {
        let i = 0;
        for (; i < items.length && !out.truncated; i++) {
          // An item that holds (and draws no warning) has nothing to report.
          if (check !== undefined && check(items[i], 2)) continue;
          prefix = pointerChild('/data', i);
          if (!quick(items[i]) && !full(items[i])) out.addAjv(full.errors, prefix);
        }
        // Advice is not computed past the violations' cap: say the warnings may be incomplete.
        if (advice && i < items.length) out.warningsTruncated = true;
      });
      prefix = '';
    }
    if (advice && variant?.fieldInItemsAdvice !== undefined) checkMatchFields(body, variant.fieldInItemsAdvice, out);
  } finally {
    adviceSink = undefined;
  }
  return out.result(options.strict);
}

const taskStatusRequest = lazy(() => compile(detailed, 'TaskStatusRequest'));
const advisingTaskStatusRequest = lazy(() => compile(advisingDetailed, 'TaskStatusRequest'));

/**
 * Validates a task status request body (the JSON model; decode XML first) against the contract,
 * with its advice as warnings unless `advice: false`. Never throws on a JSON value.
 */
export function validateTaskStatusRequest(body: unknown, options: ValidateOptions = {}): ValidationResult {
  const out = new Collector(options.maxViolations ?? MAX_VIOLATIONS);
  const advice = options.advice !== false;
  const validate = (advice ? advisingTaskStatusRequest : taskStatusRequest)();
  adviceSink = advice
    ? {
        warn: (pointer, message) => out.warn(pointer, message),
        get full() {
          return out.warningsTruncated;
        },
      }
    : undefined;
  try {
    if (!validate(body)) out.addAjv(validate.errors);
  } finally {
    adviceSink = undefined;
  }
  return out.result(options.strict);
}

// The 200 answer is a oneOf of the operation's result and the error envelope, which `error`
// tells apart (0 for the one, any other code for the other): validating the member it picks is
// the oneOf's verdict, with the member's own messages instead of both members' complaints. Advice
// needs it anyway: advice never fails, so inside the oneOf the member that does not apply would
// warn about everything (a success's `result` is no field of the error envelope).
type Validators = { fast: () => ValidateFunction; detailed: () => ValidateFunction; advising: () => ValidateFunction; advisingDetailed: () => ValidateFunction };
const validatorsOf = (name: string): Validators => ({
  fast: lazy(() => compile(fast, name)),
  detailed: lazy(() => compile(detailed, name)),
  advising: lazy(() => compile(advisingFast, name)),
  advisingDetailed: lazy(() => compile(advisingDetailed, name)),
});
const envelopeValidators = validatorsOf('ErrorEnvelope');
const resultValidators = new Map<OperationId, Validators>();
for (const [id, operation] of Object.entries(operations) as [OperationId, (typeof operations)[OperationId]][]) {
  const members = (document.components.schemas[operation.successSchema] as { oneOf: { $ref: string }[] }).oneOf.map((m) => m.$ref.slice(m.$ref.lastIndexOf('/') + 1));
  resultValidators.set(id, validatorsOf(members.find((name) => name !== 'ErrorEnvelope')!));
}

/**
 * Validates a response body (the JSON model) of `operationId`: the HTTP 200 schema for status
 * 200, the error envelope for any other status. Violations come from the answer's contract tier
 * (what the pages document an answer to be); warnings from its advice (lengths, patterns, ranges
 * and field names no page states), computed unless `advice: false`. A real answer with a field
 * the pages do not list is valid, with a warning.
 */
export function validateResponse(operationId: OperationId, status: number, body: unknown, options: ValidateOptions = {}): ValidationResult {
  const out = new Collector(options.maxViolations ?? MAX_VIOLATIONS);
  const success = status === 200 && isJsonObject(body) && body.error === 0;
  const validators = success ? resultValidators.get(operationId)! : envelopeValidators;
  const advice = options.advice !== false;
  adviceSink = advice ? { warn: (pointer, message) => out.warn(pointer, message), get full() { return out.warningsTruncated; } } : undefined;
  try {
    // One pass of the fast validator (with the advice compiled in) for an answer that holds; the
    // detailed one otherwise, which reaches every part's violations and advice.
    if (!(advice ? validators.advising : validators.fast)()(body)) {
      const validate = (advice ? validators.advisingDetailed : validators.detailed)();
      validate(body);
      out.addAjv(validate.errors);
    }
  } finally {
    adviceSink = undefined;
  }
  return out.result(options.strict);
}
