import { Pool } from 'pg';
import type { Queryable, SqlDriver } from './sql-driver.interface';

/** A real PostgreSQL server (DATABASE_URL), through a connection pool. */
export class PostgresDriver implements SqlDriver {
  readonly name = 'postgres';
  private readonly pool: Pool;

  constructor(connectionString: string) {
    this.pool = new Pool({ connectionString, max: 10 });
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(sql, params)).rows as T[];
  }

  async transaction<R>(work: (tx: Queryable) => Promise<R>): Promise<R> {
    // A transaction must stay on one connection, so it checks one out of the pool.
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work({
        query: async <T>(sql: string, params: unknown[] = []) =>
          (await client.query(sql, params)).rows as T[],
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
