// Using a code or a refresh token once, in the Redis adapter (redis-adapter.ts builds it): a consumed code or
// token gets `oidc:{Model:id}:consumed` beside its record (same hash tag, so the same slot). Consume is one atomic
// script: of two parallel uses of a code or refresh token, one wins; the other is refused and, outside the refresh
// grace window, the whole grant is revoked. A rotated refresh token's record stays a few seconds (parallel uses,
// the grace window), then only its rotated entry (rotated-refresh-tokens.ts), through which a replay is still seen.
// A rotated token's record keeps what its grant said for it (refresh-token-records.ts: consume only marks it), and
// its rotated entry takes account, client and scope from the grant too: either way a replay reads the grant, once
// per request, and oidc-provider revokes it.
import { errors, type AdapterPayload } from "oidc-provider";
import type { Redis } from "ioredis";
import type { Clock } from "../lib/clock.ts";
import type { AdapterCommands } from "./redis-adapter-scripts.ts";
import type { createGrantRecords } from "./grant-records.ts";
import type { createRecordWrites } from "./redis-record-writes.ts";
import { createRotatedRefreshTokens } from "./rotated-refresh-tokens.ts";
import { inGrantIndex, markerKey, recordKey } from "./redis-keys.ts";
import { decodeRecord } from "./record-codec.ts";

export function createConsume(deps: {
  redis: Redis & AdapterCommands;
  opts: { clock: Clock; refreshReuseGrace: number; refreshReuseDetection: number };
  atTokenEndpoint: () => boolean;
  grants: ReturnType<typeof createGrantRecords>;
  records: ReturnType<typeof createRecordWrites>;
}) {
  const { redis, opts, atTokenEndpoint, grants, records } = deps;
  const rotated = createRotatedRefreshTokens(redis, { clock: opts.clock, detectionSeconds: opts.refreshReuseDetection });
  /** a rotated refresh token's record and marker stay this long (parallel uses, the grace window); then only its rotated entry */
  const rotatedRecordMs = Math.max(opts.refreshReuseGrace + 1, 10) * 1000;

  /** a rotated refresh token presented again at the token endpoint within the grace window: a concurrent refresh */
  const refuseWithinGrace = (consumedAt: number): void => {
    // refused without revoking the grant (the winner's new tokens stay valid); elsewhere (introspection,
    // revocation) the token is simply reported as consumed
    if (atTokenEndpoint() && opts.clock.epoch() - consumedAt < opts.refreshReuseGrace) {
      throw new errors.InvalidGrant("refresh token was just rotated; use the new refresh token");
    }
  };

  /**
   * a refresh token rotated earlier (only its rotated entry is left): what oidc-provider needs to see a reuse
   * and revoke the grant, its account and client taken from the grant (gone with the grant: simply unknown).
   * The client is the grant's, so a replay by any client of the grant revokes it.
   */
  async function rotatedToken(id: string): Promise<AdapterPayload | undefined> {
    const token = await rotated.find(id);
    if (!token) return undefined;
    // read once per request (grant-records.ts): oidc-provider's Grant.find right after costs nothing
    const stored = await grants.find(token.grantId);
    if (!stored) return undefined;
    refuseWithinGrace(token.consumedAt);
    const grant = stored as {
      accountId?: string;
      clientId?: string;
      openid?: { scope?: string };
    };
    return {
      jti: id,
      kind: "RefreshToken",
      grantId: token.grantId,
      accountId: grant.accountId,
      clientId: grant.clientId,
      scope: grant.openid?.scope,
      iat: token.consumedAt,
      exp: token.exp,
      consumed: token.consumedAt,
    };
  }

  async function consume(model: string, id: string): Promise<void> {
    const now = opts.clock.epoch();
    const keepMs = model === "RefreshToken" ? rotatedRecordMs : 0;
    const [previous, json] = await redis.gatehouseConsume(recordKey(model, id), markerKey(model, id), now, keepMs);
    if (previous === -1) throw new errors.InvalidGrant(`${model} not found`);
    // only its grant and expiry are needed, which a refresh token's record always holds (never left out:
    // refresh-token-records.ts), so nothing is filled in from its grant here
    const stored = json ? decodeRecord(model, id, json) : undefined;
    const grantId = stored?.grantId;
    if (previous === 0) {
      // a rotated token leaves the grant's index (codes are not in it): with its successor's index entry when
      // this request saves one under the same grant (a refresh), else on its own, not awaited (a member left
      // behind is harmless, pruned once expired). Its reuse is detected through its rotated entry (its record
      // goes in seconds)
      if (grantId && inGrantIndex(model)) records.leaveGrantIndex(grantId, model, id);
      if (model === "RefreshToken" && grantId) await rotated.remember(id, { grantId, consumedAt: now, exp: Number(stored?.exp ?? now) });
      return;
    }
    // lost a race with a parallel use of the same code or token
    const withinGrace = model === "RefreshToken" && now - previous < opts.refreshReuseGrace;
    if (!withinGrace) {
      // the grant and everything it issued, and this used record too (it left the index when first used)
      await Promise.all([grantId ? records.destroyGrant(grantId) : undefined, records.destroyRecord(model, id)]);
    }
    throw new errors.InvalidGrant(`${model === "RefreshToken" ? "refresh token" : "authorization code"} already used`);
  }

  return { consume, rotatedToken, refuseWithinGrace };
}
