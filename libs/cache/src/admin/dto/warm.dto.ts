import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsOptional } from 'class-validator';
import { IsCacheKey, MAX_LIST_ITEMS } from '../admin-input.rules';

export class WarmDto {
  @ApiPropertyOptional({
    type: [String],
    description: 'job names (`Class.method` for @WarmUp); absent: every job',
  })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(MAX_LIST_ITEMS)
  @IsCacheKey({ each: true })
  jobs?: string[];
}
