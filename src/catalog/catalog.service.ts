import { Injectable, NotFoundException } from '@nestjs/common';
import { Database } from '../database/database.service';
import type { Queryable } from '../database/sql-driver.interface';
import type { ServiceOfferingDto } from './dto/service-offering.dto';

const COLUMNS = `id, name, duration_minutes AS "durationMinutes", price_cents AS "priceCents"`;

/** The shop's menu of services (named "catalog" so it does not read as a Nest service). */
@Injectable()
export class CatalogService {
  constructor(private readonly db: Database) {}

  list(): Promise<ServiceOfferingDto[]> {
    return this.db.query<ServiceOfferingDto>(`SELECT ${COLUMNS} FROM services ORDER BY id`);
  }

  async get(id: number, tx: Queryable = this.db): Promise<ServiceOfferingDto> {
    const [service] = await tx.query<ServiceOfferingDto>(
      `SELECT ${COLUMNS} FROM services WHERE id = $1`,
      [id],
    );
    if (!service) throw new NotFoundException(`service ${id} not found`);
    return service;
  }
}
