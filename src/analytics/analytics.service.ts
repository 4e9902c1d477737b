import { Injectable } from '@nestjs/common';
import { Cached } from '@app/cache';
import { addDays, todayIso } from '../common/calendar.helper';
import { Database } from '../database/database.service';
import { BARBER_PERFORMANCE_SQL, BUSIEST_HOURS_SQL, TOP_SERVICES_SQL } from './analytics.queries';
import type {
  BarberPerformanceDto,
  DashboardDto,
  HourLoadDto,
  ServicePopularityDto,
} from './dto/dashboard.dto';

@Injectable()
export class AnalyticsService {
  constructor(private readonly db: Database) {}

  /**
   * Three aggregate queries on a miss. Every booking change drops the whole `analytics`
   * namespace (it is one entry, and any appointment moves its figures); the 5-minute TTL also
   * rolls the utilisation window over after midnight.
   */
  @Cached({ namespace: 'analytics', key: 'dashboard' })
  async dashboard(): Promise<DashboardDto> {
    const from = todayIso();
    const [barbers, busiestHours, topServices] = await Promise.all([
      this.db.query<BarberPerformanceDto>(BARBER_PERFORMANCE_SQL, [from]),
      this.db.query<HourLoadDto>(BUSIEST_HOURS_SQL),
      this.db.query<ServicePopularityDto>(TOP_SERVICES_SQL),
    ]);
    const sum = (pick: (b: BarberPerformanceDto) => number) =>
      barbers.reduce((total, b) => total + pick(b), 0);
    return {
      generatedAt: new Date().toISOString(),
      utilisationWindow: { from, to: addDays(from, 6) },
      totals: {
        bookings: sum((b) => b.bookings),
        cancellations: sum((b) => b.cancellations),
        revenueCents: sum((b) => b.revenueCents),
      },
      barbers,
      busiestHours,
      topServices,
    };
  }
}
