// What a user of the booking API must see with caching on, whatever the cache runs on: repeated
// reads served without the database, and never a stale answer after a booking changes.
import { todayIso } from '../../src/common/calendar.helper';
import {
  BOOT_TIMEOUT_MS,
  freshDay,
  startBookingApp,
  type Backend,
  type BookingApp,
} from './booking-app.harness';

interface Availability {
  slots: string[];
}

interface Dashboard {
  totals: { bookings: number; cancellations: number; revenueCents: number };
  barbers: { barberId: number; bookings: number }[];
}

/** Classic cut: 30 minutes, 2500 cents (seed data). */
const CLASSIC_CUT = { serviceId: 1, minutes: 30, cents: 2500 };

export function describeBookingCache(backend: Backend): void {
  describe(`booking app, cache on ${backend}`, () => {
    let booking: BookingApp;

    beforeAll(async () => {
      booking = await startBookingApp(backend);
    }, BOOT_TIMEOUT_MS);

    afterAll(async () => {
      await booking?.close();
    }, BOOT_TIMEOUT_MS);

    const availability = async (barberId: number, date: string) => {
      const res = await booking
        .http()
        .get(`/barbers/${barberId}/availability`)
        .query({ date })
        .expect(200);
      return { cache: res.headers['x-cache'] as string, body: res.body as Availability };
    };

    const dashboard = async () => {
      const res = await booking.http().get('/analytics/dashboard').expect(200);
      return res.body as Dashboard;
    };

    const book = (barberId: number, date: string, time: string) =>
      booking.http().post('/appointments').send({
        barberId,
        serviceId: CLASSIC_CUT.serviceId,
        date,
        time,
        customerName: 'Test Customer',
      });

    /** Reads availability until it is cached (MISS, then HIT) and returns the cached slots. */
    const cachedAvailability = async (barberId: number, date: string) => {
      const first = await availability(barberId, date);
      expect(first.cache).toBe('MISS');
      const second = await availability(barberId, date);
      expect(second.cache).toBe('HIT');
      return second.body.slots;
    };

    it("has every barber's availability for today computed at startup (@WarmUp)", async () => {
      const before = await booking.dbQueries();
      for (const barberId of [1, 2, 3, 4]) {
        // MISS: the route's entry is new, but the service's entry was warmed, so no query runs
        expect((await availability(barberId, todayIso())).cache).toBe('MISS');
      }
      expect(await booking.dbQueries()).toBe(before);
    });

    it('serves a repeated availability read from the cache, without a query', async () => {
      const date = freshDay();
      const cold = await availability(1, date);
      expect(cold.cache).toBe('MISS');
      expect(cold.body.slots).toContain('09:00');

      const before = await booking.dbQueries();
      const warm = await availability(1, date);
      expect(warm.cache).toBe('HIT');
      expect(warm.body).toEqual(cold.body);
      expect(await booking.dbQueries()).toBe(before);
    });

    it('stops offering a booked slot at once, and analytics count the booking', async () => {
      const date = freshDay();
      expect(await cachedAvailability(1, date)).toContain('10:00');
      const statsBefore = await dashboard();
      expect((await dashboard()).totals).toEqual(statsBefore.totals); // cached, same answer

      await book(1, date, '10:00').expect(201);

      const after = await availability(1, date);
      expect(after.cache).toBe('MISS');
      expect(after.body.slots).not.toContain('10:00');
      expect(after.body.slots).toContain('10:30');
      const stats = await dashboard();
      expect(stats.totals.bookings).toBe(statsBefore.totals.bookings + 1);
      expect(stats.totals.revenueCents).toBe(statsBefore.totals.revenueCents + CLASSIC_CUT.cents);
      const barber1 = (d: Dashboard) => d.barbers.find((b) => b.barberId === 1)!.bookings;
      expect(barber1(stats)).toBe(barber1(statsBefore) + 1);
    });

    it('keeps other barbers and other days cached when one barber-day changes', async () => {
      const date = freshDay();
      const nextDate = freshDay();
      await cachedAvailability(1, date);
      await cachedAvailability(2, date);
      await cachedAvailability(1, nextDate);

      await book(1, date, '11:00').expect(201);

      expect((await availability(1, date)).cache).toBe('MISS');
      expect((await availability(2, date)).cache).toBe('HIT');
      expect((await availability(1, nextDate)).cache).toBe('HIT');
    });

    it('invalidates nothing when a booking fails with 409', async () => {
      const date = freshDay();
      await book(1, date, '12:00').expect(201);
      expect(await cachedAvailability(1, date)).not.toContain('12:00');
      await dashboard();
      const before = await booking.dbQueries();

      const conflict = await book(1, date, '12:00').expect(409);
      expect(conflict.body.message).toMatch(/busy/);

      const afterFailure = await booking.dbQueries(); // the failed attempt's own statements
      expect((await availability(1, date)).cache).toBe('HIT');
      await dashboard();
      expect(afterFailure).toBeGreaterThan(before);
      expect(await booking.dbQueries()).toBe(afterFailure); // both reads still cached
    });

    it('answers 404 for an unknown barber, and does not cache the error', async () => {
      const date = freshDay();
      await booking.http().get('/barbers/999/availability').query({ date }).expect(404);
      const before = await booking.dbQueries();
      await booking.http().get('/barbers/999/availability').query({ date }).expect(404);
      expect(await booking.dbQueries()).toBeGreaterThan(before);
    });

    it('invalidates both the old and the new day when an appointment is rescheduled', async () => {
      const from = freshDay();
      const to = freshDay();
      const created = await book(1, from, '14:00').expect(201);
      expect(await cachedAvailability(1, from)).not.toContain('14:00');
      expect(await cachedAvailability(1, to)).toContain('15:30');

      const moved = await booking
        .http()
        .patch(`/appointments/${created.body.id}`)
        .send({ date: to, time: '15:30' })
        .expect(200);
      expect(moved.body).toMatchObject({ date: to, time: '15:30', previousDate: from });

      const oldDay = await availability(1, from);
      expect(oldDay.cache).toBe('MISS');
      expect(oldDay.body.slots).toContain('14:00');
      const newDay = await availability(1, to);
      expect(newDay.cache).toBe('MISS');
      expect(newDay.body.slots).not.toContain('15:30');
    });

    it('offers the slot again once the appointment is cancelled', async () => {
      const date = freshDay();
      const created = await book(1, date, '16:00').expect(201);
      expect(await cachedAvailability(1, date)).not.toContain('16:00');
      const statsBefore = await dashboard();

      await booking.http().delete(`/appointments/${created.body.id}`).expect(200);

      expect((await availability(1, date)).body.slots).toContain('16:00');
      const stats = await dashboard();
      expect(stats.totals.bookings).toBe(statsBefore.totals.bookings - 1);
      expect(stats.totals.cancellations).toBe(statsBefore.totals.cancellations + 1);
      // the slot can really be booked again
      await book(1, date, '16:00').expect(201);
    });

    it('takes the dashboard queries off the database after the first read', async () => {
      await book(2, freshDay(), '10:00').expect(201); // analytics are now outdated
      const start = await booking.dbQueries();
      await dashboard();
      const cold = (await booking.dbQueries()) - start;
      for (let i = 0; i < 5; i++) await dashboard();
      const warm = (await booking.dbQueries()) - start - cold;
      expect(cold).toBeGreaterThanOrEqual(3);
      expect(warm).toBe(0);
    });
  });
}
