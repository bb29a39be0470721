import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { document, pointerChild, resolveSchemaRef, type JsonSchema } from './document.js';
import { operations, type OperationId } from './operations.js';

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
  /** True when more warnings exist than were reported. */
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
const ANNOTATIONS = ['xml', 'externalDocs', 'discriminator', 'example', 'x-altcraft-xml-unwrap'];
const ADVICE = 'x-altcraft-advice';
const FORMATS = ['email', 'date', 'date-time', 'ipv4', 'ipv6', 'uri', 'int32', 'int64'] as const;

/** One entry of `x-altcraft-advice`: JSON Schema keywords the value should also meet, and what to say when it does not. */
interface AdviceEntry {
  message: string;
  source?: string;
  schema: JsonSchema;
}

// Where the advice keyword reports, while one validation runs (validation is synchronous).
let adviceSink: ((pointer: string, message: string) => void) | undefined;

function createAjv(allErrors: boolean, advising = false): Ajv2020 {
  const ajv = new Ajv2020({ allErrors, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
  addFormats.default(ajv, [...FORMATS]);
  ajv.addVocabulary(ANNOTATIONS);
  if (!advising) ajv.addKeyword({ keyword: ADVICE, schemaType: 'array' });
  else {
    // Advice never fails validation: it reports to the sink and passes, so it cannot change
    // which branch of a oneOf/anyOf a value takes.
    const checker = new Ajv2020({ allErrors: false, strict: true, strictTypes: false, allowUnionTypes: true });
    addFormats.default(checker, [...FORMATS]);
    ajv.addKeyword({
      keyword: ADVICE,
      schemaType: 'array',
      compile(entries: AdviceEntry[]) {
        const checks = entries.map((entry) => ({ message: entry.message, check: checker.compile(entry.schema) }));
        return (data: unknown, context?: { instancePath: string }) => {
          const sink = adviceSink;
          if (sink === undefined) return true;
          for (const { message, check } of checks) if (!check(data)) sink(context?.instancePath ?? '', message);
          return true;
        };
      },
    });
  }
  ajv.addKeyword({ keyword: 'components', schemaType: 'object' });
  ajv.addSchema({ $id: SCHEMAS_ID, components: { schemas: document.components.schemas } });
  // The same schemas with the profile items accepted as they are: the request envelope is
  // checked with it, and the items one by one, so errors can stop at the cap.
  const schemas = document.components.schemas;
  const items = schemas.ProfileBatchItems as Record<string, unknown>;
  ajv.addSchema({ $id: SHALLOW_ID, components: { schemas: { ...schemas, ProfileBatchItems: { ...items, items: true } } } });
  return ajv;
}

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
// Request variants: which member of ImportAndStartBatchRequest's oneOf a body is meant for,
// read from the schema so a new matching mode needs no code change here.

interface Variant {
  name: string;
  modes: string[];
  defaultMode: string | undefined;
  forbidsMatching: boolean;
  requiresFieldInItems: boolean;
}

function variantOf(ref: string): Variant {
  const name = ref.slice(ref.lastIndexOf('/') + 1);
  const schema = resolveSchemaRef(ref) as { properties?: Record<string, JsonSchema>; required?: string[] };
  const matching = schema.properties?.matching;
  if (matching === false) {
    return { name, modes: [], defaultMode: undefined, forbidsMatching: true, requiresFieldInItems: false };
  }
  const m = matching as { enum?: string[]; const?: string; default?: string };
  return {
    name,
    modes: m.enum ?? (m.const === undefined ? [] : [m.const]),
    defaultMode: m.default,
    forbidsMatching: false,
    requiresFieldInItems: schema.required?.includes('field_name') ?? false,
  };
}

const variants: Variant[] = ((document.components.schemas.ImportAndStartBatchRequest as { oneOf: { $ref: string }[] }).oneOf).map(
  (member) => variantOf(member.$ref),
);

/** Every value `matching` accepts, in the contract's order. */
export const MATCHING_MODES: readonly string[] = variants.flatMap((variant) => variant.modes);

// The variant is chosen from `matching` first, so a body is checked against one member of
// the oneOf instead of all seven (each of which would walk every profile).
const fastVariant = new Map<string, () => ValidateFunction>(variants.map((v) => [v.name, lazy(() => compile(fast, v.name))]));
const detailedVariant = new Map<string, () => ValidateFunction>(
  [...variants.map((v) => v.name), 'BatchRequestCommon'].map((name) => [name, lazy(() => compile(detailed, name, SHALLOW_ID))]),
);
const detailedItem = lazy(() => compile(detailed, 'ProfileBatchItem'));
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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function chooseVariant(body: Record<string, unknown>, out: Collector): Variant | undefined {
  const hasQuery = 'custom_request' in body;
  if (!('matching' in body)) return variants.find((v) => (hasQuery ? v.forbidsMatching : v.defaultMode !== undefined));
  if (hasQuery) out.add({ pointer: '/custom_request', message: 'must not be sent together with matching: choose one way to find profiles' });
  const variant = variants.find((v) => v.modes.includes(body.matching as string));
  if (!variant) out.add({ pointer: '/matching', message: `must be one of: ${MATCHING_MODES.join(', ')}` });
  return variant;
}

/** For custom matching every item must carry the field it is matched by. */
function checkMatchField(body: Record<string, unknown>, index: number, out: Collector): void {
  const fieldName = body.field_name;
  const item = (body.data as unknown[])[index];
  if (typeof fieldName !== 'string' || !isObject(item) || !isObject(item.data)) return;
  const value = item.data[fieldName];
  if (value === undefined || value === null || value === '') {
    out.add({
      pointer: pointerChild(pointerChild(pointerChild('/data', index), 'data'), fieldName),
      message: `is required: profiles are matched by the custom field "${fieldName}" (field_name)`,
    });
  }
}

/**
 * Runs the advice of the spec over the body: the contract schema of its variant with
 * `x-altcraft-advice` active. Returns whether the contract schema held (advice never fails it).
 */
function runAdvice(body: Record<string, unknown>, variant: Variant | undefined, out: Collector): boolean {
  let prefix = '';
  adviceSink = (pointer, message) => out.warn(prefix + pointer, message);
  try {
    if (variant !== undefined && advisingVariant.get(variant.name)!()(body)) return true;
    // The contract failed somewhere, and the fast pass stopped there: go over the envelope and
    // then each profile (a profile that holds needs only its fast pass). Repeats are merged.
    advisingEnvelope.get(variant?.name ?? 'BatchRequestCommon')!()(body);
    const items = Array.isArray(body.data) ? body.data : [];
    const [quick, full] = [advisingItemFast(), advisingItem()];
    for (let i = 0; i < items.length && !out.warningsTruncated; i++) {
      prefix = pointerChild('/data', i);
      if (!quick(items[i])) full(items[i]);
    }
    return false;
  } finally {
    adviceSink = undefined;
  }
}

/**
 * Validates a request body (the JSON model; decode XML first) against the contract: the
 * schema of its matching variant, then what JSON Schema cannot say (for custom matching, each
 * item holds field_name). Violations come from the contract tier, warnings from its advice
 * (`x-altcraft-advice`). Valid bodies take one pass of a compiled validator.
 */
export function validateRequest(body: unknown, options: ValidateOptions = {}): ValidationResult {
  const out = new Collector(options.maxViolations ?? MAX_VIOLATIONS);
  if (!isObject(body)) {
    out.add({ pointer: '', message: 'must be an object' });
    return out.result();
  }
  const variant = chooseVariant(body, out);
  // With advice, the advising validator is the contract's validator plus the advice, so a body
  // it passes needs no second pass.
  const passed = options.advice !== false ? runAdvice(body, variant, out) : undefined;
  const schemaValid =
    variant !== undefined && out.violations.length === 0 && (passed ?? fastVariant.get(variant.name)!()(body));
  if (!schemaValid) {
    const validateEnvelope = detailedVariant.get(variant?.name ?? 'BatchRequestCommon')!();
    if (!validateEnvelope(body)) out.addAjv(validateEnvelope.errors);
  }
  const items = Array.isArray(body.data) ? body.data : [];
  const validateItem = detailedItem();
  for (let i = 0; i < items.length && !out.truncated; i++) {
    if (!schemaValid && !validateItem(items[i])) out.addAjv(validateItem.errors, pointerChild('/data', i));
    else if (variant?.requiresFieldInItems) checkMatchField(body, i, out);
  }
  return out.result(options.strict);
}

const fastResponse = new Map<OperationId, () => ValidateFunction>();
const detailedResponse = new Map<OperationId, () => ValidateFunction>();
for (const [id, operation] of Object.entries(operations) as [OperationId, (typeof operations)[OperationId]][]) {
  fastResponse.set(id, lazy(() => compile(fast, operation.successSchema)));
  detailedResponse.set(id, lazy(() => compile(detailed, operation.successSchema)));
}
const fastEnvelope = lazy(() => compile(fast, 'ErrorEnvelope'));
const detailedEnvelope = lazy(() => compile(detailed, 'ErrorEnvelope'));

/**
 * Validates a response body (the JSON model) of `operationId`: the HTTP 200 schema for status
 * 200, the error envelope for any other status.
 */
export function validateResponse(operationId: OperationId, status: number, body: unknown, options: ValidateOptions = {}): ValidationResult {
  const out = new Collector(options.maxViolations ?? MAX_VIOLATIONS);
  const [quick, full] = status === 200 ? [fastResponse.get(operationId)!, detailedResponse.get(operationId)!] : [fastEnvelope, detailedEnvelope];
  if (quick()(body)) return out.result();
  const validate = full();
  validate(body);
  out.addAjv(validate.errors);
  return out.result();
}
