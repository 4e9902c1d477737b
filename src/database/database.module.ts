import { Global, Logger, Module, type DynamicModule } from '@nestjs/common';
import { Database } from './database.service';
import { DbStatsController } from './db-stats.controller';
import { PgliteDriver } from './pglite.driver';
import { PostgresDriver } from './postgres.driver';
import { SCHEMA_SQL } from './schema.sql';
import { seed } from './database.seeder';

export interface DatabaseModuleOptions {
  /** a postgres:// URL; absent → embedded PGlite, in memory */
  url?: string;
}

/** Provides `Database`, ready to use: schema created and seeded before the app accepts requests. */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions = {}): DynamicModule {
    return {
      module: DatabaseModule,
      controllers: [DbStatsController],
      providers: [{ provide: Database, useFactory: () => openDatabase(options) }],
      exports: [Database],
    };
  }
}

async function openDatabase({ url }: DatabaseModuleOptions): Promise<Database> {
  const driver = url ? new PostgresDriver(url) : new PgliteDriver();
  const db = new Database(driver);
  try {
    for (const statement of SCHEMA_SQL) await db.query(statement);
    await db.transaction((tx) => seed(tx));
  } catch (err) {
    await driver.close().catch(() => undefined);
    throw err;
  }
  // Start counting from zero: the figures at /stats/db are the app's own load.
  db.resetQueryCounts();
  new Logger('Database').log(`${driver.name} ready${url ? '' : ' (embedded, in memory)'}`);
  return db;
}
