import { buildRouteKey } from './route-key';

describe('buildRouteKey', () => {
  it('is method and path, with the whole query sorted by default', () => {
    expect(buildRouteKey({ method: 'GET', url: '/items?sort=asc&page=2' })).toBe(
      'GET /items?page=2&sort=asc',
    );
    expect(buildRouteKey({ method: 'GET', url: '/items?page=2&sort=asc' })).toBe(
      'GET /items?page=2&sort=asc',
    );
    expect(buildRouteKey({ method: 'GET', url: '/items' })).toBe('GET /items');
  });

  it('lets HEAD share the GET entry', () => {
    expect(buildRouteKey({ method: 'HEAD', url: '/items' })).toBe(
      buildRouteKey({ method: 'GET', url: '/items' }),
    );
  });

  it('keeps only the selected query parameters, repeated ones in their order', () => {
    const vary = { query: ['page', 'tag'] };
    expect(buildRouteKey({ method: 'GET', url: '/i?utm=x&tag=b&page=1&tag=a', vary })).toBe(
      'GET /i?page=1&tag=b&tag=a',
    );
    expect(buildRouteKey({ method: 'GET', url: '/i?utm=x', vary })).toBe('GET /i');
    expect(buildRouteKey({ method: 'GET', url: '/i?utm=x', vary: { query: [] } })).toBe('GET /i');
  });

  it('adds selected headers (case-insensitive names, encoded values)', () => {
    const headers = { 'accept-language': 'fr|u:1', 'x-other': 'no' };
    const key = buildRouteKey({
      method: 'GET',
      url: '/i',
      headers,
      vary: { headers: ['Accept-Language'] },
    });
    expect(key).toBe('GET /i|h:accept-language=fr%7Cu%3A1');
  });

  it('adds the user, and an anonymous marker no user id can produce', () => {
    expect(buildRouteKey({ method: 'GET', url: '/me', user: '42' })).toBe('GET /me|u:42');
    expect(buildRouteKey({ method: 'GET', url: '/me', user: null })).toBe('GET /me|anon');
    expect(buildRouteKey({ method: 'GET', url: '/me', user: 'anon' })).toBe('GET /me|u:anon');
    expect(buildRouteKey({ method: 'GET', url: '/me', user: 'x|anon' })).toBe('GET /me|u:x%7Canon');
  });

  it('replaces method and path with a custom base key', () => {
    expect(buildRouteKey({ method: 'GET', url: '/b/7?x=1', base: 'barber:7', user: '1' })).toBe(
      'barber:7?x=1|u:1',
    );
  });
});
