/** Limits on user-supplied globs: Redis's matcher can be driven into exponential work. */
export const MAX_GLOB_LENGTH = 200;
const MAX_STARS = 8;

export class InvalidPatternError extends Error {
  static readonly code = 'E_CACHE_PATTERN';
}

/** Rejects globs that are too long, too star-heavy, or have unbalanced classes. */
export function assertGlob(glob: string): void {
  if (typeof glob !== 'string' || glob.length === 0) throw new InvalidPatternError('a pattern is a non-empty string');
  if (glob.length > MAX_GLOB_LENGTH) {
    throw new InvalidPatternError(`a pattern has at most ${MAX_GLOB_LENGTH} characters`);
  }
  if ((glob.match(/\*/g) ?? []).length > MAX_STARS) {
    throw new InvalidPatternError(`a pattern has at most ${MAX_STARS} "*"`);
  }
  if (/[\x00-\x1f]/.test(glob)) throw new InvalidPatternError('a pattern has no control characters');
  globToRegExp(glob); // throws on an unclosed class
}

/** Redis glob semantics (`*`, `?`, `[abc]`, `[^a]`, `[a-z]`, `\x`) as a RegExp for the memory tier. */
export function globToRegExp(glob: string): RegExp {
  let out = '^';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === '*') out += '.*';
    else if (ch === '?') out += '.';
    else if (ch === '\\' && i + 1 < glob.length) out += escape(glob[++i]);
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) throw new InvalidPatternError('a pattern has an unclosed "["');
      let body = glob.slice(i + 1, end);
      const negate = body.startsWith('^');
      if (negate) body = body.slice(1);
      out += `[${negate ? '^' : ''}${body.replace(/[\\\]]/g, '\\$&')}]`;
      i = end;
    } else out += escape(ch);
  }
  return new RegExp(out + '$', 's');
}

function escape(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
