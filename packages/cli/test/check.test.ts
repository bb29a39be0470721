// ProfileChecker (src/check.ts) validates many profiles in one request and sorts the answers
// back to each profile by pointer. The oracle: validateRequest on each profile alone, in a
// request of its own with the same common fields; the checker must give every profile exactly
// that, however many share its request and however many problems they have.
import { describe, expect, it } from 'vitest';
import { validateRequest, type Violation } from '@altcraft-api/contract';
import { ProfileChecker, describeViolations } from '../src/check.js';
import { seeded } from './support/random.js';

const COMMON = { workflow_id: 12 };
const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

/** A profile's problems as the contract states them for that profile alone, pointers from its root. */
function alone(profile: Record<string, unknown>, common: Record<string, unknown> = COMMON): { violations: Violation[]; warnings: Violation[] } {
  const result = validateRequest({ ...common, data: [{ data: profile }] }, { maxViolations: 1000 });
  const own = (list: Violation[]) => list.filter(({ pointer }) => pointer.startsWith('/data/0/data')).map(({ pointer, message }) => ({ pointer: pointer.slice('/data/0/data'.length), message }));
  return { violations: own(result.violations), warnings: own(result.warnings) };
}

function randomProfile(random: () => number, i: number): Record<string, unknown> {
  const profile: Record<string, unknown> = { email: random() < 0.9 ? `user${i}@example.com` : pick(random, [5, null, ['a@example.com']]) };
  if (random() < 0.3) profile._status = pick(random, [1, 'active', 1.5]);
  if (random() < 0.3) profile.phones = pick(random, ['+79000000000', ['+79000000000', 7], 7]);
  if (random() < 0.2) profile._bdate = pick(random, ['1990-04-12', 'yesterday']);
  if (random() < 0.2) profile._sex = pick(random, [0, 'male', 3]);
  if (random() < 0.1) profile._regip = pick(random, ['203.0.113.7', 'nope']);
  // Field names a pointer must escape, or that look like the item's own wrapper.
  if (random() < 0.1) profile[pick(random, ['a/b', 'm~n', 'data', '0', ''])] = pick(random, [1, 'x', { data: { email: 5 } }]);
  // Many problems in one profile: the request's violation budget runs out.
  if (random() < 0.05) for (let k = 0; k < 12; k++) profile[`_status${k === 0 ? '' : k}`] = 'x';
  if (random() < 0.05) Object.assign(profile, { _status: 'x', _lname: 5, _fname: 6, _city: 7, _country: 8, _tz: 9 });
  return profile;
}

describe('ProfileChecker', () => {
  it('gives each profile of a batch what validateRequest gives it alone', () => {
    const random = seeded(0xc4ec);
    for (const size of [1, 7, 256, 300]) {
      const batch = Array.from({ length: size }, (_, i) => ({ line: 1000 + i, profile: randomProfile(random, i) }));
      const checked = new ProfileChecker(COMMON).check(batch);
      expect(checked.map(({ line }) => line)).toEqual(batch.map(({ line }) => line));
      let problems = 0;
      checked.forEach(({ profile, violations, warnings }, i) => {
        expect(profile).toBe(batch[i]!.profile);
        const want = alone(profile);
        expect({ violations, warnings }, JSON.stringify(profile)).toEqual(want);
        problems += violations.length + warnings.length;
      });
      if (size >= 256) expect(problems).toBeGreaterThan(size / 4);
    }
  });

  it('still sorts the answers out when every profile has more problems than the request may report', () => {
    const many = (i: number) => Object.fromEntries([['email', i], ['_status', 'x'], ['_lname', 1], ['_fname', 2], ['_city', 3], ['_country', 4], ['_tz', 5], ['phones', [1, 2, 3]]]);
    const batch = Array.from({ length: 256 }, (_, i) => ({ line: i + 1, profile: many(i) }));
    const checked = new ProfileChecker(COMMON).check(batch);
    checked.forEach(({ profile, violations }) => expect(violations).toEqual(alone(profile).violations));
    expect(checked.every(({ violations }) => violations.length >= 8)).toBe(true);
  });

  it('reports the common fields’ problems once, apart from any profile', () => {
    const checker = new ProfileChecker({ workflow_id: 'twelve', skip_triggers: 'yes' });
    const first = checker.check([{ line: 1, profile: { email: 'a@example.com' } }, { line: 2, profile: { email: 5 } }]);
    expect(checker.requestViolations.map(({ pointer }) => pointer).sort()).toEqual(['/skip_triggers', '/workflow_id']);
    expect(first[0]!.violations).toEqual([]);
    expect(first[1]!.violations).toEqual([{ pointer: '/email', message: 'must be string' }]);
    checker.check([{ line: 3, profile: { email: 'b@example.com' } }]);
    expect(checker.requestViolations).toHaveLength(2);
  });

  it('an empty batch asks nothing', () => {
    const checker = new ProfileChecker({ workflow_id: 'twelve' });
    expect(checker.check([])).toEqual([]);
    expect(checker.requestViolations).toEqual([]);
  });
});

describe('describeViolations', () => {
  it('writes pointer and message pairs, the root as /', () => {
    expect(describeViolations([{ pointer: '', message: 'must be object' }, { pointer: '/email', message: 'must be string' }])).toBe('/: must be object; /email: must be string');
    expect(describeViolations([])).toBe('');
  });
});
