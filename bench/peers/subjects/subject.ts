/** One library behind the few operations every workload needs, configured the same way for all. */
export interface Subject {
  library: string;
  /** the library's read-through call: getOrSet / wrap / fetch */
  getOrSet(key: string, load: Loader): Promise<unknown>;
  /** a plain read, where the library has one (coherence polls it) */
  get?(key: string): Promise<unknown>;
  delete(key: string): Promise<void>;
  /** where the library has tags (or references) */
  invalidateTag?(tag: string): Promise<void>;
  /** a decorated / defined method over `valueFor`, where the library has one */
  method?(id: number): Promise<unknown>;
  close(): Promise<void>;
}

export type Loader = (key: string) => Promise<unknown>;

export interface SubjectOptions {
  /** entries in the memory tier, or false for none */
  memory: number | false;
  /** the shared redis-server, or false for none */
  redis: string | false;
  /** keeps each workload's and library's keys apart on the one server */
  prefix: string;
  /** cross-instance loader lock (ours; the peers have none to turn on) */
  lock?: boolean;
  /** tags of an entry, from its key (tag workload) */
  tagsOf?: (key: string) => string[];
}

export type SubjectFactory = (options: SubjectOptions) => Promise<Subject>;

/** Every library stores entries for an hour: no workload runs into an expiry. */
export const TTL_SECONDS = 3600;

/** The value every library caches: a small JSON object, as an API response would be. */
export function valueFor(id: number | string) {
  return { id, name: 'Ana', slots: ['09:00', '09:30', '10:00'], active: true };
}

export function redisEndpoint(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
}
