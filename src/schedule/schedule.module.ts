// Named apart from @nestjs/schedule's ScheduleModule, which the cache library may load for cron.
import { Module } from '@nestjs/common';
import { ScheduleRepository } from './schedule.repository';

@Module({ providers: [ScheduleRepository], exports: [ScheduleRepository] })
export class BarberScheduleModule {}
