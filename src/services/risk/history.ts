// The login history the rules compare against: where a sign-in comes from (address, network, approximate place)
// and the user's recent successful sign-ins (login_locations), bounded in time and count so the read stays one
// indexed range scan. Each successful sign-in is recorded, held or not; rows past the keep window are pruned then.
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { LoginLocationQueries, LoginLocationRow } from "../../queries/login-locations.ts";
import type { Geo, GeoLocation } from "../request/geo.ts";
import { networkOf, type PastSignIn, type SignInAttempt } from "./rules/index.ts";

/** the rules look this far back, at most this many sign-ins */
export const HISTORY_DAYS = 90;
export const HISTORY_LIMIT = 100;
/** rows older than this are deleted when the user signs in again (and by the retention job); RETENTION_LOGIN_LOCATIONS_DAYS */
export const KEEP_DAYS = 365;
const DAY_MS = 86_400_000;

/** `settings.keepDays`: how long rows are kept (0 = forever; default KEEP_DAYS) */
export function createLoginHistory(deps: {
  queries: LoginLocationQueries;
  clock: Clock;
  geo: Geo;
  log: Logger;
  settings?: { keepDays?: number };
}) {
  const { queries, clock, geo, log } = deps;
  const keepDays = deps.settings?.keepDays ?? KEEP_DAYS;

  /** the approximate place of an address; a failing lookup is an unknown location, never an error */
  async function locate(ip: string): Promise<GeoLocation | null> {
    try {
      return await geo.lookup(ip);
    } catch (err) {
      log.warn({ err: { message: (err as Error).message } }, "GeoIP lookup failed: treating the address as an unknown location");
      return null;
    }
  }

  /** what record writes, for a caller that writes it with other rows in one statement */
  async function row(userId: string, ip: string): Promise<{ row: { userId: string } & LoginLocationRow; pruneBefore: Date }> {
    const location = await locate(ip);
    const now = clock.now();
    return {
      row: {
        userId,
        ip,
        network: networkOf(ip) ?? ip,
        countryCode: location?.countryCode ?? null,
        latitude: location?.latitude ?? null,
        longitude: location?.longitude ?? null,
        createdAt: now,
      },
      pruneBefore: keepDays > 0 ? new Date(now.getTime() - keepDays * DAY_MS) : new Date(0),
    };
  }

  return {
    locate,
    row,

    /** the sign-in being checked, now */
    async attempt(ip: string): Promise<{ attempt: SignInAttempt; location: GeoLocation | null }> {
      const location = await locate(ip);
      const place = location ? { countryCode: location.countryCode, latitude: location.latitude, longitude: location.longitude } : null;
      return { attempt: { ip, network: networkOf(ip), place, at: clock.now() }, location };
    },

    /** the user's recent successful sign-ins, newest first */
    async recent(userId: string): Promise<PastSignIn[]> {
      const rows = await queries.recent(userId, new Date(clock.now().getTime() - HISTORY_DAYS * DAY_MS), HISTORY_LIMIT);
      return rows.map(({ createdAt, ...row }) => ({ ...row, at: createdAt }));
    },

    /** remembers a successful sign-in (special-use addresses keep the address itself as their "network") */
    async record(userId: string, ip: string): Promise<void> {
      const next = await row(userId, ip);
      await queries.record(next.row);
      await queries.pruneBefore(userId, next.pruneBefore);
    },
  };
}

export type LoginHistory = ReturnType<typeof createLoginHistory>;
