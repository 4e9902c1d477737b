import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsISO8601, IsString, Length, Matches, Min } from 'class-validator';
import { HH_MM, ISO_DATE } from '../../common/calendar.helper';

export class BookAppointmentDto {
  @ApiProperty({ example: 1 })
  @IsInt()
  @Min(1)
  barberId!: number;

  @ApiProperty({ example: 1, description: 'id from GET /services' })
  @IsInt()
  @Min(1)
  serviceId!: number;

  @ApiProperty({ example: '2025-06-12', description: 'YYYY-MM-DD' })
  @Matches(ISO_DATE, { message: 'date must be YYYY-MM-DD' })
  @IsISO8601({ strict: true }, { message: 'date must be a real calendar day' })
  date!: string;

  @ApiProperty({ example: '10:30', description: 'start time, HH:MM, on the 30-minute grid' })
  @Matches(HH_MM, { message: 'time must be HH:MM' })
  time!: string;

  @ApiProperty({ example: 'Ana Lima' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, 80)
  customerName!: string;
}
