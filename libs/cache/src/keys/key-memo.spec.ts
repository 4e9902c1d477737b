import { memoizeKeys } from './key-memo';

describe('memoizeKeys', () => {
  it('builds a key once per list of primitive arguments', () => {
    const build = jest.fn((args: readonly unknown[]) => `k:${args.join(':')}`);
    const keyOf = memoizeKeys(build);
    expect(keyOf([7, 'a'])).toBe('k:7:a');
    expect(keyOf([7, 'a'])).toBe('k:7:a');
    expect(keyOf([7, 'b'])).toBe('k:7:b');
    expect(keyOf([])).toBe('k:');
    expect(build).toHaveBeenCalledTimes(3); // the repeat came from memory
  });

  it('never remembers keys of object arguments, which may change between calls', () => {
    const build = jest.fn((args: readonly unknown[]) => `k:${(args[0] as { id: number }).id}`);
    const keyOf = memoizeKeys(build);
    const arg = { id: 1 };
    expect(keyOf([arg])).toBe('k:1');
    arg.id = 2;
    expect(keyOf([arg])).toBe('k:2');
    expect(build).toHaveBeenCalledTimes(2);
  });

  it('keeps apart arguments that print alike but differ in type or count', () => {
    const keyOf = memoizeKeys((args) => `${args.length}:${args.map((a) => typeof a).join(',')}`);
    expect(keyOf([1])).toBe('1:number');
    expect(keyOf(['1'])).toBe('1:string');
    expect(keyOf([1, undefined])).toBe('2:number,undefined');
  });

  it('is bounded: past maxEntries it starts over', () => {
    const build = jest.fn((args: readonly unknown[]) => String(args[0]));
    const keyOf = memoizeKeys(build, 2);
    keyOf([1]);
    keyOf([2]);
    keyOf([3]); // over the bound: forgets everything
    keyOf([1]);
    expect(build).toHaveBeenCalledTimes(4);
  });
});
