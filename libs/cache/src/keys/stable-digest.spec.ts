import { canonicalize, DIGEST_LENGTH, stableDigest } from './stable-digest';

describe('stableDigest', () => {
  it('does not depend on object key order, at any depth', () => {
    const a = { id: 1, filter: { from: '2024-01-01', to: '2024-01-31' }, tags: ['x', 'y'] };
    const b = { tags: ['x', 'y'], filter: { to: '2024-01-31', from: '2024-01-01' }, id: 1 };
    expect(stableDigest([a, 2])).toBe(stableDigest([b, 2]));
    expect(canonicalize(a)).toBe(canonicalize(b));
  });

  it('tells apart values that JSON would confuse', () => {
    const distinct = [undefined, null, 0, '0', false, 'false', [], {}, [undefined], 1n, '1'];
    const texts = distinct.map((v) => canonicalize([v]));
    expect(new Set(texts).size).toBe(distinct.length);
    expect(canonicalize(new Date('2024-01-01T00:00:00Z'))).not.toBe(
      canonicalize('2024-01-01T00:00:00.000Z'),
    );
  });

  it('keeps array order, and ignores properties that are undefined (as JSON does)', () => {
    expect(stableDigest([[1, 2]])).not.toBe(stableDigest([[2, 1]]));
    expect(stableDigest({ a: 1, b: undefined })).toBe(stableDigest({ a: 1 }));
  });

  it('digests Map and Set by content, in any insertion order', () => {
    expect(
      stableDigest(
        new Map([
          ['a', 1],
          ['b', 2],
        ]),
      ),
    ).toBe(
      stableDigest(
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
    );
    expect(stableDigest(new Set([1, 2]))).toBe(stableDigest(new Set([2, 1])));
    expect(stableDigest(new Set([1, 2]))).not.toBe(stableDigest([1, 2]));
  });

  it('survives circular structures and class instances', () => {
    const node: Record<string, unknown> = { id: 1 };
    node.self = node;
    expect(() => stableDigest(node)).not.toThrow();
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    expect(stableDigest(new Point(1, 2))).toBe(stableDigest({ y: 2, x: 1 }));
  });

  it('is short and url-safe', () => {
    const digest = stableDigest({ anything: 'at all' });
    expect(digest).toHaveLength(DIGEST_LENGTH);
    expect(digest).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
