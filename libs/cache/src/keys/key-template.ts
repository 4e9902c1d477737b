import { KeyTemplateError } from '../errors';
import { stableDigest } from './stable-digest';

/** Builds a key from a call's arguments. */
export type KeyBuilder = (args: readonly unknown[]) => string;

export interface TemplateLimits {
  /** how many arguments the method takes; undefined when it cannot be known (rest parameters) */
  argCount?: number;
  /** a hint added when a placeholder names a missing argument */
  hint?: string;
  /** when set, a bare `{0}` is refused with this hint: only fields of the arguments may be used */
  fieldsOnly?: string;
}

interface Placeholder {
  index: number;
  path: string[];
}

const PLACEHOLDER = /^(\d+)((?:\.[A-Za-z0-9_$]+)*)$/;

/**
 * Compiles `'barber:{0}:date:{1}'` or `'user:{0.id}'` once, into a function of the arguments.
 * `{{` and `}}` stand for literal braces. Anything else in braces, an unclosed `{`, a stray `}`
 * or an index past the method's arguments throws a KeyTemplateError here, at bootstrap.
 */
export function compileKeyTemplate(template: string, limits: TemplateLimits = {}): KeyBuilder {
  if (typeof template !== 'string' || template.length === 0) {
    throw new KeyTemplateError('a key template is a non-empty string');
  }
  const parts: (string | Placeholder)[] = [];
  let literal = '';
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if ((ch === '{' || ch === '}') && template[i + 1] === ch) {
      literal += ch;
      i++;
    } else if (ch === '}') {
      throw new KeyTemplateError(
        `stray "}" at position ${i} of "${template}" (write "}}" for a brace)`,
      );
    } else if (ch === '{') {
      const end = template.indexOf('}', i);
      if (end < 0) throw new KeyTemplateError(`unclosed "{" at position ${i} of "${template}"`);
      const body = template.slice(i + 1, end);
      const match = PLACEHOLDER.exec(body);
      if (!match) {
        throw new KeyTemplateError(
          `"{${body}}" in "${template}" is not a placeholder: use {0}, {1}, {0.id} ("{{" for a brace)`,
        );
      }
      const index = Number(match[1]);
      if (limits.argCount !== undefined && index >= limits.argCount) {
        const takes = `${limits.argCount} argument${limits.argCount === 1 ? '' : 's'}`;
        throw new KeyTemplateError(
          `"{${body}}" in "${template}" refers to argument ${index}, but there are ${takes}${limits.hint ? `: ${limits.hint}` : ''}`,
        );
      }
      if (limits.fieldsOnly !== undefined && !match[2]) {
        throw new KeyTemplateError(
          `"{${body}}" in "${template}" names a whole argument: ${limits.fieldsOnly}`,
        );
      }
      if (literal) parts.push(literal);
      literal = '';
      parts.push({ index, path: match[2] ? match[2].slice(1).split('.') : [] });
      i = end;
    } else literal += ch;
  }
  if (literal) parts.push(literal);
  return (args) => {
    let key = '';
    for (const part of parts) key += typeof part === 'string' ? part : render(resolve(args, part));
    return key;
  };
}

function resolve(args: readonly unknown[], { index, path }: Placeholder): unknown {
  let value: unknown = args[index];
  for (const segment of path) {
    if (value === null || value === undefined) return value;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** A placeholder's text: scalars as they print, objects by digest (never "[object Object]"). */
export function render(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
    case 'undefined':
      return String(value);
  }
  if (value === null) return 'null';
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
  return stableDigest(value);
}
