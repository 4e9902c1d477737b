// The app's invalidation vocabulary, in one place so that what @Cached attaches and what
// @InvalidateOn drops cannot drift apart.

/** Everything about one barber (e.g. after their working hours change). */
export const barberTag = (barberId: number): string => `barber:${barberId}`;

/** Everything about one day (e.g. the shop closes on a holiday). */
export const dateTag = (date: string): string => `date:${date}`;

/**
 * One barber's one day: what a booking actually changes. Mutations drop only this, so a booking
 * for barber 1 on Monday leaves barber 2's Monday and barber 1's Tuesday cached.
 */
export const barberDayTag = (barberId: number, date: string): string =>
  `barber:${barberId}:date:${date}`;

/** What one barber-day of availability is tagged with, in the service and on the route. */
export const availabilityTags = (barberId: number, date: string): string[] => [
  barberTag(barberId),
  dateTag(date),
  barberDayTag(barberId, date),
];

/** The parts of an Express request that route-level `@Cached` functions read. */
export interface RouteRequest {
  params: Record<string, string>;
  query: Record<string, unknown>;
}
