// PLACEHOLDER (to be replaced in this change): suspicious-login rules, login history and holds.
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Logger } from "../../lib/logger.ts";
import type { Config } from "../../config/load.ts";
import type { LoginLocationQueries } from "../../queries/login-locations.ts";
import type { Geo } from "../request/geo.ts";
import type { Notifications } from "../notifications.ts";
import type { AuditService } from "../audit.ts";

export type RiskDeps = {
  queries: LoginLocationQueries; redis: RedisClient; clock: Clock; geo: Geo; notifications: Notifications; audit: AuditService;
  settings: Config["risk"]; issuer: string; log: Logger;
};

export function createRiskService(_deps: RiskDeps) {
  return {};
}

export type RiskService = ReturnType<typeof createRiskService>;
