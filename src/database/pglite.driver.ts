import { PGlite } from '@electric-sql/pglite';
import type { Queryable, SqlDriver } from './sql-driver.interface';

/**
 * Postgres compiled to WASM, in memory: what `npm start` and the tests use, so the app runs on a
 * fresh machine with nothing installed. Data is gone when the process exits.
 */
export class PgliteDriver implements SqlDriver {
  readonly name = 'pglite';
  private readonly db = new PGlite();

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.db.query<T>(sql, params)).rows;
  }

  transaction<R>(work: (tx: Queryable) => Promise<R>): Promise<R> {
    return this.db.transaction((tx) =>
      work({
        query: async <T>(sql: string, params: unknown[] = []) =>
          (await tx.query<T>(sql, params)).rows,
      }),
    );
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
  }
}
