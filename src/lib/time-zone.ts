// Calendar arithmetic in an IANA time zone with only Intl (no library): the offset of a zone at an instant, the
// instant a local day or hour starts, a local date's midnight. Used for the admin dashboard's day and hour buckets
// (DASHBOARD_TIME_ZONE), so a bar is a calendar day (or clock hour) where the admins are.
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const formatters = new Map<string, Intl.DateTimeFormat>();

/** whether `zone` is a time zone this runtime knows ("UTC", "Europe/Berlin", …) */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(zone, f);
  }
  return f;
}

/** the zone's local wall-clock time at `at`, as if it were UTC (milliseconds) */
function wallClock(zone: string, at: number): number {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return (
    Date.UTC(
      Number(parts.year),
      Number(parts.month) - 1,
      Number(parts.day),
      Number(parts.hour),
      Number(parts.minute),
      Number(parts.second),
    ) +
    (((at % 1000) + 1000) % 1000)
  );
}

/** milliseconds the zone is ahead of UTC at `at` */
export const zoneOffset = (zone: string, at: number) => wallClock(zone, at) - at;

/** the instant a local wall-clock time (given as if UTC) happens in the zone (the later one when a clock change repeats it) */
export function fromWallClock(zone: string, wall: number): number {
  const guess = wall - zoneOffset(zone, wall);
  return wall - zoneOffset(zone, guess);
}

/** the instant the local day (`unit` "day") or clock hour that holds `at` starts, `back` units earlier */
export function startOfLocal(zone: string, at: Date, unit: "day" | "hour", back = 0): Date {
  const step = unit === "day" ? DAY : HOUR;
  const wall = wallClock(zone, at.getTime());
  return new Date(fromWallClock(zone, Math.floor(wall / step) * step - back * step));
}

/** the local midnight that starts a calendar date (YYYY-MM-DD) in the zone */
export const localMidnight = (zone: string, date: string): Date => new Date(fromWallClock(zone, Date.parse(`${date}T00:00:00.000Z`)));

/** `at` in the zone as "YYYY-MM-DD HH:MM" */
export function localText(zone: string, at: Date): string {
  return new Date(wallClock(zone, at.getTime())).toISOString().slice(0, 16).replace("T", " ");
}
