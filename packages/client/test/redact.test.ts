// Hostile tokens: ones that change under every encoding a server may echo them in (URL, form,
// JSON, XML/HTML escapes), checked against the redactor alone and then through every output of
// the client (errors, their causes and renderings, outcomes, the Location of a redirect).
import { Console } from 'node:console';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createAltcraftClient } from '../src/client.js';
import { AltcraftApiError, AltcraftRedirectError } from '../src/errors.js';
import { importProfiles, type ProfileOutcome } from '../src/import-profiles.js';
import { createRedactor, MIN_PIECE } from '../src/redact.js';
import { answer, startServer, type TestServer } from './support/server.js';
import { failure } from './support/failure.js';
import { seeded } from './support/random.js';

const TOKENS = [
  ['ASCII with + / = % space & ? #', 'Tok+en/Pa=ss%20wo rd&q?x#frag-9f3c'],
  ['Cyrillic', 'КлючДоступа-тайный+/=Секрет'],
  ['emoji', 'tok😀en🔑-very/secret=+end'],
  ['quotes and markup', `q"uo'te<tag>&amp;-Secr3t-tail`],
  ['base64-looking', 'c2VjcmV0K3Rva2VuLz09+/=='],
  // Every 8 characters mix what each encoding changes and what the others leave: no form is
  // covered by the pieces of the others.
  ['dense mix', `/ä '/ö "/ü &/é </ë >/ï +/ô =/ç ?/ñ #`],
] as const;

const hex4 = (unit: number) => `\\u${unit.toString(16).padStart(4, '0')}`;

