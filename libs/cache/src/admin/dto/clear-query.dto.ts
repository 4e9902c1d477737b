import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsCacheGlob } from '../admin-input.rules';

export class ClearQueryDto {
  @ApiPropertyOptional({
    description:
      'Redis glob over keys under the prefix; absent or "*" clears the whole prefix (never the database)',
    example: 'availability:*',
  })
  @IsOptional()
  @IsCacheGlob()
  pattern?: string;
}
