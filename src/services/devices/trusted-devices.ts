// PLACEHOLDER (to be replaced in this change): trusted devices and emailed device approval codes.
import type { RedisClient } from "../../db/redis.ts";
import type { Clock } from "../../lib/clock.ts";
import type { Config } from "../../config/load.ts";
import type { TrustedDeviceQueries } from "../../queries/trusted-devices.ts";
import type { Notifications } from "../notifications.ts";
import type { AuditService } from "../audit.ts";

export type TrustedDeviceDeps = {
  queries: TrustedDeviceQueries; redis: RedisClient; clock: Clock; notifications: Notifications; audit: AuditService;
  masterKey: Buffer; settings: Config["deviceApproval"];
};

export function createTrustedDevices(_deps: TrustedDeviceDeps) {
  return {};
}

export type TrustedDevices = ReturnType<typeof createTrustedDevices>;
