import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { CURSOR_FORMAT, IsCacheGlob, MAX_PAGE_COUNT } from '../admin-input.rules';

export class KeysQueryDto {
  @ApiPropertyOptional({ description: 'Redis glob over keys under the prefix', default: '*' })
  @IsOptional()
  @IsCacheGlob()
  pattern?: string;

  @ApiPropertyOptional({
    description: '"0" to start, then the cursor of the previous page',
    default: '0',
  })
  @IsOptional()
  @Matches(CURSOR_FORMAT, {
    message: 'cursor must be "0" or the "<node>:<cursor>" of a previous page',
  })
  cursor?: string;

  @ApiPropertyOptional({
    description: 'SCAN COUNT hint',
    minimum: 1,
    maximum: MAX_PAGE_COUNT,
    default: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_COUNT)
  count?: number;
}
