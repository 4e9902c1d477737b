import { compilePathPattern } from './route-pattern';
import { mergeSpecs, RouteInvalidationRules } from './route-invalidation-rules';
import { matchesIfNoneMatch, weakEtag } from './etag';

describe('compilePathPattern', () => {
  const match = compilePathPattern('/appointments/:id');

  it('matches one segment per parameter and decodes it', () => {
    expect(match('/appointments/42')).toEqual({ id: '42' });
    expect(match('/appointments/a%20b/')).toEqual({ id: 'a b' });
    expect(match('/appointments')).toBeUndefined();
    expect(match('/appointments/1/notes')).toBeUndefined();
    expect(match('/xappointments/1')).toBeUndefined();
  });

  it('treats regex characters literally and supports a trailing *', () => {
    expect(compilePathPattern('/a.b/:x')('/aXb/1')).toBeUndefined();
    const below = compilePathPattern('/barbers/:barberId/*');
    expect(below('/barbers/7')).toEqual({ barberId: '7' });
    expect(below('/barbers/7/slots/3')).toEqual({ barberId: '7' });
  });
});

describe('RouteInvalidationRules', () => {
  const rules = new RouteInvalidationRules([
    { path: '/appointments/:id', tags: (p) => [`appointment:${p.id}`], namespaces: ['analytics'] },
    { method: 'POST', path: '/appointments', tags: ['appointments'] },
    { method: ['put', 'PATCH'], path: '/appointments/:id', tags: ['appointments'] },
  ]);

  it('unites every matching rule, for mutations only', () => {
    expect(rules.match('PUT', '/appointments/5')).toEqual({
      tags: ['appointment:5', 'appointments'],
      namespaces: ['analytics'],
    });
    expect(rules.match('DELETE', '/appointments/5')).toEqual({
      tags: ['appointment:5'],
      namespaces: ['analytics'],
    });
    expect(rules.match('POST', '/appointments')).toEqual({ tags: ['appointments'] });
    expect(rules.match('GET', '/appointments/5')).toBeUndefined();
    expect(rules.match('POST', '/barbers')).toBeUndefined();
  });

  it('merges specs without duplicates', () => {
    expect(mergeSpecs({ tags: ['a'] }, { tags: ['a', 'b'], keys: ['k'] })).toEqual({
      tags: ['a', 'b'],
      keys: ['k'],
    });
    expect(mergeSpecs({ tags: [] }, undefined)).toBeUndefined();
  });
});

describe('ETags', () => {
  it('are weak, equal for equal bodies, and matched weakly in lists', () => {
    const etag = weakEtag({ a: 1 });
    expect(etag).toMatch(/^W\/".+"$/);
    expect(weakEtag({ a: 1 })).toBe(etag);
    expect(weakEtag({ a: 2 })).not.toBe(etag);
    expect(matchesIfNoneMatch(etag, etag)).toBe(true);
    expect(matchesIfNoneMatch(`"x", ${etag.slice(2)}`, etag)).toBe(true);
    expect(matchesIfNoneMatch('*', etag)).toBe(true);
    expect(matchesIfNoneMatch('"other"', etag)).toBe(false);
    expect(matchesIfNoneMatch(undefined, etag)).toBe(false);
  });
});
