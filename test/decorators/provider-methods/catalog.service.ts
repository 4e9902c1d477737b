import { Injectable } from '@nestjs/common';
import { Cached, InvalidateOn } from '@app/cache';

export interface Item {
  id: number;
  name: string;
  vip?: boolean;
  loadedAt: number;
}

/** A provider whose every method counts its real calls, so tests can tell a hit from a load. */
@Injectable()
export class CatalogService {
  readonly calls: Record<string, number> = {};
  /** set by a test to make the next loads wait on it */
  gate?: Promise<void>;

  private count(name: string): number {
    return (this.calls[name] = (this.calls[name] ?? 0) + 1);
  }

  @Cached({ namespace: 'catalog', key: 'item:{0}', tags: (id: number) => [`item:${id}`, 'items'] })
  async item(id: number): Promise<Item> {
    this.count('item');
    await this.gate;
    return { id, name: `item ${id}`, loadedAt: this.calls.item };
  }

  /** calls item() through `this`: those calls must hit the cache too */
  async pair(id: number): Promise<[Item, Item]> {
    return [await this.item(id), await this.item(id)];
  }

  @Cached()
  async search(filter: { q: string; page: number; sort?: string }): Promise<number> {
    return this.count('search') + filter.page * 0;
  }

  @Cached({ namespace: 'catalog', key: 'price:{0}' })
  price(id: number): number {
    return id * 10 + this.count('price');
  }

  @Cached({ namespace: 'catalog', key: 'legacy:{0}' })
  legacy(id: number) {
    // not async and no declared return type: the first call's result shows it is async
    this.count('legacy');
    return Promise.resolve({ id });
  }

  @Cached({ namespace: 'catalog', key: 'cond:{0}', condition: (id: number) => id > 0 })
  async conditional(_id: number): Promise<number> {
    return this.count('conditional');
  }

  @Cached({
    namespace: 'catalog',
    key: 'unless:{0}',
    unless: (result: number | null, id: number) => result === null || id === 13,
  })
  async maybe(id: number): Promise<number | null> {
    this.count('maybe');
    return id === 0 ? null : id;
  }

  @Cached({ namespace: 'catalog', key: 'nullable:{0}' })
  async nullable(_id: number): Promise<null> {
    this.count('nullable');
    return null;
  }

  @Cached({
    namespace: 'catalog',
    key: 'ttl:{0.id}',
    ttl: (item: Item, input: { id: number }) => (item.vip ? 500 + input.id : 20),
  })
  async timed(input: { id: number; vip: boolean }): Promise<Item> {
    return { id: input.id, name: 't', vip: input.vip, loadedAt: this.count('timed') };
  }

  @InvalidateOn({
    tags: (id: number, result: { ok: boolean }) => (result.ok ? [`item:${id}`] : []),
  })
  async rename(_id: number): Promise<{ ok: boolean }> {
    this.count('rename');
    return { ok: true };
  }

  @InvalidateOn('items')
  async renameAll(fail = false): Promise<void> {
    this.count('renameAll');
    if (fail) throw new Error('origin refused');
  }

  @InvalidateOn({ keys: (id: number) => [`catalog:price:${id}`], patterns: ['catalog:cond:*'] })
  async reprice(id: number): Promise<number> {
    return id;
  }

  @InvalidateOn({ namespaces: ['catalog'] })
  dropAllSync(): string {
    return 'dropped';
  }
}
