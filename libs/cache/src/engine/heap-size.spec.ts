import { heapSize, heapSizeInTurns, heapSizeSteps, stringSize } from './heap-size';
import { MemoryTier } from './memory-tier';

describe('heapSize', () => {
  it('counts a string by its characters, two bytes each beyond Latin-1', () => {
    expect(stringSize('a'.repeat(1000))).toBeGreaterThanOrEqual(1000);
    expect(stringSize('€'.repeat(1000))).toBeGreaterThanOrEqual(2000);
  });

  it('counts an object graph well above its JSON length, and a shared or cyclic part once', () => {
    const row = { id: 1, name: 'item', lines: [{ j: 0, label: 'x', price: 1.5 }] };
    expect(heapSize(row)).toBeGreaterThan(JSON.stringify(row).length * 2);
    const shared = { big: 'y'.repeat(10_000) };
    expect(heapSize([shared, shared])).toBeLessThan(heapSize([shared, { ...shared }]));
    const cyclic: Record<string, unknown> = { a: 'z'.repeat(100) };
    cyclic.self = cyclic;
    expect(heapSize(cyclic)).toBeLessThan(1000);
  });

  it('counts Maps, Sets, Dates, BigInts and binary data', () => {
    expect(heapSize(new Map([['k', 'v'.repeat(500)]]))).toBeGreaterThan(500);
    expect(heapSize(new Set(['s'.repeat(500)]))).toBeGreaterThan(500);
    expect(heapSize(new Date())).toBeGreaterThan(0);
    expect(heapSize(2n ** 200n)).toBeGreaterThan(16);
    expect(heapSize(Buffer.alloc(4096))).toBeGreaterThan(4096);
  });
});

describe('heapSizeInTurns', () => {
  const rows = (n: number) => Array.from({ length: n }, (_, id) => ({ id, name: `row ${id}` }));

  it('gives what heapSize gives, long arrays shared or nested in a page included', async () => {
    const list = rows(20_000);
    for (const value of [
      list,
      { page: { items: list, total: 1 }, again: list, groups: [{ rows: rows(9_000) }] },
      [list, list],
      { short: rows(10) },
    ]) {
      expect(await heapSizeInTurns(value)).toBe(heapSize(value));
    }
  });

  it('walks a long array a few thousand items per step', () => {
    const steps = heapSizeSteps(rows(40_000));
    let count = 0;
    let step = steps.next();
    for (; !step.done; step = steps.next()) count++;
    expect(count).toBeGreaterThanOrEqual(5);
    expect(count).toBeLessThanOrEqual(40);
    expect(step.value).toBe(heapSize(rows(40_000)));
  });
});

describe('MemoryTier byte cap', () => {
  it('bounds what the values cost the heap, not their encoded length', () => {
    const maxBytes = 1024 * 1024;
    const tier = new MemoryTier({ maxEntries: 100_000, maxBytes, ttl: 0 });
    const far = Date.now() + 60_000;
    const value = { id: 1, lines: Array.from({ length: 12 }, (_, j) => ({ j, label: `l-${j}` })) };
    for (let i = 0; i < 10_000; i++) tier.set(`k${i}`, { v: value, c: 0, e: far, s: 0, g: 0 });
    expect(tier.bytes).toBeLessThanOrEqual(maxBytes);
    // fewer entries fit than the JSON length alone would admit
    expect(tier.size).toBeLessThan(maxBytes / JSON.stringify(value).length);
  });
});
