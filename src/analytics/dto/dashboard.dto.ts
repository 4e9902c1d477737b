import { ApiProperty } from '@nestjs/swagger';

export class DashboardTotalsDto {
  @ApiProperty({ example: 96 })
  bookings!: number;

  @ApiProperty({ example: 4 })
  cancellations!: number;

  @ApiProperty({ example: 281400, description: 'booked (not cancelled) appointments, cents' })
  revenueCents!: number;
}

export class BarberPerformanceDto {
  @ApiProperty({ example: 1 })
  barberId!: number;

  @ApiProperty({ example: 'Marco Bellini' })
  name!: string;

  @ApiProperty({ example: 24 })
  bookings!: number;

  @ApiProperty({ example: 1 })
  cancellations!: number;

  @ApiProperty({ example: 70200 })
  revenueCents!: number;

  @ApiProperty({ example: 0.41, description: 'booked share of working time over the next 7 days' })
  utilisation!: number;
}

export class HourLoadDto {
  @ApiProperty({ example: 10 })
  hour!: number;

  @ApiProperty({ example: 14 })
  bookings!: number;
}

export class ServicePopularityDto {
  @ApiProperty({ example: 2 })
  serviceId!: number;

  @ApiProperty({ example: 'Skin fade' })
  name!: string;

  @ApiProperty({ example: 19 })
  bookings!: number;

  @ApiProperty({ example: 60800 })
  revenueCents!: number;
}

export class DashboardDto {
  @ApiProperty({ example: '2025-06-11T09:00:00.000Z', description: 'when it was computed' })
  generatedAt!: string;

  @ApiProperty({ example: { from: '2025-06-11', to: '2025-06-17' } })
  utilisationWindow!: { from: string; to: string };

  @ApiProperty({ type: DashboardTotalsDto })
  totals!: DashboardTotalsDto;

  @ApiProperty({ type: [BarberPerformanceDto] })
  barbers!: BarberPerformanceDto[];

  @ApiProperty({ type: [HourLoadDto], description: 'hours of the day, busiest first' })
  busiestHours!: HourLoadDto[];

  @ApiProperty({ type: [ServicePopularityDto] })
  topServices!: ServicePopularityDto[];
}
