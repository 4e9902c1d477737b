import { CacheOptionsError } from '../errors';

/**
 * The checks every option goes through, in one place: each throws a CacheOptionsError naming
 * the option (or environment variable) and the value it was given.
 */
export type Env = Record<string, string | undefined>;

export function seconds(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new CacheOptionsError(option, 'expected a number of seconds >= 0', value);
  }
  return value;
}

export function optionalSeconds(option: string, value: unknown): number | undefined {
  return value === undefined ? undefined : seconds(option, value);
}

export function optionalBoolean(option: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new CacheOptionsError(option, 'expected true or false', value);
  }
  return value;
}

export function positiveInt(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new CacheOptionsError(option, 'expected a positive integer', value);
  }
  return value;
}

export function nonNegativeInt(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new CacheOptionsError(option, 'expected an integer >= 0', value);
  }
  return value;
}

export function envNumber(env: Env, name: string): number | undefined {
  const text = env[name];
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new CacheOptionsError(name, 'expected a number', text);
  return value;
}

export function envBoolean(env: Env, name: string): boolean | undefined {
  const text = env[name]?.toLowerCase();
  if (text === undefined || text === '') return undefined;
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  throw new CacheOptionsError(name, 'expected true or false', env[name]);
}
