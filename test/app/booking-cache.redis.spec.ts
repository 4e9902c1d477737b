import { waitFor } from '../support/wait-for';
import { describeBookingCache } from './booking-cache.scenarios';
import { BOOT_TIMEOUT_MS, freshDay, startBookingApp, type BookingApp } from './booking-app.harness';

describeBookingCache('redis');

describe('booking app on Redis: where the entries live', () => {
  let booking: BookingApp;

  beforeAll(async () => {
    booking = await startBookingApp('redis');
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await booking?.close();
  }, BOOT_TIMEOUT_MS);

  it('stores availability in Redis under the app prefix, and drops it on booking', async () => {
    const date = freshDay();
    await booking.http().get('/barbers/1/availability').query({ date }).expect(200);
    const keys = async () =>
      (await booking.redis!.cli('--scan', '--pattern', `booking:*availability*${date}*`))
        .split('\n')
        .filter(Boolean);
    expect((await keys()).length).toBeGreaterThan(0);
    const everything = (await booking.redis!.cli('--scan', '--pattern', '*')).split('\n');
    expect(everything.filter((key) => !key.startsWith('booking:'))).toEqual([]);

    await booking
      .http()
      .post('/appointments')
      .send({ barberId: 1, serviceId: 1, date, time: '09:00', customerName: 'Redis Check' })
      .expect(201);
    // the booking invalidated them by tag (a marker): the reaper deletes them in the background
    await waitFor(async () => (await keys()).length === 0, {
      timeoutMs: 10_000,
      message: 'the invalidated availability entries were never reaped',
    });
  });
});
