import type { InvalidationSpec } from '../engine/invalidator';
import type { RouteInvalidationRule } from '../options/cache-options.interface';
import { compilePathPattern, type PathMatcher } from './route-pattern';

export const MUTATION_METHODS: readonly string[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

interface CompiledRule {
  methods: readonly string[];
  match: PathMatcher;
  rule: RouteInvalidationRule;
}

/** `invalidationRules`, compiled once: what a successful mutation request invalidates. */
export class RouteInvalidationRules {
  private readonly rules: CompiledRule[];

  constructor(rules: readonly RouteInvalidationRule[]) {
    this.rules = rules.map((rule) => ({
      methods:
        rule.method === undefined
          ? MUTATION_METHODS
          : ([] as string[]).concat(rule.method).map((m) => m.toUpperCase()),
      match: compilePathPattern(rule.path),
      rule,
    }));
  }

  get size(): number {
    return this.rules.length;
  }

  /** The union of what every matching rule names, or undefined; only mutations ever match. */
  match(method: string, path: string): InvalidationSpec | undefined {
    const upper = method.toUpperCase();
    if (this.rules.length === 0 || !MUTATION_METHODS.includes(upper)) return undefined;
    let spec: InvalidationSpec | undefined;
    for (const { methods, match, rule } of this.rules) {
      if (!methods.includes(upper)) continue;
      const params = match(path);
      if (!params) continue;
      const tags = typeof rule.tags === 'function' ? rule.tags(params) : rule.tags;
      spec = mergeSpecs(spec, { tags, namespaces: rule.namespaces });
    }
    return spec;
  }
}

/** Two specs as one, each list without duplicates; undefined when both name nothing. */
export function mergeSpecs(
  a: InvalidationSpec | undefined,
  b: InvalidationSpec | undefined,
): InvalidationSpec | undefined {
  if (!a) return b && hasNames(b) ? b : undefined;
  if (!b) return hasNames(a) ? a : undefined;
  const out: InvalidationSpec = {};
  for (const kind of ['tags', 'namespaces', 'keys', 'patterns'] as const) {
    const names = [...new Set([...(a[kind] ?? []), ...(b[kind] ?? [])])];
    if (names.length > 0) out[kind] = names;
  }
  return hasNames(out) ? out : undefined;
}

function hasNames(spec: InvalidationSpec): boolean {
  return (['tags', 'namespaces', 'keys', 'patterns'] as const).some(
    (k) => (spec[k]?.length ?? 0) > 0,
  );
}
