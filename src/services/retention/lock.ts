// The Redis lock the retention job runs under now lives in db/redis-lock.ts (shared with the Virtuozzo plugin).
export { createRedisLock, type HeldLock } from "../../db/redis-lock.ts";
