/** The only thing the app needs from a database: run one parameterised statement. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A connection source (embedded or real Postgres) that can also run a transaction. */
export interface SqlDriver extends Queryable {
  /** 'pglite' or 'postgres', shown by /stats/db and the startup log */
  readonly name: string;
  /** Runs `work` on one connection inside BEGIN/COMMIT (ROLLBACK when it throws). */
  transaction<R>(work: (tx: Queryable) => Promise<R>): Promise<R>;
  close(): Promise<void>;
}
