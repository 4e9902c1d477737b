import { InvalidPatternError } from '../errors';
import { assertGlob, globToRegExp, MAX_GLOB_LENGTH } from './glob';

// [glob, key, does Redis match it]: each row was checked against redis-server 7 (KEYS), and
// test/engine/glob-parity.spec.ts keeps checking globToRegExp against a real server.
const CASES: [string, string, boolean][] = [
  ['*', '', true],
  ['*', 'user:1:profile', true],
  ['user:*', 'user:', true],
  ['user:*', 'users:1', false],
  ['*:profile', 'user:1:profile', true],
  ['*', 'line\nbreak', true],
  ['?', 'a', true],
  ['?', '', false],
  ['?', 'ab', false],
  ['user:?', 'user:10', false],
  ['[a-c]', 'b', true],
  ['[a-c]', 'd', false],
  ['[c-a]', 'b', true], // Redis swaps a reversed range
  ['[abc]', 'c', true],
  ['[^a]', 'b', true],
  ['[^a]', 'a', false],
  ['[^a]', '', false],
  ['[]', 'a', false],
  ['\\*', '*', true],
  ['\\*', 'x', false],
  ['\\?', '?', true],
  ['\\?', 'a', false],
  ['\\[a]', '[a]', true],
  ['\\', '\\', true], // a trailing backslash is a literal one
  ['[\\]]', ']', true], // in a class, \x is a literal x
  ['[\\]]', '\\]', false],
  ['[a\\]b]', ']', true],
  ['[a\\]b]', 'b', true],
  ['[\\-]', '-', true],
  ['[\\-]', '\\', false],
  ['a.b', 'axb', false],
  ['a.b', 'a.b', true],
  ['(a|b)+$', '(a|b)+$', true],
  ['(a|b)+$', 'a', false],
  ['{x}^', '{x}^', true],
];

describe('globToRegExp', () => {
  it.each(CASES)('%j on %j → %s, as in Redis', (glob, key, matches) => {
    expect(globToRegExp(glob).test(key)).toBe(matches);
  });

  it('anchors the whole key', () => {
    expect(globToRegExp('user').test('a-user-b')).toBe(false);
  });

  it('throws InvalidPatternError on an unclosed class', () => {
    expect(() => globToRegExp('user:[ab')).toThrow(InvalidPatternError);
    expect(() => globToRegExp('[\\]')).toThrow(InvalidPatternError);
  });
});

describe('assertGlob', () => {
  it('accepts what Redis can run cheaply', () => {
    for (const glob of ['*', 'user:[0-9]*', 'x'.repeat(MAX_GLOB_LENGTH), '*:'.repeat(8), '[z-a]']) {
      expect(() => assertGlob(glob)).not.toThrow();
    }
  });

  it.each([
    ['an empty pattern', '', /non-empty/],
    ['more than 200 characters', 'x'.repeat(MAX_GLOB_LENGTH + 1), /at most 200 characters/],
    ['more than 8 stars', '*a'.repeat(9), /at most 8 "\*"/],
    ['an unclosed "["', 'user:[0-9', /unclosed "\["/],
    ['a control character', 'user:\n*', /control characters/],
    ['a non-string', 42 as unknown as string, /non-empty string/],
  ])('rejects %s with InvalidPatternError', (_what, glob, message) => {
    expect(() => assertGlob(glob)).toThrow(InvalidPatternError);
    expect(() => assertGlob(glob)).toThrow(message);
  });

  it('never lets a RegExp SyntaxError through', () => {
    for (const glob of ['[z-a]', '[\\]', '[a-', '(', ')', '[^', '\\']) {
      try {
        assertGlob(glob);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidPatternError);
      }
    }
  });
});
