import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsOptional } from 'class-validator';
import { IsCacheGlob, IsCacheKey, MAX_LIST_ITEMS, MAX_PATTERNS } from '../admin-input.rules';

export class InvalidateDto {
  @ApiPropertyOptional({ type: [String], example: ['barber:7'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @IsCacheKey({ each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: [String], example: ['availability'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @IsCacheKey({ each: true })
  namespaces?: string[];

  @ApiPropertyOptional({ type: [String], description: 'keys relative to the prefix' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @IsCacheKey({ each: true })
  keys?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Redis globs over keys under the prefix' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_PATTERNS)
  @IsCacheGlob({ each: true })
  patterns?: string[];
}
