import { addDays, todayIso, toHhmm, toMinutes, weekday } from '../common/calendar.helper';
import type { Queryable } from './sql-driver.interface';

export const SEED_DAYS = 7;

const BARBERS = [
  { name: 'Marco Bellini', bio: 'Classic Italian cuts', start: '09:00', end: '17:00', daysOff: [] },
  { name: 'Sam Okafor', bio: 'Fades and line-ups', start: '10:00', end: '19:00', daysOff: [] },
  {
    name: 'Lena Kovac',
    bio: 'Beards and hot towel shaves',
    start: '08:00',
    end: '14:00',
    daysOff: [0, 1],
  },
  { name: 'Tomás Reyes', bio: 'Kids and family cuts', start: '12:00', end: '20:00', daysOff: [3] },
];

const SERVICES = [
  { name: 'Classic cut', minutes: 30, cents: 2500 },
  { name: 'Skin fade', minutes: 45, cents: 3200 },
  { name: 'Beard trim', minutes: 15, cents: 1500 },
  { name: 'Cut and beard', minutes: 60, cents: 4200 },
  { name: 'Hot towel shave', minutes: 45, cents: 3000 },
  { name: 'Kids cut', minutes: 30, cents: 1800 },
];

const CUSTOMERS = ['Ana', 'Ben', 'Chloe', 'Dev', 'Eli', 'Fatima', 'Gus', 'Hana', 'Ivo', 'Jun'];

/**
 * A small, believable shop: four barbers, six services and a week of appointments from today.
 * The pseudo-random generator is seeded, so every start has the same schedule shape. A database
 * that already has barbers (a real one, restarted) is left alone.
 */
export async function seed(db: Queryable, today = todayIso()): Promise<void> {
  const [{ count }] = await db.query<{ count: number }>(
    'SELECT count(*)::int AS count FROM barbers',
  );
  if (count > 0) return;
  const barberIds = await insertRows(
    db,
    'barbers (name, bio, work_start, work_end, days_off)',
    BARBERS.map((b) => [b.name, b.bio, b.start, b.end, b.daysOff]),
  );
  const serviceIds = await insertRows(
    db,
    'services (name, duration_minutes, price_cents)',
    SERVICES.map((s) => [s.name, s.minutes, s.cents]),
  );
  await insertRows(
    db,
    `appointments (barber_id, service_id, customer_name, date, start_time,
       duration_minutes, price_cents)`,
    schedule(today, barberIds, serviceIds),
  );
}

function schedule(today: string, barberIds: number[], serviceIds: number[]): unknown[][] {
  const random = mulberry32(20240611);
  const rows: unknown[][] = [];
  for (let day = 0; day < SEED_DAYS; day++) {
    const date = addDays(today, day);
    BARBERS.forEach((barber, index) => {
      if ((barber.daysOff as number[]).includes(weekday(date))) return;
      let t = toMinutes(barber.start);
      const end = toMinutes(barber.end);
      while (t < end) {
        const serviceIndex = Math.floor(random() * SERVICES.length);
        const service = SERVICES[serviceIndex];
        // Roughly a third of the day booked: enough to make availability interesting.
        if (random() < 0.35 && t + service.minutes <= end) {
          const customer = CUSTOMERS[Math.floor(random() * CUSTOMERS.length)];
          rows.push([
            barberIds[index],
            serviceIds[serviceIndex],
            customer,
            date,
            toHhmm(t),
            service.minutes,
            service.cents,
          ]);
          t += Math.ceil(service.minutes / 30) * 30;
        } else {
          t += 30;
        }
      }
    });
  }
  return rows;
}

/** One multi-row INSERT (a seed is a handful of statements, not hundreds); returns the new ids. */
async function insertRows(db: Queryable, target: string, rows: unknown[][]): Promise<number[]> {
  if (rows.length === 0) return [];
  const params: unknown[] = [];
  const tuples = rows.map((row) => `(${row.map((value) => `$${params.push(value)}`).join(', ')})`);
  const inserted = await db.query<{ id: number }>(
    `INSERT INTO ${target} VALUES ${tuples.join(', ')} RETURNING id`,
    params,
  );
  return inserted.map((row) => row.id);
}

function mulberry32(seedValue: number): () => number {
  let a = seedValue;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
