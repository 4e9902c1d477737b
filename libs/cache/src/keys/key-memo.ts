import type { KeyBuilder } from './key-template';

const END = Symbol('key');
type Node = Map<unknown, Node | string>;

/**
 * Remembers the keys built from primitive arguments. Looking up a freshly built string costs a
 * hash of it on every call (≈100 ns, more than the lookup itself); a remembered key was hashed
 * once. Only for builders that depend on nothing but the arguments (templates, digests), and
 * only for primitive arguments: objects may change between calls, so their keys are rebuilt.
 */
export function memoizeKeys(build: KeyBuilder, maxEntries = 4_096): KeyBuilder {
  let root: Node = new Map();
  let size = 0;
  return (args) => {
    let node = root;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (arg !== null && (typeof arg === 'object' || typeof arg === 'function'))
        return build(args);
      let next = node.get(arg) as Node | undefined;
      if (next === undefined) node.set(arg, (next = new Map()));
      node = next;
    }
    const known = node.get(END) as string | undefined;
    if (known !== undefined) return known;
    // bounded: when full, start over rather than track recency on the hit path
    if (++size > maxEntries) {
      root = new Map();
      size = 0;
    }
    const key = build(args);
    node.set(END, key);
    return key;
  };
}
