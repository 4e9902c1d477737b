// Plain SQL that PGlite and PostgreSQL both run. Appointments keep the duration and price they
// were booked with, so later changes to the service list do not rewrite history or the
// schedule. `IF NOT EXISTS` lets a real database be reused across restarts.
export const SCHEMA_SQL = [
  `CREATE TABLE IF NOT EXISTS barbers (
     id serial PRIMARY KEY,
     name text NOT NULL,
     bio text NOT NULL DEFAULT '',
     work_start time NOT NULL,
     work_end time NOT NULL,
     days_off smallint[] NOT NULL DEFAULT '{}'
   )`,
  `CREATE TABLE IF NOT EXISTS services (
     id serial PRIMARY KEY,
     name text NOT NULL,
     duration_minutes int NOT NULL CHECK (duration_minutes > 0),
     price_cents int NOT NULL CHECK (price_cents >= 0)
   )`,
  `CREATE TABLE IF NOT EXISTS appointments (
     id serial PRIMARY KEY,
     barber_id int NOT NULL REFERENCES barbers(id),
     service_id int NOT NULL REFERENCES services(id),
     customer_name text NOT NULL,
     date date NOT NULL,
     start_time time NOT NULL,
     duration_minutes int NOT NULL,
     price_cents int NOT NULL,
     status text NOT NULL DEFAULT 'booked' CHECK (status IN ('booked', 'cancelled')),
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX IF NOT EXISTS appointments_barber_date ON appointments (barber_id, date)`,
];
