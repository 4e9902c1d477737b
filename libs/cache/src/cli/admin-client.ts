/**
 * A small client of the admin HTTP API (Node's global fetch). Every failure becomes a CliError
 * with a one-line message and the exit code the CLI promises: 2 for the caller's mistake (bad
 * input, refused token, a URL with no admin API), 1 for a server or cache that cannot serve.
 */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** the HTTP status, when the server answered */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface ClientOptions {
  /** the admin API's base, e.g. http://localhost:3000/cache */
  url: string;
  token?: string;
  timeoutMs: number;
}

export interface Answer<T> {
  status: number;
  body: T;
}

export class AdminClient {
  readonly base: string;

  constructor(private readonly options: ClientOptions) {
    this.base = parseBase(options.url);
  }

  get hasToken(): boolean {
    return Boolean(this.options.token);
  }

  async get<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return (await this.request<T>('GET', path, { query })).body;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    return (await this.request<T>('POST', path, { body })).body;
  }

  async delete<T>(path: string, query?: Record<string, string | number | undefined>): Promise<T> {
    return (await this.request<T>('DELETE', path, { query })).body;
  }

  /**
   * One call. `accept` lists the non-2xx statuses the caller handles itself (GET health answers
   * 503 with its report when the cache is down); any other status throws.
   */
  async request<T>(
    method: string,
    path: string,
    opts: { query?: Record<string, unknown>; body?: unknown; accept?: number[] } = {},
  ): Promise<Answer<T>> {
    const url = new URL(this.base + path);
    for (const [name, value] of Object.entries(opts.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      throw this.unreachable(err);
    }
    const text = await res.text().catch(() => '');
    const body = parseJson(text);
    if (res.ok || opts.accept?.includes(res.status)) {
      if (body === undefined)
        throw new CliError(`${url.origin}${url.pathname} did not answer JSON`, EXIT_FAILED);
      return { status: res.status, body: body as T };
    }
    throw this.refusal(res.status, path, body);
  }

  private unreachable(err: unknown): CliError {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    if (e.name === 'TimeoutError' || e.name === 'AbortError')
      return new CliError(
        `${this.base}: no answer within ${this.options.timeoutMs / 1000} s`,
        EXIT_FAILED,
      );
    const why = e.cause?.code ?? e.cause?.message ?? e.message;
    return new CliError(`cannot reach ${this.base} (${why})`, EXIT_FAILED);
  }

  private refusal(status: number, path: string, body: unknown): CliError {
    const said = serverMessage(body);
    if (status === 401)
      return new CliError(
        'the admin API refused the token (401): check --token or CACHE_ADMIN_TOKEN',
        EXIT_USAGE,
        status,
      );
    if (status === 403)
      return new CliError(
        `the admin API refused access (403)${said ? `: ${said}` : ''}`,
        EXIT_USAGE,
        status,
      );
    if (status === 404)
      return new CliError(
        `no ${path} at ${this.base} (404): --url must name the admin API, e.g. http://localhost:3000/cache`,
        EXIT_USAGE,
        status,
      );
    if (status >= 400 && status < 500)
      return new CliError(`refused (${status}): ${said ?? 'bad request'}`, EXIT_USAGE, status);
    return new CliError(`server error (${status})${said ? `: ${said}` : ''}`, EXIT_FAILED, status);
  }
}

function parseBase(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError(
      `invalid --url "${raw}": expected e.g. http://localhost:3000/cache`,
      EXIT_USAGE,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError(`invalid --url "${raw}": only http and https are supported`, EXIT_USAGE);
  return url.href.replace(/\/+$/, '');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Nest's error bodies: `{ statusCode, message: string | string[], error }`. */
function serverMessage(body: unknown): string | undefined {
  const message = (body as { message?: unknown } | undefined)?.message;
  if (Array.isArray(message)) return message.join('; ');
  return typeof message === 'string' ? message : undefined;
}
