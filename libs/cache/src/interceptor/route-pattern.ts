/** Matches a path against an Express-style pattern, giving its parameters, or undefined. */
export type PathMatcher = (path: string) => Record<string, string> | undefined;

/**
 * `/appointments/:id`, `/barbers/:barberId/slots`, and a trailing `*` for "anything below".
 * A `:param` is one non-empty segment; a trailing slash is ignored. Small on purpose: the rules
 * need no optional groups or regexes, and the library takes no dependency for them.
 */
export function compilePathPattern(pattern: string): PathMatcher {
  const names: string[] = [];
  const source = trimSlash(pattern)
    .split('/')
    .map((segment, i, all) => {
      if (segment === '*' && i === all.length - 1) return '(?:/.*)?';
      const param = /^:([A-Za-z_$][\w$]*)$/.exec(segment);
      if (param) {
        names.push(param[1]);
        return '/([^/]+)';
      }
      return i === 0 && segment === '' ? '' : `/${escape(segment)}`;
    })
    .join('');
  const regex = new RegExp(`^${source}/?$`);
  return (path) => {
    const match = regex.exec(path);
    if (!match) return undefined;
    const params: Record<string, string> = {};
    names.forEach((name, i) => (params[name] = safeDecode(match[i + 1])));
    return params;
  };
}

function trimSlash(pattern: string): string {
  return pattern.length > 1 && pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
