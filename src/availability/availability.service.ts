import { Injectable } from '@nestjs/common';
import { Cached, WarmUp } from '@app/cache';
import { todayIso } from '../common/calendar.helper';
import { availabilityTags } from '../common/cache-tags.helper';
import { BarbersService } from '../barbers/barbers.service';
import { ScheduleRepository } from '../schedule/schedule.repository';
import { freeSlots, SLOT_MINUTES, workingDay } from '../schedule/slot-calculator';
import type { AvailabilityDto } from './dto/availability.dto';

@Injectable()
export class AvailabilityService {
  constructor(
    private readonly barbers: BarbersService,
    private readonly schedule: ScheduleRepository,
  ) {}

  /**
   * Free slots of one barber on one day: two queries on a miss (barber, day's bookings).
   * Tagged with the barber, the day and the barber-day; bookings invalidate the barber-day.
   * Today's slots of every barber are computed at startup, before the first customer asks.
   */
  @Cached({
    namespace: 'availability',
    key: 'barber:{0}:date:{1}',
    tags: (barberId: number, date: string) => availabilityTags(barberId, date),
  })
  @WarmUp({
    args: async (self: AvailabilityService) =>
      (await self.barbers.list()).map((b) => [b.id, todayIso()]),
  })
  async slots(barberId: number, date: string): Promise<AvailabilityDto> {
    const barber = await this.barbers.get(barberId);
    const day = workingDay(barber, date);
    const busy = day ? await this.schedule.busy(barberId, date) : [];
    return {
      barberId,
      date,
      slotMinutes: SLOT_MINUTES,
      workingHours: day ? { start: barber.workStart, end: barber.workEnd } : null,
      slots: freeSlots(day, busy),
    };
  }
}
