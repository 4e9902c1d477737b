import { ApiProperty } from '@nestjs/swagger';
import { IsISO8601, Matches } from 'class-validator';
import { ISO_DATE } from '../../common/calendar.helper';

export class AvailabilityQueryDto {
  @ApiProperty({ example: '2025-06-12', description: 'the day, YYYY-MM-DD' })
  @Matches(ISO_DATE, { message: 'date must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'date must be a real calendar day' })
  date!: string;
}