/** Every form a server may echo the token in, each written the way its producer writes it. */
function forms(token: string): Record<string, string> {
  const json = JSON.stringify(token).slice(1, -1);
  return {
    raw: token,
    'upper case': token.toUpperCase(),
    encodeURIComponent: encodeURIComponent(token),
    encodeURI: encodeURI(token),
    // application/x-www-form-urlencoded: space as +, and ! ' ( ) ~ escaped too.
    'form encoding': new URLSearchParams({ t: token }).toString().slice(2),
    'JSON string': json,
    // What ensure_ascii serialisers (Python, PHP) write: \uXXXX for every non-ASCII code unit.
    'JSON, ASCII only': json.replace(/[\u007f-\uffff]/g, (c) => hex4(c.charCodeAt(0))),
    // PHP's json_encode also escapes the slash, by default with every non-ASCII one.
    'JSON, escaped slash': json.replace(/\//g, '\\/'),
    'JSON, ASCII only, escaped slash': json.replace(/[\u007f-\uffff]/g, (c) => hex4(c.charCodeAt(0))).replace(/\//g, '\\/'),
    // An XML text node needs only & < > escaped.
    'XML text escapes': token.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    'XML escapes': token.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'),
    'HTML numeric escapes': token.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;'),
  };
}

const fold = (text: string) => text.toLowerCase();

/** The forms of the token (any case) that `text` still holds a MIN_PIECE-character piece of. */
function leaked(text: string, token: string): string[] {
  const folded = fold(text);
  const found: string[] = [];
  for (const [name, form] of Object.entries(forms(token))) {
    const f = fold(form);
    const pieces = f.length <= MIN_PIECE ? [f] : Array.from({ length: f.length - MIN_PIECE + 1 }, (_, i) => f.slice(i, i + MIN_PIECE));
    const piece = pieces.find((p) => folded.includes(p));
    if (piece !== undefined) found.push(`${name} (${JSON.stringify(piece)})`);
  }
  return found;
}

describe.each(TOKENS)('the redactor, token %s', (_name, token) => {
  const redact = createRedactor(token);

  it.each(Object.entries(forms(token)))('removes the token written as %s, and keeps the text around it', (_form, form) => {
    // Nothing of it is left, not even a character shorter than a piece: the echo, or a part of
    // it, becomes one mark.
    for (const echoed of [form, form.toUpperCase(), form.slice(2, -2)]) expect(redact(`before «${echoed}» after`)).toBe('before «[redacted]» after');
  });

  it('removes every form at once, and leaves a text without the token alone', () => {
    const all = Object.values(forms(token)).join(' | ');
    expect(leaked(redact(all), token)).toEqual([]);
    expect(redact('nothing secret here: 200 OK, 6613c4754a5d12bd6cc0915f')).toBe('nothing secret here: 200 OK, 6613c4754a5d12bd6cc0915f');
  });
});

it('a token with a lone surrogate (which URL encoders refuse) still makes a redactor, for the forms it has', () => {
  const token = 'tok\uD83Den-secret-5f19953a';
  const redact = createRedactor(token);
  for (const form of [token, JSON.stringify(token).slice(1, -1), token.toUpperCase()]) expect(redact(`a ${form} b`)).toBe('a [redacted] b');
});

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** Every way an error ends up as text: message, String, JSON, stack, inspect, console, the cause chain. */
function renderings(value: unknown): string {
  const logged: string[] = [];
  const sink = new Writable({ write: (chunk, _encoding, done) => (logged.push(String(chunk)), done()) });
  const logger = new Console({ stdout: sink, stderr: sink });
  logger.error(value);
  logger.error('failed: %s %o %j', value, value, value);
  const texts = [String(value), JSON.stringify(value) ?? '', inspect(value, { depth: 10, showHidden: true }), ...logged];
  for (let error = value as Error | undefined, depth = 0; error instanceof Error && depth < 10; error = error.cause as Error | undefined, depth++) {
    texts.push(String(error.message), String(error.stack), String(error.cause));
  }
  return texts.join('\n');
}

const request = { workflow_id: 12, data: [{ data: { email: 'a@example.com' } }] };
// A header (reason phrase, X-Request-Id) carries Latin-1 only: the forms that are ASCII.
const headerSafe = (text: string) => /^[\x20-\x7e]*$/.test(text);

describe.each(TOKENS)('the client, token %s', (_name, token) => {
  const echoes = Object.entries(forms(token));

  it.each(echoes)('an answer echoing the token as %s reaches no error, cause or rendering', async (_form, echo) => {
    // One request per place the server can put it.
    const answers: ((res: Parameters<typeof answer>[0]) => void)[] = [
      (res) => answer(res, 500, { error: 500, error_text: `bad token ${echo}`, error_debug: `got ${echo}` }),
      (res) => {
        res.writeHead(502, headerSafe(echo) ? `Bad ${echo}` : 'Bad Gateway', { 'Content-Type': 'text/html', 'X-Request-Id': headerSafe(echo) ? `r-${echo}` : 'r-1' });
        res.end(`<html><body>token ${echo} refused</body></html>`);
      },
      (res) => answer(res, 503, { message: `token ${echo}` }),
      (res) => answer(res, 500, `<xml><error_text>token ${echo}</error_text`),
    ];
    let next = 0;
    const server = await startServer((_req, res) => answers[next++ % answers.length]!(res));
    servers.push(server);
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token });
    for (let i = 0; i < answers.length; i++) {
      const error = await failure(client.importAndStartBatch(request));
      expect(error, `answer ${i}`).toBeInstanceOf(AltcraftApiError);
      expect(leaked(renderings(error), token), `answer ${i}`).toEqual([]);
    }
  });

  it.each(echoes)('a per-item error text echoing the token as %s reaches no outcome', async (_form, echo) => {
    const server = await startServer((_req, res) => answer(res, 200, { error: 0, error_text: 'ok', result: [{ error: 400, error_text: `bad ${echo}` }] }));
    servers.push(server);
    const outcomes: ProfileOutcome[] = [];
    const summary = await importProfiles(createAltcraftClient({ baseUrl: server.baseUrl, token }), { workflow_id: 12, profiles: [{ email: 'a@example.com' }], onOutcome: (o) => void outcomes.push(o) });
    expect(outcomes[0]).toMatchObject({ status: 'failed', error: { kind: 'item' } });
    expect(leaked(JSON.stringify(outcomes) + JSON.stringify(summary) + inspect(outcomes, { depth: 10 }), token)).toEqual([]);
  });

  it('a Location holding the token, in its path, reaches no redirect error', async () => {
    const locations = echoes.filter(([, echo]) => headerSafe(echo)).map(([, echo]) => `/moved/${echo}/x?token=${encodeURIComponent(token)}`);
    locations.push(`/moved/${encodeURIComponent(token)}`, `/moved/${encodeURI(token)}`);
    let next = 0;
    const server = await startServer((_req, res) => {
      res.writeHead(307, { Location: locations[next++]! });
      res.end();
    });
    servers.push(server);
    const client = createAltcraftClient({ baseUrl: server.baseUrl, token });
    for (const location of locations) {
      const error = await failure(client.importAndStartBatch(request));
      expect(error, location).toBeInstanceOf(AltcraftRedirectError);
      expect(leaked(renderings(error), token), location).toEqual([]);
    }
  });
});

