import {
  BadRequestException,
  ConflictException,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { InvalidateOn } from '@app/cache';
import { barberDayTag } from '../common/cache-tags.helper';
import { todayIso, toHhmm, toMinutes } from '../common/calendar.helper';
import { BarbersService } from '../barbers/barbers.service';
import type { BarberDto } from '../barbers/dto/barber.dto';
import { CatalogService } from '../catalog/catalog.service';
import { Database } from '../database/database.service';
import type { Queryable } from '../database/sql-driver.interface';
import { ScheduleRepository } from '../schedule/schedule.repository';
import { outsideWorkingDay, overlapsAny, workingDay } from '../schedule/slot-calculator';
import type { AppointmentDto, RescheduledAppointmentDto } from './dto/appointment.dto';
import type { BookAppointmentDto } from './dto/book-appointment.dto';
import type { RescheduleAppointmentDto } from './dto/reschedule-appointment.dto';

const COLUMNS = `id, barber_id AS "barberId", service_id AS "serviceId",
  customer_name AS "customerName", to_char(date, 'YYYY-MM-DD') AS date,
  to_char(start_time, 'HH24:MI') AS time, duration_minutes AS "durationMinutes",
  price_cents AS "priceCents", status`;

@Injectable()
export class AppointmentsService {
  constructor(
    private readonly db: Database,
    private readonly barbers: BarbersService,
    private readonly catalog: CatalogService,
    private readonly schedule: ScheduleRepository,
  ) {}

  async get(id: number): Promise<AppointmentDto> {
    const [row] = await this.db.query<AppointmentDto>(
      `SELECT ${COLUMNS} FROM appointments WHERE id = $1`,
      [id],
    );
    if (!row) throw new NotFoundException(`appointment ${id} not found`);
    return row;
  }

  /**
   * 404 for an unknown barber or service, 400 outside working hours, 409 when the time is taken.
   * On success the barber's day and the analytics are invalidated before the 201 goes out, so
   * the customer's next availability read already lacks the slot; a refused booking changes
   * nothing and invalidates nothing.
   */
  @InvalidateOn({
    tags: (_dto: BookAppointmentDto, booked: AppointmentDto) => [
      barberDayTag(booked.barberId, booked.date),
    ],
    namespaces: ['analytics'],
  })
  async book(dto: BookAppointmentDto): Promise<AppointmentDto> {
    assertNotPast(dto.date, dto.time);
    return this.db.transaction(async (tx) => {
      const barber = await this.barbers.get(dto.barberId, tx, true);
      const service = await this.catalog.get(dto.serviceId, tx);
      await this.assertFree(tx, barber, dto.date, dto.time, service.durationMinutes);
      const [row] = await tx.query<AppointmentDto>(
        `INSERT INTO appointments
           (barber_id, service_id, customer_name, date, start_time, duration_minutes, price_cents)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING ${COLUMNS}`,
        [
          barber.id,
          service.id,
          dto.customerName,
          dto.date,
          dto.time,
          service.durationMinutes,
          service.priceCents,
        ],
      );
      return row;
    });
  }

  /** Same barber, new day/time. The answer carries the previous day: both days changed. */
  @InvalidateOn({
    tags: (_id: number, _dto: RescheduleAppointmentDto, moved: RescheduledAppointmentDto) => [
      barberDayTag(moved.barberId, moved.previousDate),
      barberDayTag(moved.barberId, moved.date),
    ],
    namespaces: ['analytics'],
  })
  async reschedule(id: number, dto: RescheduleAppointmentDto): Promise<RescheduledAppointmentDto> {
    assertNotPast(dto.date, dto.time);
    return this.db.transaction(async (tx) => {
      const [current] = await tx.query<AppointmentDto>(
        `SELECT ${COLUMNS} FROM appointments WHERE id = $1 FOR UPDATE`,
        [id],
      );
      if (!current) throw new NotFoundException(`appointment ${id} not found`);
      if (current.status !== 'booked')
        throw new ConflictException(`appointment ${id} is cancelled`);
      const barber = await this.barbers.get(current.barberId, tx, true);
      await this.assertFree(tx, barber, dto.date, dto.time, current.durationMinutes, id);
      const [moved] = await tx.query<AppointmentDto>(
        `UPDATE appointments SET date = $2, start_time = $3 WHERE id = $1 RETURNING ${COLUMNS}`,
        [id, dto.date, dto.time],
      );
      return { ...moved, previousDate: current.date, previousTime: current.time };
    });
  }

  /** Cancelled appointments stay (history, analytics of cancellations); their slot is free. */
  @InvalidateOn({
    tags: (_id: number, cancelled: AppointmentDto) => [
      barberDayTag(cancelled.barberId, cancelled.date),
    ],
    namespaces: ['analytics'],
  })
  async cancel(id: number): Promise<AppointmentDto> {
    const [row] = await this.db.query<AppointmentDto>(
      `UPDATE appointments SET status = 'cancelled'
        WHERE id = $1 AND status = 'booked' RETURNING ${COLUMNS}`,
      [id],
    );
    if (row) return row;
    await this.get(id); // 404 when it does not exist at all
    throw new ConflictException(`appointment ${id} is already cancelled`);
  }

  private async assertFree(
    tx: Queryable,
    barber: BarberDto,
    date: string,
    time: string,
    minutes: number,
    exceptAppointmentId?: number,
  ): Promise<void> {
    const problem = outsideWorkingDay(workingDay(barber, date), time, minutes);
    if (problem) throw new BadRequestException(problem);
    const busy = await this.schedule.busy(barber.id, date, tx, exceptAppointmentId);
    const start = toMinutes(time);
    if (overlapsAny({ start, end: start + minutes }, busy)) {
      throw new ConflictException(
        `barber ${barber.id} is busy between ${time} and ${toHhmm(start + minutes)} on ${date}`,
      );
    }
  }
}

function assertNotPast(date: string, time: string): void {
  const now = new Date();
  const today = todayIso(now);
  const nowMinutes = now.getHours() * 60 + now.getMinutes();
  if (date < today || (date === today && toMinutes(time) < nowMinutes)) {
    throw new BadRequestException(`${date} ${time} is in the past`);
  }
}
