import { Injectable } from '@nestjs/common';
import { toMinutes } from '../common/calendar.helper';
import { Database } from '../database/database.service';
import type { Queryable } from '../database/sql-driver.interface';
import type { BusyInterval } from './slot-calculator';

/** The bookings that occupy a barber's day: what availability and booking both check against. */
@Injectable()
export class ScheduleRepository {
  constructor(private readonly db: Database) {}

  async busy(
    barberId: number,
    date: string,
    tx: Queryable = this.db,
    exceptAppointmentId?: number,
  ): Promise<BusyInterval[]> {
    const rows = await tx.query<{ start: string; minutes: number }>(
      `SELECT to_char(start_time, 'HH24:MI') AS start, duration_minutes AS minutes
         FROM appointments
        WHERE barber_id = $1 AND date = $2::date AND status = 'booked' AND id <> $3
        ORDER BY start_time`,
      [barberId, date, exceptAppointmentId ?? 0],
    );
    return rows.map((r) => ({ start: toMinutes(r.start), end: toMinutes(r.start) + r.minutes }));
  }
}
