import { ApiProperty } from '@nestjs/swagger';

export class BarberDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 'Marco Bellini' })
  name!: string;

  @ApiProperty({ example: 'Classic Italian cuts' })
  bio!: string;

  @ApiProperty({ example: '09:00', description: 'start of the working day (HH:MM)' })
  workStart!: string;

  @ApiProperty({ example: '17:00', description: 'end of the working day (HH:MM)' })
  workEnd!: string;

  @ApiProperty({ example: [0], type: [Number], description: 'weekdays off, 0 = Sunday' })
  daysOff!: number[];
}
