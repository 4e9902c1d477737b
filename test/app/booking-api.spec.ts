// The booking API itself (no cache assertions beyond the barber list): seed data, validation,
// status codes, the database statement counter and the OpenAPI document.
import { BOOT_TIMEOUT_MS, freshDay, startBookingApp, type BookingApp } from './booking-app.harness';

describe('booking API', () => {
  let booking: BookingApp;

  beforeAll(async () => {
    booking = await startBookingApp('memory', { swagger: true });
  }, BOOT_TIMEOUT_MS);

  afterAll(async () => {
    await booking?.close();
  }, BOOT_TIMEOUT_MS);

  const book = (body: Record<string, unknown>) =>
    booking
      .http()
      .post('/appointments')
      .send({ barberId: 1, serviceId: 1, customerName: 'Ana', ...body });

  it('lists the seeded barbers and services', async () => {
    const barbers = await booking.http().get('/barbers').expect(200);
    expect(barbers.body).toHaveLength(4);
    expect(barbers.body[0]).toMatchObject({ id: 1, workStart: '09:00', workEnd: '17:00' });
    const services = await booking.http().get('/services').expect(200);
    expect(services.body).toContainEqual({
      id: 1,
      name: 'Classic cut',
      durationMinutes: 30,
      priceCents: 2500,
    });
    await booking.http().get('/barbers/1').expect(200);
    await booking.http().get('/barbers/99').expect(404);
  });

  it('caches the barber list on its route', async () => {
    await booking.http().get('/barbers').expect(200);
    const before = await booking.dbQueries();
    const res = await booking.http().get('/barbers').expect(200);
    expect(res.headers['x-cache']).toBe('HIT');
    expect(await booking.dbQueries()).toBe(before);
  });

  it('rejects malformed input with 400 and names the fields', async () => {
    const res = await book({ date: '2030-02-30', time: '9:00', customerName: '' }).expect(400);
    expect(res.body.message.join(' ')).toMatch(/date.*time.*customerName/s);
    await booking.http().get('/barbers/1/availability').query({ date: 'tomorrow' }).expect(400);
    await booking.http().get('/barbers/abc/availability').query({ date: freshDay() }).expect(400);
  });

  it('rejects bookings outside working hours, off the grid or in the past', async () => {
    const date = freshDay();
    expect((await book({ date, time: '08:00' }).expect(400)).body.message).toMatch(/working hours/);
    expect((await book({ date, time: '16:45' }).expect(400)).body.message).toMatch(/grid/);
    await book({ date: '2020-01-01', time: '10:00' }).expect(400);
  });

  it('answers 404 for an unknown barber or service', async () => {
    const date = freshDay();
    expect((await book({ barberId: 42, date, time: '10:00' }).expect(404)).body.message).toMatch(
      /barber 42/,
    );
    await book({ serviceId: 42, date, time: '10:00' }).expect(404);
  });

  it('answers 409 when a longer booking would run into the next one', async () => {
    const date = freshDay();
    await book({ date, time: '11:00' }).expect(201);
    // Cut and beard: 60 minutes from 10:30 overlaps the 11:00 appointment
    await book({ serviceId: 4, date, time: '10:30' }).expect(409);
    await book({ serviceId: 4, date, time: '09:30' }).expect(201);
  });

  it('lets exactly one of several simultaneous requests take a slot', async () => {
    const date = freshDay();
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => book({ date, time: '13:00', customerName: `C${i}` })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
  });

  it('drops unknown body fields and keeps what the service decides', async () => {
    const res = await book({ date: freshDay(), time: '09:00', priceCents: 1, status: 'x' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ priceCents: 2500, status: 'booked', durationMinutes: 30 });
  });

  it('reschedules, cancels once, and refuses to touch a cancelled appointment', async () => {
    const date = freshDay();
    const created = await book({ date, time: '15:00' }).expect(201);
    const id = created.body.id as number;
    await booking.http().get(`/appointments/${id}`).expect(200);
    await booking.http().patch(`/appointments/${id}`).send({ date, time: '15:30' }).expect(200);
    const cancelled = await booking.http().delete(`/appointments/${id}`).expect(200);
    expect(cancelled.body).toMatchObject({ id, status: 'cancelled', time: '15:30' });
    await booking.http().delete(`/appointments/${id}`).expect(409);
    await booking.http().patch(`/appointments/${id}`).send({ date, time: '10:00' }).expect(409);
    await booking.http().delete('/appointments/99999').expect(404);
    await booking.http().patch('/appointments/99999').send({ date, time: '10:00' }).expect(404);
  });

  it('counts statements by kind, and resets the counters', async () => {
    await book({ date: freshDay(), time: '10:00' }).expect(201);
    const stats = await booking.http().get('/stats/db').expect(200);
    expect(stats.body.driver).toBe('pglite');
    expect(stats.body.byKind.insert).toBeGreaterThanOrEqual(1);
    expect(stats.body.total).toBe(
      Object.values(stats.body.byKind as Record<string, number>).reduce((a, b) => a + b, 0),
    );
    const reset = await booking.http().post('/stats/db/reset').expect(200);
    expect(reset.body).toMatchObject({ total: 0, byKind: {} });
  });

  it('describes itself in OpenAPI at /docs-json', async () => {
    const res = await booking.http().get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/barbers',
        '/barbers/{id}/availability',
        '/appointments',
        '/appointments/{id}',
        '/analytics/dashboard',
        '/stats/db',
      ]),
    );
    expect(Object.keys(res.body.paths)).not.toContain('/cache/dashboard');
  });

  it('serves the cache dashboard next to the admin API', async () => {
    const res = await booking.http().get('/cache/dashboard').expect(200);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toContain('src="/cache/dashboard/app.js"');
  });
});
