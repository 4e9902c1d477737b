import { LRUCache } from 'lru-cache';
import { ENTRY_OVERHEAD, heapSize, INDEX_ENTRY, stringSize } from './heap-size';
import type { Envelope } from './serializer';

export interface MemoryTierLimits {
  maxEntries: number;
  maxBytes: number;
  /** seconds; 0 = as long as the entry itself */
  ttl: number;
}

/**
 * The in-process tier: an LRU bounded by entries and bytes, with indexes by tag and namespace
 * so that invalidating a tag touches only the entries that carry it.
 */
export class MemoryTier {
  private readonly lru: LRUCache<string, Envelope>;
  private readonly byTag = new Map<string, Set<string>>();
  private readonly byNamespace = new Map<string, Set<string>>();
  private readonly capMs: number;
  /** entries pushed out by the entry or byte limit (not expired, deleted or replaced) */
  evictions = 0;

  constructor(limits: MemoryTierLimits) {
    this.capMs = limits.ttl * 1000;
    this.lru = new LRUCache<string, Envelope>({
      max: limits.maxEntries,
      maxSize: limits.maxBytes,
      sizeCalculation: () => 1,
      ttlAutopurge: false,
      // an evicted or replaced entry leaves the indexes too, or they would grow without bound
      dispose: (envelope, key, reason) => {
        if (reason === 'evict') this.evictions++;
        this.unindex(key, envelope);
      },
    });
  }

  get(key: string): Envelope | undefined {
    return this.lru.get(key);
  }

  /** `valueSize`: the value's heapSize, when it was measured before (heapSizeInTurns). */
  set(key: string, envelope: Envelope, valueSize?: number): void {
    const until = Math.max(envelope.e, envelope.s, envelope.g) - Date.now();
    const ttl = this.capMs > 0 ? Math.min(until, this.capMs) : until;
    if (ttl <= 0) return;
    const size = entrySize(key, envelope, valueSize ?? heapSize(envelope.v));
    if (size > this.lru.maxSize) return;
    this.lru.set(key, envelope, { ttl, size });
    if (envelope.t) for (const tag of envelope.t) add(this.byTag, tag, key);
    if (envelope.n) add(this.byNamespace, envelope.n, key);
  }

  delete(key: string): boolean {
    return this.lru.delete(key);
  }

  deleteTag(tag: string): number {
    return this.deleteAll(this.byTag.get(tag));
  }

  deleteNamespace(namespace: string): number {
    return this.deleteAll(this.byNamespace.get(namespace));
  }

  deleteMatching(pattern: RegExp): number {
    let count = 0;
    for (const key of [...this.lru.keys()]) if (pattern.test(key) && this.lru.delete(key)) count++;
    return count;
  }

  clear(): void {
    this.lru.clear();
    this.byTag.clear();
    this.byNamespace.clear();
  }

  /** The entry without touching its LRU position (for inspection: the admin API). */
  peek(key: string): Envelope | undefined {
    return this.lru.peek(key);
  }

  get size(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }

  keys(): IterableIterator<string> {
    return this.lru.keys();
  }

  private deleteAll(keys: Set<string> | undefined): number {
    if (!keys) return 0;
    let count = 0;
    for (const key of [...keys]) if (this.lru.delete(key)) count++;
    return count;
  }

  private unindex(key: string, envelope: Envelope): void {
    if (envelope.t) for (const tag of envelope.t) remove(this.byTag, tag, key);
    if (envelope.n) remove(this.byNamespace, envelope.n, key);
  }
}

/** What maxBytes bounds: the entry's estimated cost to the heap (heap-size.ts), not its encoding. */
function entrySize(key: string, envelope: Envelope, valueSize: number): number {
  let size = ENTRY_OVERHEAD + stringSize(key) + valueSize;
  if (envelope.n !== undefined) size += INDEX_ENTRY;
  for (const tag of envelope.t ?? []) size += INDEX_ENTRY + stringSize(tag);
  return size;
}

function add(index: Map<string, Set<string>>, name: string, key: string): void {
  let keys = index.get(name);
  if (!keys) index.set(name, (keys = new Set()));
  keys.add(key);
}

function remove(index: Map<string, Set<string>>, name: string, key: string): void {
  const keys = index.get(name);
  if (keys?.delete(key) && keys.size === 0) index.delete(name);
}
