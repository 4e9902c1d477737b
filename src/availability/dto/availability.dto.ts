import { ApiProperty } from '@nestjs/swagger';

export class WorkingHoursDto {
  @ApiProperty({ example: '09:00' })
  start!: string;

  @ApiProperty({ example: '17:00' })
  end!: string;
}

export class AvailabilityDto {
  @ApiProperty({ example: 1 })
  barberId!: number;

  @ApiProperty({ example: '2025-06-12' })
  date!: string;

  @ApiProperty({ example: 30, description: 'length of one slot; longer services span several' })
  slotMinutes!: number;

  @ApiProperty({ type: WorkingHoursDto, nullable: true, description: 'null on a day off' })
  workingHours!: WorkingHoursDto | null;

  @ApiProperty({ example: ['09:00', '09:30', '11:00'], type: [String] })
  slots!: string[];
}
