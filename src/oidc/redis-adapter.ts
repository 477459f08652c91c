// oidc-provider storage in Redis: sessions, interactions, grants, codes and tokens, each a hash
// `oidc:{Model:id}` (p = JSON payload, c = consumed-at) that expires with the model. Every key has its own
// hash tag, and nothing spans two keys atomically, so the same code runs on Redis Cluster. Consume is one
// atomic script: of two parallel uses of a code or refresh token, one wins; the other is refused and, outside
// the refresh grace window, the whole grant is revoked.
import Provider, { errors, type Adapter, type AdapterPayload } from "oidc-provider";
import type { Redis } from "ioredis";
import type { RedisClient } from "../db/redis.ts";
import type { Clock } from "../lib/clock.ts";

const CONSUME_SCRIPT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[1], 'c', ARGV[1]) == 1 then return 0 end
return tonumber(redis.call('HGET', KEYS[1], 'c'))`;

// adds a key to a grant's index and only ever extends the index's lifetime (a short-lived access token must not
// cut short the index of a long-lived refresh token); EXPIRE GT would do, but the in-process store lacks it
const INDEX_ADD_SCRIPT = `
redis.call('SADD', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return 1`;

type Commands = {
  gatehouseConsume(key: string, now: number): Promise<number>;
  gatehouseIndexAdd(key: string, member: string, ttl: number): Promise<number>;
};

export type RedisAdapterOptions = {
  redis: RedisClient;
  clock: Clock;
  /** seconds after rotation during which a refresh token's reuse is treated as a concurrent refresh */
  refreshReuseGrace: number;
  /** how long the grant -> keys index lives (the longest-lived thing a grant holds) */
  grantIndexTtl: number;
  /** whether the current request is a token request (default: oidc-provider's request context says so) */
  atTokenEndpoint?: () => boolean;
};

const providerRouteIsToken = () => (Provider.ctx as { oidc?: { route?: string } } | undefined)?.oidc?.route === "token";

const modelKey = (model: string, id: string) => `oidc:{${model}:${id}}`;
const grantIndexKey = (grantId: string) => `oidc:{grant:${grantId}}`;
const uidKey = (uid: string) => `oidc:{uid:${uid}}`;
const userCodeKey = (userCode: string) => `oidc:{userCode:${userCode}}`;

export function createRedisAdapterFactory(opts: RedisAdapterOptions) {
  const redis = opts.redis as Redis & Commands;
  redis.defineCommand("gatehouseConsume", { numberOfKeys: 1, lua: CONSUME_SCRIPT });
  redis.defineCommand("gatehouseIndexAdd", { numberOfKeys: 1, lua: INDEX_ADD_SCRIPT });
  const atTokenEndpoint = opts.atTokenEndpoint ?? providerRouteIsToken;

  /** Deletes a grant and everything issued under it (codes, tokens), as oidc-provider's revoke does. */
  async function destroyGrant(grantId: string): Promise<void> {
    const members = await redis.smembers(grantIndexKey(grantId));
    await Promise.all([...members.map((k) => redis.del(k)), redis.del(grantIndexKey(grantId)), redis.del(modelKey("Grant", grantId))]);
  }

  return class RedisAdapter implements Adapter {
    constructor(readonly model: string) {}

    private key(id: string) {
      return modelKey(this.model, id);
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      const key = this.key(id);
      const tx = redis.multi().del(key).hset(key, "p", JSON.stringify(payload));
      if (expiresIn) tx.expire(key, expiresIn);
      await tx.exec();
      const side: Promise<unknown>[] = [];
      if (payload.grantId && this.model !== "Grant") {
        side.push(redis.gatehouseIndexAdd(grantIndexKey(payload.grantId), key, Math.max(expiresIn ?? 0, opts.grantIndexTtl)));
      }
      if (payload.uid) side.push(expiresIn ? redis.set(uidKey(payload.uid), id, "EX", expiresIn) : redis.set(uidKey(payload.uid), id));
      if (payload.userCode) side.push(expiresIn ? redis.set(userCodeKey(payload.userCode), id, "EX", expiresIn) : redis.set(userCodeKey(payload.userCode), id));
      await Promise.all(side);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const found = await redis.hgetall(this.key(id));
      if (!found.p) return undefined;
      const payload = JSON.parse(found.p) as AdapterPayload;
      if (!found.c) return payload;
      const consumedAt = Number(found.c);
      if (this.model === "RefreshToken" && atTokenEndpoint() && opts.clock.epoch() - consumedAt < opts.refreshReuseGrace) {
        // a concurrent refresh: refuse without revoking the grant (the winner's new tokens stay valid);
        // elsewhere (introspection, revocation) the token is simply reported as consumed
        throw new errors.InvalidGrant("refresh token was just rotated; use the new refresh token");
      }
      return { ...payload, consumed: consumedAt };
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(uidKey(uid));
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(userCodeKey(userCode));
      return id ? this.find(id) : undefined;
    }

    async consume(id: string): Promise<void> {
      const now = opts.clock.epoch();
      const previous = await redis.gatehouseConsume(this.key(id), now);
      if (previous === 0) return;
      if (previous === -1) throw new errors.InvalidGrant(`${this.model} not found`);
      // lost a race with a parallel use of the same code or token
      const withinGrace = this.model === "RefreshToken" && now - previous < opts.refreshReuseGrace;
      if (!withinGrace) {
        const found = await redis.hget(this.key(id), "p");
        const grantId = found ? (JSON.parse(found) as AdapterPayload).grantId : undefined;
        if (grantId) await destroyGrant(grantId);
      }
      throw new errors.InvalidGrant(`${this.model === "RefreshToken" ? "refresh token" : "authorization code"} already used`);
    }

    async destroy(id: string): Promise<void> {
      await redis.del(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const index = grantIndexKey(grantId);
      const prefix = `oidc:{${this.model}:`;
      const members = (await redis.smembers(index)).filter((k) => k.startsWith(prefix));
      if (!members.length) return;
      await Promise.all([...members.map((k) => redis.del(k)), redis.srem(index, ...members)]);
    }
  };
}
