/** Calendar dates as the domain writes them: `YYYY-MM-DD`, in UTC. */

const isoDatePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a string is a real calendar date written YYYY-MM-DD (2024-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const match = isoDatePattern.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === value;
}

/** The UTC calendar date of an instant, as YYYY-MM-DD; a date already written so is returned as it is. */
export function isoDateOf(instant: Date | string): string {
  return typeof instant === 'string' ? instant : instant.toISOString().slice(0, 10);
}

/** Adds calendar months, keeping the day where the month has it and else taking its last day (31 Aug + 6 months = 28 or 29 Feb). */
export function addMonths(isoDate: string, months: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return isoDateOf(target);
}
