import { CacheDecoratorError, KeyTemplateError } from '../errors';
import type { EntryOptions } from '../engine/entry-policy';
import { compileKeyTemplate, type KeyBuilder } from '../keys/key-template';
import type { RouteVary } from '../keys/route-key';
import { stableDigest } from '../keys/stable-digest';
import { serializerProblem, typeProblem, type ValueOptions } from '../values/value-format';
import type { CachedOptions } from './cached.decorator';

/** Where a decorator sits, for compiling and for error messages. */
export interface PlanSite {
  className: string;
  methodName: string;
  /** a route handler (its functions get the request) rather than a provider method */
  route: boolean;
  /** arguments the method declares; undefined when unknown (rest parameters) */
  argCount?: number;
  /** the configured namespaces (`options.namespaces`) */
  namespaces: Record<string, unknown>;
}

/** `@Cached` options, checked and compiled once: what a call needs to reach the engine. */
export interface CachedPlan {
  owner: string;
  namespace: string;
  /** the key under the namespace; undefined on a route without its own key (the request decides) */
  key?: KeyBuilder;
  /** the key depends on the arguments alone (a template or the default digest, not a function) */
  pureKey: boolean;
  perUser: boolean;
  vary: RouteVary;
  /** the class and format of its values, registered at bootstrap so Redis entries revive */
  value: ValueOptions;
  /** false when `condition` says this call skips the cache */
  applies(args: readonly unknown[]): boolean;
  /** the engine's options for this call, the arguments bound into ttl/unless */
  entryOptions<T>(args: readonly unknown[]): EntryOptions<T>;
}

export const NAMESPACE_NAME = /^[^\s*?[\]]{1,100}$/;
const ROUTE_HINT = 'on a route the one argument is the request, e.g. {0.params.id}';

export function compileCachedPlan(options: CachedOptions, site: PlanSite): CachedPlan {
  const owner = `${site.className}.${site.methodName}`;
  const fail = (problem: string): never => {
    throw new CacheDecoratorError('@Cached', owner, problem);
  };
  if (options === null || typeof options !== 'object') fail('options must be an object');
  const { ttl, tags, condition, unless, staleWhileRevalidate, grace, perUser, vary } = options;
  const namespace = options.namespace ?? site.className;
  if (typeof namespace !== 'string' || !NAMESPACE_NAME.test(namespace)) {
    fail(
      `"namespace" must be 1-100 characters without spaces or glob characters (got ${String(namespace)})`,
    );
  }
  const configured = Object.keys(site.namespaces);
  if (options.namespace !== undefined && configured.length > 0 && !configured.includes(namespace)) {
    fail(
      `unknown namespace "${namespace}": configure it in "namespaces" (${configured.join(', ')})`,
    );
  }
  if (ttl !== undefined && typeof ttl !== 'function') seconds('ttl', ttl, fail);
  seconds('staleWhileRevalidate', staleWhileRevalidate, fail);
  seconds('grace', grace, fail);
  if (tags !== undefined && typeof tags !== 'function' && !isNameList(tags)) {
    fail('"tags" must be a list of non-empty strings or a function of the arguments');
  }
  for (const [name, fn] of Object.entries({ condition, unless })) {
    if (fn !== undefined && typeof fn !== 'function') fail(`"${name}" must be a function`);
  }
  if (!site.route && (perUser !== undefined || vary !== undefined)) {
    fail('"perUser" and "vary" apply to route handlers only');
  }
  if (perUser !== undefined && typeof perUser !== 'boolean') fail('"perUser" must be a boolean');
  checkVary(vary, fail);
  const { type, serializer } = options;
  const typeIssue = type === undefined ? undefined : typeProblem(type);
  if (typeIssue) fail(`"type": ${typeIssue}`);
  const formatIssue = serializer === undefined ? undefined : serializerProblem(serializer);
  if (formatIssue) fail(`"serializer": ${formatIssue}`);

  const key = keyBuilder(options.key, site, owner, fail);
  return {
    owner,
    namespace,
    key,
    pureKey: typeof options.key !== 'function',
    perUser: perUser === true,
    vary: vary ?? {},
    value: { type, serializer },
    applies: condition ? (args) => condition(...args) !== false : () => true,
    entryOptions: <T>(args: readonly unknown[]): EntryOptions<T> => ({
      namespace,
      ttl: typeof ttl === 'function' ? (value: T) => ttl(value, ...args) : ttl,
      tags: typeof tags === 'function' ? tags(...args) : tags,
      unless: unless ? (value: T) => unless(value, ...args) : undefined,
      staleWhileRevalidate,
      grace,
      type,
      serializer: serializer as ValueOptions<T>['serializer'],
      family: owner,
    }),
  };
}

function keyBuilder(
  key: CachedOptions['key'],
  site: PlanSite,
  owner: string,
  fail: (problem: string) => never,
): KeyBuilder | undefined {
  if (key === undefined) {
    if (site.route) return undefined;
    const head = `${owner}:`;
    return (args) => head + stableDigest(args);
  }
  if (typeof key === 'function') {
    return (args) => {
      const built = key(...args);
      if (typeof built !== 'string' || built.length === 0) {
        throw new TypeError(
          `@Cached on ${owner}: "key" returned ${String(built)}, expected a non-empty string`,
        );
      }
      return built;
    };
  }
  if (typeof key !== 'string') return fail('"key" must be a template string or a function');
  try {
    const template = compileKeyTemplate(key, {
      argCount: site.route ? 1 : site.argCount,
      hint: site.route ? ROUTE_HINT : undefined,
      fieldsOnly: site.route ? ROUTE_HINT : undefined,
    });
    return template;
  } catch (err) {
    if (err instanceof KeyTemplateError) return fail(`bad "key": ${err.message}`);
    throw err;
  }
}

function seconds(name: string, value: unknown, fail: (problem: string) => never): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`"${name}" must be a number of seconds >= 0 (got ${String(value)})`);
  }
}

function checkVary(vary: RouteVary | undefined, fail: (problem: string) => never): void {
  if (vary === undefined) return;
  if (vary === null || typeof vary !== 'object') fail('"vary" must be { query?, headers? }');
  if (vary.query !== undefined && vary.query !== true && !isNameList(vary.query)) {
    fail('"vary.query" must be true or a list of parameter names');
  }
  if (vary.headers !== undefined && !isNameList(vary.headers)) {
    fail('"vary.headers" must be a list of header names');
  }
}

export function isNameList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string' && item.length > 0);
}
