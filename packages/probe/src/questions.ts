// The open questions of the contract, each as one small request whose answer settles it.
import { MAX_BODY_BYTES, MAX_PROFILES } from '@altcraft-api/contract';
import { acceptanceOf, answerEncodingWithoutFormat, bearerAcceptance, missingTokenRefusal, oversizeRefusal, resultOrder, taskStatusAnswer, type Assumption, type Encoding } from './assumptions.js';

/** One request of the probe, before the token is added. */
export interface ProbeRequest {
  /** The body as the contract sees it (without the token). */
  body: Record<string, unknown>;
  /** The request's encoding (its Content-Type). */
  encoding: Encoding;
  /** Where the token travels: the body's `token` (the default), `Authorization: Bearer`, or nowhere. */
  auth: 'body' | 'bearer' | 'none';
  /** Pad the JSON text with whitespace inside the object to exactly this many bytes. */
  padToBytes?: number;
}

export interface ProbeContext {
  workflowId: number;
  /** The field `custom_sub` matches on. */
  fieldName: string;
  /** The key the `attach` probes name. */
  fileKey: string;
  /** The profile id the baseline's answer gave probe+1, once known. */
  baselineProfileId?: string;
}

export interface Question {
  id: string;
  question: string;
  /** `n` numbers the probe's profile: probe+n@example.invalid. */
  request(n: number, context: ProbeContext): ProbeRequest;
  /** What the contract assumes the platform does with `request`. */
  assumes(request: ProbeRequest): Assumption;
  /** Sent to import_and_start_batch_task, and its task followed with tasks/status (task.ts). */
  followsTask?: boolean;
}

export const emailOf = (n: number) => `probe+${n}@example.invalid`;
// Ofcom's range for fiction (07700 900000-900999): no real phone receives a scenario's SMS.
const phoneOf = (n: number) => `+447700900${String(n % 1000).padStart(3, '0')}`;

function base(n: number, context: ProbeContext, data: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    workflow_id: context.workflowId,
    format: 'json',
    matching: 'email',
    skip_triggers: true,
    ...extra,
    data: [{ data: { email: emailOf(n), ...data } }],
  };
}

const json = (body: Record<string, unknown>): ProbeRequest => ({ body, encoding: 'json', auth: 'body' });
const byValidator = (request: ProbeRequest) => acceptanceOf(request.body);

function withoutKey(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _, ...rest } = body;
  return rest;
}

// The six modes the platform's matching page lists and the endpoint page does not.
const EXTRA_MATCHING_MODES = ['email_sub', 'phone_sub', 'push_sub', 'custom_sub', 'email_phone', 'email_phone_sub'] as const;

function matchingQuestion(mode: (typeof EXTRA_MATCHING_MODES)[number]): Question {
  return {
    id: `matching-${mode}`,
    question: `Is \`matching: "${mode}"\` accepted (matching page only)?`,
    request: (n, context) => {
      const phone = mode.includes('phone') ? { phones: phoneOf(n) } : {};
      const field = mode === 'custom_sub' && context.fieldName !== 'email' ? { [context.fieldName]: `probe-${n}` } : {};
      const extra = mode === 'custom_sub' ? { matching: mode, field_name: context.fieldName } : { matching: mode };
      return json(base(n, context, { ...phone, ...field }, extra));
    },
    assumes: byValidator,
  };
}

