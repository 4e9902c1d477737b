import { InvalidPatternError } from '../errors';
/** Limits on user-supplied globs: Redis's matcher can be driven into exponential work. */
export const MAX_GLOB_LENGTH = 200;
const MAX_STARS = 8;

/** Rejects globs that are too long, too star-heavy, or have unbalanced classes. */
export function assertGlob(glob: string): void {
  if (typeof glob !== 'string' || glob.length === 0)
    throw new InvalidPatternError('a pattern is a non-empty string');
  if (glob.length > MAX_GLOB_LENGTH) {
    throw new InvalidPatternError(`a pattern has at most ${MAX_GLOB_LENGTH} characters`);
  }
  if ((glob.match(/\*/g) ?? []).length > MAX_STARS) {
    throw new InvalidPatternError(`a pattern has at most ${MAX_STARS} "*"`);
  }
  if ([...glob].some((ch) => ch.charCodeAt(0) < 0x20)) {
    throw new InvalidPatternError('a pattern has no control characters');
  }
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
      const cls = charClass(glob, i);
      out += cls.source;
      i = cls.end;
    } else out += escape(ch);
  }
  return new RegExp(out + '$', 's');
}

/** A class read as Redis reads it: `\x` is a literal x, `a-z` a range either way round, `]` ends it. */
function charClass(glob: string, start: number): { source: string; end: number } {
  let i = start + 1;
  let source = '[';
  if (glob[i] === '^') source += glob[i++];
  for (; i < glob.length && glob[i] !== ']'; i++) {
    if (glob[i] === '\\' && i + 1 < glob.length) source += classChar(glob[++i]);
    else if (glob[i + 1] === '-' && i + 2 < glob.length) {
      const [low, high] = [glob[i], glob[i + 2]].sort();
      source += `${classChar(low)}-${classChar(high)}`;
      i += 2;
    } else source += classChar(glob[i]);
  }
  if (i >= glob.length) throw new InvalidPatternError('a pattern has an unclosed "["');
  return { source: source + ']', end: i };
}

function classChar(ch: string): string {
  return /[\\\][^-]/.test(ch) ? `\\${ch}` : ch;
}

function escape(ch: string): string {
  return ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
