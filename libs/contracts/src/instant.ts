/**
 * RFC 3339 date-times, read field by field: no Date.parse, which moves impossible dates
 * (2024-02-30 becomes March 1st) and reads years 0 and below that PostgreSQL cannot hold.
 */
const RFC_3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);

/** True when year-month-day names a day of the proleptic Gregorian calendar (years 1..9999 only). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && isLeap(year) ? 29 : DAYS[month - 1]);
}

/**
 * The canonical spelling of an RFC 3339 date-time (millisecond ISO with Z; extra
 * fraction digits are truncated, as Date does), or undefined when it is not one, names
 * an impossible date or time, or falls outside years 0001-9999 once its offset applies.
 */
export function canonicalInstant(s: string): string | undefined {
  const m = RFC_3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (!isRealDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  // setUTCFullYear, not Date.UTC: Date.UTC reads years 0..99 as 1900..1999.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute - offsetMinutes, second, ms);
  const utcYear = d.getUTCFullYear();
  if (utcYear < 1 || utcYear > 9999) return undefined;
  return d.toISOString();
}
