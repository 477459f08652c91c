// One clock for every process behind the same Redis: the app clock follows Redis's TIME (this host's clock plus
// the offset measured against Redis at start and every minute), so lockouts, a used code's or rotated refresh
// token's "consumed at" and the refresh grace window agree between processes whose hosts' clocks drift apart.
// What oidc-provider stamps itself (token iat/exp, code expiry) still uses the host clock: hosts need NTP
// (docs/operations.md); a host found more than 2 s off Redis is logged.
import type { Logger } from "./logger.ts";
import type { Clock } from "./clock.ts";

export type RedisClock = Clock & { /** ms Redis is ahead of this host */ offsetMs(): number; stop(): void };

const WARN_OFFSET_MS = 2000;
/** what the clock needs of a Redis client: TIME (seconds, microseconds) */
type TimeSource = { time(): Promise<(string | number)[]> };

export async function createRedisClock(
  redis: TimeSource,
  opts: { log?: Logger; refreshMs?: number; hostMs?: () => number } = {},
): Promise<RedisClock> {
  const hostMs = opts.hostMs ?? Date.now;
  let offset = 0;
  let warned = false;

  async function measure(): Promise<void> {
    const before = hostMs();
    const [seconds, micros] = await redis.time();
    const after = hostMs();
    offset = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Math.round((before + after) / 2);
    if (Math.abs(offset) > WARN_OFFSET_MS && !warned) {
      warned = true;
      opts.log?.warn(
        { offsetMs: offset },
        "this host's clock is off Redis's: lockouts and refresh windows follow Redis, but tokens' iat/exp use this host's clock; run NTP",
      );
    }
  }

  await measure();
  const timer =
    opts.refreshMs === 0
      ? undefined
      : setInterval(() => {
          measure().catch(() => {});
        }, opts.refreshMs ?? 60_000);
  timer?.unref();
  const nowMs = () => hostMs() + offset;
  return {
    now: () => new Date(nowMs()),
    epoch: () => Math.floor(nowMs() / 1000),
    offsetMs: () => offset,
    stop: () => clearInterval(timer),
  };
}
