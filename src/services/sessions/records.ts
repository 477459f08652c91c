// PLACEHOLDER (to be replaced in this change): session records (user_sessions), timeouts, revocation.
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { Config } from "../../config/load.ts";
import type { UserSessionQueries } from "../../queries/user-sessions.ts";
import type { RedisAdapterClass } from "../../oidc/redis-adapter.ts";
import type { Geo } from "../request/geo.ts";
import type { SessionEvents } from "../session-events.ts";
import type { AuditService } from "../audit.ts";

export type SessionRecordDeps = {
  queries: UserSessionQueries; store: RedisAdapterClass; redis: RedisClient; clock: Clock; geo: Geo;
  sessionEvents: SessionEvents; audit: AuditService; settings: Config["session"]; log: Logger;
};

export function createSessionRecords(_deps: SessionRecordDeps) {
  return {};
}

export type SessionRecords = ReturnType<typeof createSessionRecords>;
