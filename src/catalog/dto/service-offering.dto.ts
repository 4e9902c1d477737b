import { ApiProperty } from '@nestjs/swagger';

/** One thing a customer can book (a haircut, a shave): called a "service" in the API. */
export class ServiceOfferingDto {
  @ApiProperty({ example: 1 })
  id!: number;

  @ApiProperty({ example: 'Classic cut' })
  name!: string;

  @ApiProperty({ example: 30 })
  durationMinutes!: number;

  @ApiProperty({ example: 2500, description: 'price in cents' })
  priceCents!: number;
}
