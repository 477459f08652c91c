// What is kept of a rotated refresh token so its reuse can be detected: not the record (~0.7 KB) but a ~70-byte
// entry in a small hash. The hashes are sharded by the token's first two characters (random, so even) and by
// time bucket (one bucket = the detection window): a token rotated at t is found in t's bucket or the next one,
// and each bucket's hashes expire on their own after the bucket that follows, so nothing needs cleaning up.
// Entry: the token's next 14 characters (with the first two, 96 random bits: no one can hit an entry by chance)
// -> "grantId consumedAt exp" (base 36 times). Under 64 bytes and 128 entries a hash stays Redis' compact listpack
// (4096 shards per bucket). Only a token that is no longer stored is looked up here (a replay, or an unknown
// token): the refresh path of a live token never reads these. Each command touches one key: Cluster-safe.
import type { Redis } from "ioredis";
import type { Clock } from "../lib/clock.ts";

// KEYS: the shard; ARGV: field, value, seconds the shard lives (set when the shard is new)
const REMEMBER_SCRIPT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1`;
type Commands = { gatehouseRotatedRemember(shard: string, field: string, value: string, ttl: number): Promise<number> };

export type RotatedToken = { grantId: string; consumedAt: number; exp: number };

export function createRotatedRefreshTokens(redis: Redis, opts: { clock: Clock; detectionSeconds: number }) {
  const client = redis as Redis & Commands;
  client.defineCommand("gatehouseRotatedRemember", { numberOfKeys: 1, lua: REMEMBER_SCRIPT });
  const bucketSeconds = Math.max(60, opts.detectionSeconds);
  const bucketOf = (epoch: number) => Math.floor(epoch / bucketSeconds);
  const shard = (bucket: number, id: string) => `oidc:{rotated:${bucket}:${id.slice(0, 2)}}`;
  const field = (id: string) => id.slice(2, 16);

  return {
    /** the token was rotated at `consumedAt`: remember it for the detection window */
    async remember(id: string, token: RotatedToken): Promise<void> {
      const bucket = bucketOf(token.consumedAt);
      // lives until the end of the next bucket (when a lookup no longer reads this one), plus a minute
      const ttl = Math.max(1, (bucket + 2) * bucketSeconds - opts.clock.epoch() + 60);
      await client.gatehouseRotatedRemember(
        shard(bucket, id),
        field(id),
        `${token.grantId} ${token.consumedAt.toString(36)} ${token.exp.toString(36)}`,
        ttl,
      );
    },

    /** the rotated token with this id, if it was rotated within the detection window */
    async find(id: string): Promise<RotatedToken | undefined> {
      if (id.length < 16) return undefined;
      const now = opts.clock.epoch();
      const bucket = bucketOf(now);
      const found = await Promise.all([redis.hget(shard(bucket, id), field(id)), redis.hget(shard(bucket - 1, id), field(id))]);
      const value = found.find((v): v is string => typeof v === "string");
      if (!value) return undefined;
      const [grantId, consumed, exp] = value.split(" ");
      const token = { grantId: grantId!, consumedAt: parseInt(consumed!, 36), exp: parseInt(exp!, 36) };
      return now - token.consumedAt <= opts.detectionSeconds ? token : undefined;
    },
  };
}
