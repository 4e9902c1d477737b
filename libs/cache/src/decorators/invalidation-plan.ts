import { CacheDecoratorError, InvalidPatternError } from '../errors';
import { assertGlob } from '../engine/glob';
import type { InvalidationSpec } from '../engine/invalidator';
import { isNameList, type PlanSite } from './cached-plan';
import type { InvalidateOnSpec, InvalidationNames } from './invalidate-on.decorator';

const KINDS = ['tags', 'namespaces', 'keys', 'patterns'] as const;
type Kind = (typeof KINDS)[number];

/** `@InvalidateOn` checked once: turns a call's arguments and result into what to invalidate. */
export interface InvalidationPlan {
  owner: string;
  /** names used as they are (not functions), for bootstrap checks */
  staticNamespaces: string[];
  /** the spec for one successful call, or undefined when it names nothing */
  resolve(args: readonly unknown[], result: unknown): InvalidationSpec | undefined;
}

export function compileInvalidationPlan(spec: InvalidateOnSpec, site: PlanSite): InvalidationPlan {
  const owner = `${site.className}.${site.methodName}`;
  const fail = (problem: string): never => {
    throw new CacheDecoratorError('@InvalidateOn', owner, problem);
  };
  if (spec === null || typeof spec !== 'object')
    fail('expected { tags?, namespaces?, keys?, patterns? }');
  const unknown = Object.keys(spec).filter((name) => !(KINDS as readonly string[]).includes(name));
  if (unknown.length > 0) fail(`unknown field "${unknown[0]}" (use ${KINDS.join(', ')})`);
  const given = KINDS.filter((kind) => spec[kind] !== undefined);
  if (given.length === 0) fail('names nothing to invalidate');
  for (const kind of given) {
    const names = spec[kind];
    if (typeof names !== 'function' && !isNameList(names)) {
      fail(`"${kind}" must be a list of non-empty strings or a function of (...args, result)`);
    }
  }
  if (isNameList(spec.patterns)) {
    for (const pattern of spec.patterns) {
      try {
        assertGlob(pattern);
      } catch (err) {
        if (err instanceof InvalidPatternError) fail(`bad pattern "${pattern}": ${err.message}`);
        throw err;
      }
    }
  }
  return {
    owner,
    staticNamespaces: isNameList(spec.namespaces) ? spec.namespaces : [],
    resolve(args, result) {
      const out: InvalidationSpec = {};
      let count = 0;
      for (const kind of given) {
        const names = evaluate(spec[kind]!, args, result, owner, kind);
        if (names.length > 0) {
          out[kind] = names;
          count += names.length;
        }
      }
      return count > 0 ? out : undefined;
    },
  };
}

function evaluate(
  names: InvalidationNames,
  args: readonly unknown[],
  result: unknown,
  owner: string,
  kind: Kind,
): string[] {
  if (typeof names !== 'function') return names;
  const produced: unknown = names(...args, result);
  if (produced === undefined || produced === null) return [];
  const list = typeof produced === 'string' ? [produced] : produced;
  if (!isNameList(list)) {
    throw new TypeError(
      `@InvalidateOn on ${owner}: "${kind}" returned ${String(produced)}, expected strings`,
    );
  }
  return list;
}
