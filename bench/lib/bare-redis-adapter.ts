// The bare oidc-provider's storage: a plain Redis adapter in the shape of oidc-provider's documented example
// (JSON records with a TTL, a list of keys per grant for revokeByGrantId, uid and userCode lookup keys).
import type { Redis } from "ioredis";
import type { Adapter, AdapterPayload } from "oidc-provider";

const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode", "BackchannelAuthenticationRequest"]);

export function bareRedisAdapter(redis: Redis) {
  return class BareRedisAdapter implements Adapter {
    name: string;
    constructor(name: string) {
      this.name = name;
    }

    key(id: string) {
      return `${this.name}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const key = this.key(id);
      const tx = redis.multi();
      if (expiresIn) tx.set(key, JSON.stringify(payload), "EX", expiresIn);
      else tx.set(key, JSON.stringify(payload));
      if (GRANTABLE.has(this.name) && payload.grantId) {
        const grantKey = `grant:${payload.grantId}`;
        tx.rpush(grantKey, key);
        // the grant's list lives as long as its longest-lived token
        if (expiresIn > (await redis.ttl(grantKey))) tx.expire(grantKey, expiresIn);
      }
      if (payload.userCode) tx.set(`userCode:${payload.userCode}`, id, "EX", expiresIn);
      if (payload.uid) tx.set(`uid:${payload.uid}`, id, "EX", expiresIn);
      await tx.exec();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      const json = await redis.get(this.key(id));
      return json ? (JSON.parse(json) as AdapterPayload) : undefined;
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(`uid:${uid}`);
      return id ? this.find(id) : undefined;
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      const id = await redis.get(`userCode:${userCode}`);
      return id ? this.find(id) : undefined;
    }

    async destroy(id: string): Promise<void> {
      await redis.del(this.key(id));
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      const grantKey = `grant:${grantId}`;
      const keys = await redis.lrange(grantKey, 0, -1);
      await redis
        .multi()
        .del(...keys, grantKey)
        .exec();
    }

    /** marks a code or refresh token used, keeping its remaining TTL (not atomic, like the example) */
    async consume(id: string): Promise<void> {
      const payload = await this.find(id);
      if (payload) await redis.set(this.key(id), JSON.stringify({ ...payload, consumed: Math.floor(Date.now() / 1000) }), "KEEPTTL");
    }
  };
}
