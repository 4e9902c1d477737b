// The dashboard's SQL. Deliberately the heaviest thing the app asks of the database: it scans
// every appointment, and the per-barber query builds a 7-day calendar to measure utilisation.

/** $1 = first day of the utilisation window (7 days from it). */
export const BARBER_PERFORMANCE_SQL = `
  WITH window_days AS (
    SELECT d::date AS day FROM generate_series($1::date, $1::date + 6, interval '1 day') AS d
  ),
  capacity AS (
    SELECT b.id AS barber_id,
           sum(extract(epoch FROM (b.work_end - b.work_start)) / 60) AS minutes
      FROM barbers b CROSS JOIN window_days w
     WHERE NOT (extract(dow FROM w.day)::int = ANY (b.days_off))
     GROUP BY b.id
  ),
  upcoming AS (
    SELECT barber_id, sum(duration_minutes) AS minutes
      FROM appointments
     WHERE status = 'booked' AND date BETWEEN $1::date AND $1::date + 6
     GROUP BY barber_id
  ),
  history AS (
    SELECT barber_id,
           count(*) FILTER (WHERE status = 'booked') AS bookings,
           count(*) FILTER (WHERE status = 'cancelled') AS cancellations,
           coalesce(sum(price_cents) FILTER (WHERE status = 'booked'), 0) AS revenue
      FROM appointments
     GROUP BY barber_id
  )
  SELECT b.id AS "barberId", b.name,
         coalesce(h.bookings, 0)::int AS bookings,
         coalesce(h.cancellations, 0)::int AS cancellations,
         coalesce(h.revenue, 0)::int AS "revenueCents",
         CASE WHEN coalesce(c.minutes, 0) = 0 THEN 0
              ELSE round((coalesce(u.minutes, 0) / c.minutes)::numeric, 3)::float8
         END AS utilisation
    FROM barbers b
    LEFT JOIN history h ON h.barber_id = b.id
    LEFT JOIN capacity c ON c.barber_id = b.id
    LEFT JOIN upcoming u ON u.barber_id = b.id
   ORDER BY "revenueCents" DESC, b.id`;

export const BUSIEST_HOURS_SQL = `
  SELECT extract(hour FROM start_time)::int AS hour, count(*)::int AS bookings
    FROM appointments
   WHERE status = 'booked'
   GROUP BY 1
   ORDER BY bookings DESC, hour
   LIMIT 5`;

export const TOP_SERVICES_SQL = `
  SELECT s.id AS "serviceId", s.name, count(a.id)::int AS bookings,
         coalesce(sum(a.price_cents), 0)::int AS "revenueCents"
    FROM services s
    LEFT JOIN appointments a ON a.service_id = s.id AND a.status = 'booked'
   GROUP BY s.id, s.name
   ORDER BY bookings DESC, s.id`;
