import { Module } from '@nestjs/common';
import { BarbersModule } from '../barbers/barbers.module';
import { BarberScheduleModule } from '../schedule/schedule.module';
import { AvailabilityController } from './availability.controller';
import { AvailabilityService } from './availability.service';

@Module({
  imports: [BarbersModule, BarberScheduleModule],
  controllers: [AvailabilityController],
  providers: [AvailabilityService],
})
export class AvailabilityModule {}
