import { ApiProperty } from '@nestjs/swagger';

export class DbStatsDto {
  @ApiProperty({ example: 'pglite', enum: ['pglite', 'postgres'] })
  driver!: string;

  @ApiProperty({ example: 12 })
  total!: number;

  @ApiProperty({ example: { select: 10, insert: 2 }, additionalProperties: { type: 'number' } })
  byKind!: Record<string, number>;

  @ApiProperty({ example: '2025-06-11T09:00:00.000Z' })
  since!: string;
}
