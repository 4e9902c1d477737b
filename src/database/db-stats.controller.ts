import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Database } from './database.service';
import { DbStatsDto } from './db-stats.dto';

/** The database's side of the story: how many statements reached it. */
@ApiTags('stats')
@Controller('stats/db')
export class DbStatsController {
  constructor(private readonly db: Database) {}

  @Get()
  @ApiOperation({ summary: 'Statements sent to the database since start or last reset' })
  @ApiOkResponse({ type: DbStatsDto })
  stats(): DbStatsDto {
    return { driver: this.db.driverName, ...this.db.queryCounts() };
  }

  @Post('reset')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the statement counters back to zero' })
  @ApiOkResponse({ type: DbStatsDto })
  reset(): DbStatsDto {
    this.db.resetQueryCounts();
    return this.stats();
  }
}