export const QUESTIONS: readonly Question[] = [
  {
    id: 'baseline',
    question: 'Is a plain request accepted (one profile, JSON, token in the body)?',
    request: (n, context) => json(base(n, context)),
    assumes: byValidator,
  },
  {
    id: 'bearer',
    question: 'Is the token accepted as `Authorization: Bearer` (none in the body)?',
    request: (n, context) => ({ ...json(base(n, context)), auth: 'bearer' }),
    assumes: () => bearerAcceptance(),
  },
  {
    id: 'no-token',
    question: 'How is a request without any token answered (HTTP status)?',
    request: (n, context) => ({ ...json(base(n, context)), auth: 'none' }),
    assumes: () => missingTokenRefusal(),
  },
  {
    id: 'result-order',
    question: 'Do the results come in the order sent (a new profile, then the baseline\'s probe+1)?',
    request: (n, context) => {
      const body = base(n, context);
      return json({ ...body, data: [...(body.data as unknown[]), { data: { email: emailOf(1) } }] });
    },
    assumes: () => resultOrder(),
  },
  {
    id: 'profiles-over-limit',
    question: `Are ${(MAX_PROFILES + 1).toLocaleString('en-US')} profiles accepted in one request (one profile, repeated)?`,
    request: (n, context) => {
      const body = base(n, context);
      const item = (body.data as unknown[])[0];
      return json({ ...body, data: Array.from({ length: MAX_PROFILES + 1 }, () => item) });
    },
    assumes: byValidator,
  },
  {
    id: 'unknown-field',
    question: 'Is an unknown top-level field accepted?',
    request: (n, context) => json(base(n, context, {}, { probe_unknown_field: true })),
    assumes: byValidator,
  },
  {
    id: 'xml-answer-encoding',
    question: 'In which encoding is an XML request without `format` answered?',
    request: (n, context) => ({ body: withoutKey(base(n, context), 'format'), encoding: 'xml', auth: 'body' }),
    assumes: (request) => answerEncodingWithoutFormat(request.encoding),
  },
  {
    id: 'attach-flie_key',
    question: 'Is an `attach` item with `flie_key` (the pages\' spelling) accepted?',
    request: (n, context) => json(base(n, context, {}, { attach: [{ name: 'probe.txt', flie_key: context.fileKey, data: 'cHJvYmU=', mimetype: 'text/plain' }] })),
    assumes: byValidator,
  },
  {
    id: 'attach-file_key',
    question: 'Is an `attach` item with `file_key` accepted?',
    request: (n, context) => json(base(n, context, {}, { attach: [{ name: 'probe.txt', file_key: context.fileKey, data: 'cHJvYmU=', mimetype: 'text/plain' }] })),
    assumes: byValidator,
  },
  {
    id: 'date-without-seconds',
    question: 'Is a date-time without seconds accepted (`_bdate: "2001-12-31T00:00+03:00"`)?',
    request: (n, context) => json(base(n, context, { _bdate: '2001-12-31T00:00+03:00' })),
    assumes: byValidator,
  },
  {
    id: 'regurl-without-scheme',
    question: 'Is `_regurl` without a scheme accepted (`"www.example.com"`)?',
    request: (n, context) => json(base(n, context, { _regurl: 'www.example.com' })),
    assumes: byValidator,
  },
  {
    id: 'regcountry-name',
    question: 'Is a country name in `_regcountry` accepted (`"Russian Federation"`)?',
    request: (n, context) => json(base(n, context, { _regcountry: 'Russian Federation' })),
    assumes: byValidator,
  },
  {
    id: 'matching-with-custom-request',
    question: 'Is `matching` together with `custom_request` accepted?',
    request: (n, context) => json(base(n, context, {}, { custom_request: { email: emailOf(n) } })),
    assumes: byValidator,
  },
  ...EXTRA_MATCHING_MODES.map(matchingQuestion),
  {
    id: 'task-status',
    question: 'Does `tasks/status` answer for a task of `import_and_start_batch_task`, and what does its result hold?',
    request: (n, context) => json(base(n, context)),
    assumes: () => taskStatusAnswer(),
    followsTask: true,
  },
  {
    id: 'body-over-limit',
    question: `How is a body of ${(MAX_BODY_BYTES + 1).toLocaleString('en-US')} bytes (10 MiB + 1, whitespace) answered?`,
    request: (n, context) => ({ ...json(base(n, context)), padToBytes: MAX_BODY_BYTES + 1 }),
    assumes: () => oversizeRefusal(),
  },
];

/** The questions named by `ids` (all when undefined), in the probe's order; unknown ids throw. */
export function selectQuestions(ids?: readonly string[]): { question: Question; n: number }[] {
  const numbered = QUESTIONS.map((question, index) => ({ question, n: index + 1 }));
  if (!ids) return numbered;
  const unknown = ids.filter((id) => !QUESTIONS.some((q) => q.id === id));
  if (unknown.length > 0) throw new Error(`unknown question ${unknown.join(', ')}; the questions are: ${QUESTIONS.map((q) => q.id).join(', ')}`);
  // The baseline always runs first: without it no other answer means anything.
  return numbered.filter(({ question }) => question.id === 'baseline' || ids.includes(question.id));
}
