import { toHhmm, toMinutes, weekday } from '../common/calendar.helper';

/** Offered start times are on this grid; a booking may last longer than one slot. */
export const SLOT_MINUTES = 30;

export interface WorkingHours {
  workStart: string;
  workEnd: string;
  daysOff: number[];
}

/** A stretch of the day that is taken, in minutes since midnight: [start, end). */
export interface BusyInterval {
  start: number;
  end: number;
}

/** The barber's working day on `date` in minutes, or null on a day off. */
export function workingDay(hours: WorkingHours, date: string): BusyInterval | null {
  if (hours.daysOff.includes(weekday(date))) return null;
  return { start: toMinutes(hours.workStart), end: toMinutes(hours.workEnd) };
}

/** Start times (HH:MM) of the grid slots that lie inside the working day and touch no booking. */
export function freeSlots(day: BusyInterval | null, busy: BusyInterval[]): string[] {
  if (!day) return [];
  const slots: string[] = [];
  for (let t = day.start; t + SLOT_MINUTES <= day.end; t += SLOT_MINUTES) {
    if (!overlapsAny({ start: t, end: t + SLOT_MINUTES }, busy)) slots.push(toHhmm(t));
  }
  return slots;
}

export function overlapsAny(candidate: BusyInterval, busy: BusyInterval[]): boolean {
  return busy.some((b) => candidate.start < b.end && b.start < candidate.end);
}

/** Why a booking of `minutes` at `time` cannot go in the working day, or null when it fits. */
export function outsideWorkingDay(
  day: BusyInterval | null,
  time: string,
  minutes: number,
): string | null {
  if (!day) return 'the barber does not work on that day';
  const start = toMinutes(time);
  if (start % SLOT_MINUTES !== 0) return `bookings start on a ${SLOT_MINUTES}-minute grid`;
  if (start < day.start || start + minutes > day.end) {
    return `outside working hours (${toHhmm(day.start)}-${toHhmm(day.end)})`;
  }
  return null;
}
