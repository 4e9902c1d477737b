import { ApiProperty } from '@nestjs/swagger';

export class AppointmentDto {
  @ApiProperty({ example: 42 })
  id!: number;

  @ApiProperty({ example: 1 })
  barberId!: number;

  @ApiProperty({ example: 1 })
  serviceId!: number;

  @ApiProperty({ example: 'Ana Lima' })
  customerName!: string;

  @ApiProperty({ example: '2025-06-12' })
  date!: string;

  @ApiProperty({ example: '10:30' })
  time!: string;

  @ApiProperty({ example: 30, description: 'as booked; the service list may change later' })
  durationMinutes!: number;

  @ApiProperty({ example: 2500, description: 'as booked, in cents' })
  priceCents!: number;

  @ApiProperty({ example: 'booked', enum: ['booked', 'cancelled'] })
  status!: 'booked' | 'cancelled';
}

/** What a reschedule answers: the moved appointment and where it was, both days changed. */
export class RescheduledAppointmentDto extends AppointmentDto {
  @ApiProperty({ example: '2025-06-11' })
  previousDate!: string;

  @ApiProperty({ example: '15:00' })
  previousTime!: string;
}
