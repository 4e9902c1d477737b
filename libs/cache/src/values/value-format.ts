import { plainToInstance, type ClassConstructor } from 'class-transformer';

/**
 * A format of your own for cached values (module-level `serializer`, or per `@Cached` /
 * `getOrSet` / `set`). `encode` returns a string or a Buffer; `decode` gets back exactly what
 * `encode` returned (a string, or a Buffer) and returns the value. `name` is stored with each
 * entry, so that any instance (and `get()`) decodes it with the format that wrote it.
 */
export interface ValueSerializer<T = unknown> {
  /** 1-64 letters, digits, "_", "-", ".", ":"; one name, one format */
  readonly name: string;
  encode(value: T): string | Buffer;
  decode(data: string | Buffer): T;
}

/** How an entry's value is written and revived: its own format and its class, if any. */
export interface ValueOptions<T = unknown> {
  /** revive plain data (or an array of it) into instances of this class, once per fill */
  type?: ClassConstructor<unknown>;
  serializer?: ValueSerializer<T>;
}

const FORMAT_NAME = /^[\w.:-]{1,64}$/;

/** What is wrong with a `serializer` option, or undefined when it is usable. */
export function serializerProblem(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return 'expected { name, encode, decode }';
  const { name, encode, decode } = value as Partial<ValueSerializer>;
  if (typeof name !== 'string' || !FORMAT_NAME.test(name)) {
    return '"name" must be 1-64 letters, digits, "_", "-", ".", ":"';
  }
  if (typeof encode !== 'function' || typeof decode !== 'function') {
    return '"encode" and "decode" must be functions';
  }
  return undefined;
}

/** What is wrong with a `type` option, or undefined when it is usable. */
export function typeProblem(value: unknown): string | undefined {
  return typeof value === 'function' && typeof value.prototype === 'object' && value.name
    ? undefined
    : 'expected a named class';
}

/**
 * The formats and classes this instance knows, by the names entries carry. Filled at bootstrap
 * (module option, decorators) and by every call that names one, so a payload written by another
 * instance is revived the same way here. A name registered again takes the newer class.
 */
export class ValueFormats {
  private readonly serializers = new Map<string, ValueSerializer>();
  private readonly types = new Map<string, ClassConstructor<unknown>>();

  constructor(readonly fallback?: ValueSerializer) {
    if (fallback) this.serializers.set(fallback.name, fallback);
  }

  register<T>(opts: ValueOptions<T>): void {
    if (opts.type) this.types.set(opts.type.name, opts.type);
    if (opts.serializer) this.serializers.set(opts.serializer.name, opts.serializer);
  }

  serializer(name: string): ValueSerializer {
    const found = this.serializers.get(name);
    if (!found) throw new Error(`no serializer named "${name}" is registered here`);
    return found;
  }

  /** Plain data as instances of the class registered under name; unknown: left as it is. */
  revive(name: string, value: unknown): unknown {
    const type = this.types.get(name);
    if (!type || value === null || typeof value !== 'object' || value instanceof type) return value;
    return keepTyped(value, plainToInstance(type, value));
  }
}

/**
 * class-transformer rebuilds classes but not Map, Set, binary views (without @Type they come
 * out empty or as arrays): those keep the values the payload decoded to.
 */
function keepTyped(source: unknown, target: unknown): unknown {
  if (source === null || typeof source !== 'object' || target === null) return target;
  if (typeof target !== 'object') return target;
  for (const key of Object.keys(source)) {
    const from = (source as Record<string, unknown>)[key];
    const to = target as Record<string, unknown>;
    if (!(key in to)) continue;
    const kept =
      from instanceof Map ||
      from instanceof Set ||
      from instanceof ArrayBuffer ||
      ArrayBuffer.isView(from);
    if (kept) to[key] = from;
    else if (from !== null && typeof from === 'object') to[key] = keepTyped(from, to[key]);
  }
  return target;
}
