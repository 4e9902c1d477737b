import { InvalidPatternError, UnknownWarmupJobError } from '../errors';
import { CURSOR_FORMAT, globProblem, keyProblem } from './admin-input.rules';
import { toHttp } from './admin-exception.filter';
import { toJsonSafe } from './json-safe';
import { HttpException } from '@nestjs/common';

describe('admin input rules', () => {
  it.each(['user:1', 'a/b', 'x'.repeat(512), 'é😀', '..a', 'a..b', '...'])(
    'accepts key %j',
    (key) => {
      expect(keyProblem(key)).toBeUndefined();
    },
  );

  it.each([
    ['', /non-empty/],
    ['x'.repeat(513), /at most 512/],
    ['a\r\nb', /control/],
    ['a\tb', /control/],
    ['../etc', /\.\./],
    ['a/../b', /\.\./],
    ['..', /\.\./],
    ['a\\..', /\.\./],
  ])('refuses key %j', (key, why) => {
    expect(keyProblem(key)).toMatch(why);
  });

  it('delegates globs to the engine limits', () => {
    expect(globProblem('user:*')).toBeUndefined();
    expect(globProblem('*'.repeat(9))).toMatch(/at most 8/);
    expect(globProblem('[a')).toMatch(/unclosed/);
    expect(globProblem(42)).toMatch(/non-empty string/);
  });

  it.each([
    ['0', true],
    ['0:0', true],
    ['12:345', true],
    ['0:18446744073709551615', true],
    ['', false],
    ['00', false],
    ['0:', false],
    ['a:1', false],
    ['1:2:3', false],
    ['12345:1', false],
  ])('cursor %j matches the format: %s', (cursor, ok) => {
    expect(CURSOR_FORMAT.test(cursor)).toBe(ok);
  });
});

describe('admin exception mapping', () => {
  const status = (e: unknown) => (toHttp(e) as HttpException).getStatus();

  it('maps client mistakes to 4xx', () => {
    expect(status(new InvalidPatternError('bad'))).toBe(400);
    expect(status(new UnknownWarmupJobError(['x']))).toBe(400);
    expect(status(Object.assign(new SyntaxError('Unexpected token'), { status: 400 }))).toBe(400);
    expect(
      status(
        Object.assign(new Error('request entity too large'), { statusCode: 413, expose: true }),
      ),
    ).toBe(413);
    const hidden = toHttp(
      Object.assign(new Error('secret detail'), { statusCode: 400, expose: false }),
    ) as HttpException;
    expect(hidden.message).toBe('Bad Request');
  });

  it('leaves server faults alone', () => {
    const fault = new TypeError('x is undefined');
    expect(toHttp(fault)).toBe(fault);
    const http500 = Object.assign(new Error('EACCES'), { statusCode: 500 });
    expect(toHttp(http500)).toBe(http500);
  });
});

describe('toJsonSafe', () => {
  it('turns what JSON cannot carry into plain data', () => {
    const value = {
      n: 10n,
      d: new Date(0),
      m: new Map([['a', 1]]),
      s: new Set([1]),
      bad: new Date(NaN),
    };
    expect(JSON.parse(JSON.stringify(toJsonSafe(value)))).toEqual({
      n: { $bigint: '10' },
      d: '1970-01-01T00:00:00.000Z',
      m: { $map: [['a', 1]] },
      s: { $set: [1] },
      bad: null,
    });
  });

  it('keeps a "__proto__" key a plain property', () => {
    const parsed = JSON.parse('{"__proto__":{"polluted":true}}') as object;
    const safe = toJsonSafe(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(safe)).toBe(Object.prototype);
    expect(Object.keys(safe)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
