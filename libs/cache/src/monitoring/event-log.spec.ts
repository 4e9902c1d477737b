import { Logger } from '@nestjs/common';
import { CacheEvents } from './cache-events';
import { logEvents } from './event-log';

describe('logEvents', () => {
  it('writes one debug line per event: HIT / MISS / INVALIDATE (seed 003)', () => {
    const lines: string[] = [];
    const debug = jest
      .spyOn(Logger.prototype, 'debug')
      .mockImplementation((message: unknown) => void lines.push(String(message)));
    try {
      const events = new CacheEvents();
      events.sampleHits(1);
      const subscription = logEvents(events.events$);
      events.hit('user:1', 'users');
      events.emit({ type: 'miss', key: 'user:2', namespace: 'users', ms: 12.345, at: 0 });
      events.emit({
        type: 'invalidation',
        spec: { tags: ['user:1'] },
        result: { keys: 0, tags: 3, namespaces: 0, patterns: 0 },
        count: 3,
        at: 0,
      });
      subscription.unsubscribe();
      events.emit({ type: 'miss', key: 'after', ms: 1, at: 0 });
      expect(lines).toEqual([
        'HIT user:1',
        'MISS user:2 12.3 ms',
        'INVALIDATE {"tags":["user:1"]}: 3 entries',
      ]);
    } finally {
      debug.mockRestore();
    }
  });
});
