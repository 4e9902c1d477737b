import { CacheEvents, type CacheEvent } from './cache-events';

describe('CacheEvents', () => {
  const collect = (events: CacheEvents) => {
    const seen: CacheEvent[] = [];
    events.events$.subscribe((e) => seen.push(e));
    return seen;
  };

  it('builds no hit events by default', () => {
    const events = new CacheEvents();
    events.sampleHits(0);
    expect(events.hitsOn).toBe(false);
  });

  it('emits one hit in N for a sample rate of 1/N, every hit for 1', () => {
    const events = new CacheEvents();
    const seen = collect(events);
    events.sampleHits(0.25);
    for (let i = 0; i < 100; i++) events.hit(`k${i}`, 'ns');
    expect(seen).toHaveLength(25);
    expect(seen[0]).toMatchObject({ type: 'hit', key: 'k3', namespace: 'ns' });
    events.sampleHits(1);
    seen.length = 0;
    for (let i = 0; i < 10; i++) events.hit('k', undefined);
    expect(seen).toHaveLength(10);
  });

  it('drops events while nobody listens', () => {
    const events = new CacheEvents();
    expect(events.observed).toBe(false);
    events.emit({ type: 'circuit', state: 'open', at: 0 });
    const seen = collect(events);
    expect(events.observed).toBe(true);
    events.emit({ type: 'circuit', state: 'closed', at: 1 });
    expect(seen.map((e) => e.type === 'circuit' && e.state)).toEqual(['closed']);
  });
});
