import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError, closest, editDistance, parseOptions, unknownOption } from '../src/cli-args.js';

const NAMES = ['base-url', 'workflow', 'matching', 'field-name', 'format', 'concurrency', 'batch-size', 'timeout', 'input-format', 'report', 'resume', 'strict', 'dry-run', 'json', 'task'];
const OPTIONS = {
  port: { type: 'string' },
  record: { type: 'string' },
  strict: { type: 'boolean' },
  'no-docs': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

describe('did you mean', () => {
  it.each([
    ['concurency', 'concurrency'],
    ['concurrancy', 'concurrency'],
    ['wokrflow', 'workflow'],
    ['base-ulr', 'base-url'],
    ['batch', 'batch-size'],
    ['dryrun', 'dry-run'],
    ['jsno', 'json'],
    ['reprot', 'report'],
  ])('%s: %s', (typed, meant) => {
    expect(closest(typed, NAMES)).toBe(meant);
  });

  it.each(['frobnicate', 'x', 'js', 'zzzz', 're'])('nothing close to %s', (typed) => {
    expect(closest(typed, NAMES)).toBeUndefined();
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('jsno', 'json')).toBe(1);
    expect(editDistance('concurency', 'concurrency')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });
});

describe('unknownOption', () => {
  it.each([
    [['--recrd', 'x'], 'unknown option --recrd; did you mean --record?'],
    [['--bogus'], 'unknown option --bogus'],
    [['--prot=1'], 'unknown option --prot; did you mean --port?'],
    [['-port', '1'], 'unknown option -port; did you mean --port?'],
    [['-x'], 'unknown option -x'],
    [['--port', '--strictt'], undefined], // --strictt is --port's value
    [['--', '--bogus'], undefined], // after --, words are not options
    [['--constructor'], 'unknown option --constructor'],
    [['--__proto__'], 'unknown option --__proto__'],
    [['-h', '--no-docs', '-', 'file'], undefined],
  ])('%j: %s', (argv, message) => {
    expect(unknownOption(argv, OPTIONS)).toBe(message);
  });

  it("agrees with parseArgs (Node's own reader) on which command lines have an unknown option", () => {
    const word = fc.constantFrom('--port', '--record', '--strict', '--no-docs', '-h', '--prot', '--bogus', '-x', '-port', '--', '-', 'file', '1', '--port=2', '--strict=', '--toString');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 6 }), (argv) => {
        let nodeSays: string | undefined;
        try {
          parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
        } catch (error) {
          nodeSays = (error as { code?: string }).code;
        }
        const ours = unknownOption(argv, OPTIONS);
        // parseArgs stops at its first refusal: a value missing before an unknown option is its news.
        if (nodeSays === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') expect(ours).toBeDefined();
        if (nodeSays === undefined) expect(ours).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseOptions', () => {
  it('refuses with one line and no stack from parseArgs', () => {
    const refuse = (args: string[]) => {
      try {
        parseOptions({ args, options: OPTIONS });
      } catch (error) {
        expect(error).toBeInstanceOf(UsageError);
        return (error as Error).message;
      }
      return undefined;
    };
    expect(refuse(['--port'])).toBe('--port needs a value (--port VALUE)');
    expect(refuse(['--strict=yes'])).toBe('--strict takes no value');
    expect(refuse(['stray'])).toBe('an unexpected argument (5 characters)');
    expect(refuse(['--port', '1'])).toBeUndefined();
  });
});

describe('unknownOption, on a value glued to a token-like option', () => {
  it.each([
    ['-tSECRETVALUE', 'unknown option -t…'],
    ['-TSECRETVALUE', 'unknown option -T…'],
    ['--tokenSECRETVALUE', 'unknown option --token…'],
    ['--token:SECRETVALUE', 'unknown option --token…'],
    ['--TOKEN:SECRETVALUE', 'unknown option --TOKEN…'],
    ['--tokenSECRETVALUE=x', 'unknown option --token…'],
  ])('%s echoes nothing after the prefix', (arg, message) => {
    expect(unknownOption([arg], OPTIONS)).toBe(message);
  });

  it('never echoes the value, whatever follows a token-like prefix', () => {
    fc.assert(
      fc.property(fc.constantFrom('-t', '-T', '--token', '--ToKeN', '-token'), fc.string({ minLength: 1 }), (prefix, rest) => {
        const secret = `SECRET${rest}`;
        const message = unknownOption([`${prefix}${secret}`], OPTIONS) ?? '';
        expect(message).not.toContain('SECRET');
      }),
      { numRuns: 500 },
    );
  });

  it('clips a long option name to about 40 characters', () => {
    const message = unknownOption([`--${'x'.repeat(1000)}=1`], OPTIONS)!;
    expect(message).toMatch(/^unknown option --x+…$/);
    expect(message.length).toBeLessThan(70);
    expect(unknownOption(['--recrd'], OPTIONS)).toBe('unknown option --recrd; did you mean --record?');
  });
});

describe('unknownOption on a huge option name', () => {
  // Judged by ratios within one run: against a linear pass over the same text (lower-casing it)
  // and per byte at growing sizes. A full edit-distance table per candidate costs ~25 s/MB.
  const timed = (run: () => unknown) => {
    let best = Infinity;
    for (let round = 0; round < 3; round++) {
      const start = performance.now();
      run();
      best = Math.min(best, performance.now() - start);
    }
    return Math.max(best, 0.05);
  };

  it('answers in time linear in the name, close to one pass over it', () => {
    const perByte: number[] = [];
    for (const size of [32 * 1024, 128 * 1024, 512 * 1024]) {
      const arg = `--${'x'.repeat(size)}=secret`;
      const took = timed(() => unknownOption([arg], OPTIONS));
      const pass = timed(() => arg.split('=')[0]!.toLowerCase().startsWith('--y'));
      expect(took / pass, `${size} bytes: ${took.toFixed(2)} ms against ${pass.toFixed(2)} ms`).toBeLessThan(200);
      perByte.push(took / size);
    }
    expect(perByte[2]! / perByte[0]!).toBeLessThan(4);
  }, 120_000);
});

describe('a value glued to any unknown option, or a stray word (review4 #4)', () => {
  const T = '0123456789abcdef0123456789abcdef';
  it.each([
    [`--api-token:${T}`, 'unknown option --api-token…'],
    [`--x-token:${T}`, 'unknown option --x-token…'],
    [`--bearer:${T}`, 'unknown option --bearer…'],
    [`--bearer=${T}`, 'unknown option --bearer'],
    [`-k${T}`, 'unknown option -k…'],
    [`-x${T}`, 'unknown option -x…'],
  ])('%s names the option only', (arg, message) => {
    expect(unknownOption([arg], OPTIONS)).toBe(message);
  });

  it('says a stray word by its length only', () => {
    try {
      parseOptions({ args: [T], options: OPTIONS });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe('an unexpected argument (32 characters)');
    }
  });

  it('never echoes a piece of the value, whatever option it is glued to', () => {
    fc.assert(
      fc.property(fc.constantFrom('-k', '-x', '--api-key:', '--x-token:', '--bearer:', '--auth='), fc.string({ minLength: 1 }), (prefix, rest) => {
        const message = unknownOption([`${prefix}SECRET${rest}`], OPTIONS) ?? '';
        expect(message).not.toContain('SECRET');
      }),
      { numRuns: 500 },
    );
  });
});
