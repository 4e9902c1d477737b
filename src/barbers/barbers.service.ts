import { Injectable, NotFoundException } from '@nestjs/common';
import { Database } from '../database/database.service';
import type { Queryable } from '../database/sql-driver.interface';
import type { BarberDto } from './dto/barber.dto';

const COLUMNS = `id, name, bio, to_char(work_start, 'HH24:MI') AS "workStart",
  to_char(work_end, 'HH24:MI') AS "workEnd", days_off::int[] AS "daysOff"`;

@Injectable()
export class BarbersService {
  constructor(private readonly db: Database) {}

  list(): Promise<BarberDto[]> {
    return this.db.query<BarberDto>(`SELECT ${COLUMNS} FROM barbers ORDER BY id`);
  }

  /**
   * One barber or 404. `lock` (inside a transaction) takes the row lock that serialises bookings
   * of this barber, so two requests cannot both find the same slot free.
   */
  async get(id: number, tx: Queryable = this.db, lock = false): Promise<BarberDto> {
    const [barber] = await tx.query<BarberDto>(
      `SELECT ${COLUMNS} FROM barbers WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    if (!barber) throw new NotFoundException(`barber ${id} not found`);
    return barber;
  }
}
