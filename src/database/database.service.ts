import { Logger, type OnApplicationShutdown } from '@nestjs/common';
import { QueryCounter, type QueryCounts } from './query-counter';
import type { Queryable, SqlDriver } from './sql-driver.interface';

/**
 * The app's database handle (a Nest provider). Same SQL on PGlite and on PostgreSQL; every
 * statement goes through here so that it is counted.
 */
export class Database implements Queryable, OnApplicationShutdown {
  private readonly counter = new QueryCounter();
  private readonly logger = new Logger(Database.name);

  constructor(private readonly driver: SqlDriver) {}

  get driverName(): string {
    return this.driver.name;
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.counter.record(sql);
    return this.driver.query<T>(sql, params);
  }

  /** Statements inside the transaction are counted too; BEGIN/COMMIT are not. */
  transaction<R>(work: (tx: Queryable) => Promise<R>): Promise<R> {
    return this.driver.transaction((tx) =>
      work({
        query: <T>(sql: string, params: unknown[] = []) => {
          this.counter.record(sql);
          return tx.query<T>(sql, params);
        },
      }),
    );
  }

  queryCounts(): QueryCounts {
    return this.counter.snapshot();
  }

  resetQueryCounts(): void {
    this.counter.reset();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.driver
      .close()
      .catch((err: Error) => this.logger.warn(`close failed: ${err.message}`));
  }
}
