/** A `@Cached` / `@InvalidateOn` that cannot work, found at bootstrap: names the method. */
export class CacheDecoratorError extends Error {
  static readonly code = 'E_CACHE_DECORATOR';

  constructor(decorator: '@Cached' | '@InvalidateOn', owner: string, problem: string) {
    super(`${decorator} on ${owner}: ${problem}`);
    this.name = 'CacheDecoratorError';
  }
}
