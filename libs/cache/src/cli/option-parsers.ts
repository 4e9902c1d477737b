import { InvalidArgumentError } from 'commander';

/** A commander parser for a positive number option. */
export function positive(name: string, max = Infinity): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0 || n > max)
      throw new InvalidArgumentError(
        `${name} must be a positive number${max < Infinity ? ` up to ${max}` : ''}`,
      );
    return n;
  };
}

/** A commander collector for a repeatable option. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
