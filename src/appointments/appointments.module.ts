import { Module } from '@nestjs/common';
import { BarbersModule } from '../barbers/barbers.module';
import { CatalogModule } from '../catalog/catalog.module';
import { BarberScheduleModule } from '../schedule/schedule.module';
import { AppointmentsController } from './appointments.controller';
import { AppointmentsService } from './appointments.service';

@Module({
  imports: [BarbersModule, CatalogModule, BarberScheduleModule],
  controllers: [AppointmentsController],
  providers: [AppointmentsService],
})
export class AppointmentsModule {}
