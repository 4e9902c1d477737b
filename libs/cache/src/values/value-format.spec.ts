import { ValueFormats, serializerProblem, typeProblem } from './value-format';

class Account {
  id = 0;
  owners = new Set<string>();
  limits = new Map<string, number>();
  avatar = Buffer.alloc(0);
  profile = { since: new Date(0), scores: new Float64Array(0) };
  label(): string {
    return `#${this.id} (${[...this.owners].join(', ')})`;
  }
}

describe('ValueFormats.revive', () => {
  const formats = new ValueFormats();
  formats.register({ type: Account });
  const plain = {
    id: 7,
    owners: new Set(['ana', 'bo']),
    limits: new Map([['daily', 100]]),
    avatar: Buffer.from([1, 2]),
    profile: { since: new Date(5), scores: new Float64Array([1.5]) },
  };

  it('makes an instance and keeps the Map, Set, Date and binary values decoded before', () => {
    const account = formats.revive('Account', plain) as Account;
    expect(account).toBeInstanceOf(Account);
    expect(account.label()).toBe('#7 (ana, bo)');
    expect(account.limits).toStrictEqual(new Map([['daily', 100]]));
    expect(account.avatar).toStrictEqual(Buffer.from([1, 2]));
    expect(account.profile.since).toStrictEqual(new Date(5));
    expect(account.profile.scores).toStrictEqual(new Float64Array([1.5]));
  });

  it('revives each item of an array', () => {
    const list = formats.revive('Account', [plain, { ...plain, id: 8 }]) as Account[];
    expect(list.map((a) => a instanceof Account && a.id)).toEqual([7, 8]);
  });

  it('leaves data plain under a name it does not know, and primitives alone', () => {
    expect(formats.revive('Unknown', plain)).toBe(plain);
    expect(formats.revive('Account', 3)).toBe(3);
    expect(formats.revive('Account', null)).toBeNull();
  });
});

describe('option checks', () => {
  it.each<[unknown, string | undefined]>([
    [{ name: 'csv', encode: String, decode: String }, undefined],
    [{ name: '', encode: String, decode: String }, '"name" must be'],
    [{ name: 'a b', encode: String, decode: String }, '"name" must be'],
    [{ name: 'x', encode: String }, '"encode" and "decode" must be functions'],
    [null, 'expected { name, encode, decode }'],
  ])('serializer %p', (value, problem) => {
    if (problem === undefined) expect(serializerProblem(value)).toBeUndefined();
    else expect(serializerProblem(value)).toContain(problem);
  });

  it('type: a named class', () => {
    expect(typeProblem(Account)).toBeUndefined();
    expect(typeProblem('Account')).toBe('expected a named class');
    expect(typeProblem(() => 1)).toBe('expected a named class');
  });
});