describe('the redactor next to characters whose lower case has another length', () => {
  // İ lowercases to two code units; folding the whole text then shifted every position, and the
  // redactor fell back to ASCII-only folding: an upper-case non-ASCII token came back verbatim.
  it('redacts an upper-case Cyrillic token after an İ', () => {
    const redact = createRedactor('ПАРОЛЬСЕКРЕТНЫЙ42');
    expect(redact('İnvalid token ПАРОЛЬСЕКРЕТНЫЙ42')).toBe('İnvalid token [redacted]');
    expect(redact('invalid token парольсекретный42 (user İlker)')).toBe('invalid token [redacted] (user İlker)');
  });

  it('redacts a token whose Σ ends a word however a server lower-cases it (ς in context, σ one by one)', () => {
    const token = 'ΚΛΕΙΔΙΑΣ-secret-ΚΩΔΙΚΟΣ';
    const redact = createRedactor(token);
    expect(token.toLowerCase()).toContain('ς-');
    const oneByOne = Array.from(token, (c) => c.toLowerCase()).join('');
    expect(oneByOne).toContain('σ-');
    for (const echo of [token.toLowerCase(), oneByOne]) expect(redact(`bad ${echo} here`)).toBe('bad [redacted] here');
  });

  // Around the token only characters it cannot hold (so no piece can reach across), among them
  // every kind whose case mapping changes length or is context-dependent, and astral ones (İ
  // twice: the one whose lower case is longer).
  const AROUND = Array.from('İİẞßﬁﬂŉΣςǅ😀𞤀𝔸 «»·!');
  // In the token only characters whose case maps keep their length (a server's upper case of ß
  // is SS, which no positional match can follow).
  const TOKEN_CHARS = Array.from('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ПАРОЛЬжёщ-_/+=äÉΑβΔλΩ𐐨𐐁');

  it('never lets a token survive in random case, form and cut, and leaves the text around it alone', () => {
    const random = seeded(0x7ed5);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const text = (max: number) => Array.from({ length: Math.floor(random() * max) }, () => pick(AROUND)).join('');
    for (let round = 0; round < 300; round++) {
      const token = Array.from({ length: 10 + Math.floor(random() * 15) }, () => pick(TOKEN_CHARS)).join('');
      const redact = createRedactor(token);
      const [formName, form] = pick(Object.entries(forms(token)));
      const points = Array.from(form).map((c) => (random() < 0.5 ? c.toUpperCase() : c.toLowerCase()));
      // A server may cut the echo short; never below a piece, never inside a surrogate pair.
      const from = random() < 0.5 ? 0 : Math.floor(random() * 3);
      let to = random() < 0.5 ? points.length : points.length - Math.floor(random() * 3);
      while (points.slice(from, to).join('').length < MIN_PIECE) to++;
      const echo = points.slice(from, to).join('');
      const [before, after] = [text(12), text(12)];
      const context = `seed round ${round}, token ${JSON.stringify(token)}, form ${formName}, echo ${JSON.stringify(echo)}`;
      const redacted = redact(before + echo + after);
      expect(redacted, context).toBe(`${before}[redacted]${after}`);
      expect(leaked(redacted, token), context).toEqual([]);
      expect(redact(before + after), context).toBe(before + after);
    }
  });
});
