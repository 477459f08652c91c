// The oidc-provider storage adapter against the real Redis (production) and against the in-process store
// (ioredis-mock, the development default): the same behaviour is expected of both.
import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll, vi } from "vitest";
import { Redis } from "ioredis";
import { errors, type AdapterPayload } from "oidc-provider";
import { createRedisAdapterFactory } from "../../src/oidc/redis-adapter.ts";
import type { AdapterCommands } from "../../src/oidc/redis-adapter-scripts.ts";
import type { Clock } from "../../src/lib/clock.ts";
import { withRequestMemo } from "../../src/lib/request-memo.ts";
import { testRedisPrefix } from "../helpers/databases.ts";
import { REDIS_BACKENDS } from "../helpers/redis-backends.ts";
import { decodeSessionKey, encodeSessionKey } from "../../src/services/sessions/session-key.ts";

const id = (label: string) => `${label}-${randomBytes(6).toString("hex")}`;
/** the client with the adapter's scripts (defined on it by the adapter factory) */
const scripted = (redis: unknown) => redis as AdapterCommands;

describe.each(REDIS_BACKENDS)("RedisAdapter on $name", (backend) => {
  const keyPrefix = testRedisPrefix();
  let redis: Redis;
  let t = 1_700_000_000;
  // the grace rule applies only to token requests; the default asks oidc-provider, tests say it directly
  let atTokenEndpoint = true;
  const clock: Clock = { now: () => new Date(t * 1000), epoch: () => t };
  let Adapter: ReturnType<typeof createRedisAdapterFactory>;

  beforeAll(async () => {
    redis = await backend.open(keyPrefix);
    Adapter = createRedisAdapterFactory({
      redis,
      clock,
      refreshReuseGrace: 5,
      grantIndexTtl: 3600,
      refreshReuseDetection: 1800,
      atTokenEndpoint: () => atTokenEndpoint,
    });
  });

  afterAll(async () => {
    await backend.close(redis, keyPrefix);
  });

  const token = (kind: string, jti: string, grantId: string, extra: AdapterPayload = {}): AdapterPayload => ({
    jti,
    kind,
    grantId,
    clientId: "client-1",
    accountId: "account-1",
    exp: t + 600,
    ...extra,
  });

  /** Stores a grant with an authorization code, an access token and a refresh token issued under it. */
  async function grantWithTokens() {
    const grantId = id("grant");
    const ids = { code: id("code"), at: id("at"), rt: `${id("rt")}${randomBytes(8).toString("hex")}` };
    await new Adapter("Grant").upsert(
      grantId,
      { jti: grantId, kind: "Grant", clientId: "client-1", accountId: "account-1", exp: t + 3600 },
      3600,
    );
    await new Adapter("AuthorizationCode").upsert(ids.code, token("AuthorizationCode", ids.code, grantId), 600);
    await new Adapter("AccessToken").upsert(ids.at, token("AccessToken", ids.at, grantId), 600);
    await new Adapter("RefreshToken").upsert(ids.rt, token("RefreshToken", ids.rt, grantId), 3600);
    return { grantId, ...ids };
  }

  const invalidGrant = { error: "invalid_grant" };
  /** the fields of a grant's record in its index (its pieces), and the one command that reads a grant */
  const RECORD_PIECES = ["#g", "#g1", "#g2", "#g3", "#g4", "#g5", "#g6", "#g7"];
  const grantRead = (g: string) => `hmget oidc:{grant:${g}} ${RECORD_PIECES.join(" ")} #team`;

  /**
   * moves a grant stored now (in its index) into a layout of before: its record a string at `oidc:{Grant:id}`,
   * "^"-marked or not, and its team in the team key beside it or in the index's "#team" (or nowhere)
   */
  async function asOlderLayout(g: string, layout: { marked: boolean; teamKey?: string; indexTeam?: string }) {
    const index = `oidc:{grant:${g}}`;
    const record = (await redis.hmget(index, ...RECORD_PIECES)).join("");
    expect(record).not.toBe("");
    await redis.hdel(index, ...RECORD_PIECES, "#team");
    await redis.set(`oidc:{Grant:${g}}`, `${layout.marked ? "^" : ""}${record}`, "EX", 3600);
    if (layout.teamKey !== undefined) await redis.set(`oidc:{Grant:${g}}:team`, layout.teamKey, "EX", 3600);
    if (layout.indexTeam !== undefined) await redis.hset(index, "#team", layout.indexTeam);
    if (await redis.exists(index)) await redis.expire(index, 3600);
  }

  /** the commands the adapter's client sends while `fn` runs (name and keys, without the key prefix) */
  async function commandsOf(fn: () => Promise<unknown>): Promise<string[]> {
    const seen: string[] = [];
    const send = redis.sendCommand;
    redis.sendCommand = function (this: Redis, ...args: Parameters<Redis["sendCommand"]>) {
      const command = args[0] as unknown as { name: string; args: unknown[] };
      seen.push([command.name, ...command.args.map(String)].join(" ").replaceAll(keyPrefix, ""));
      return send.apply(this, args);
    } as Redis["sendCommand"];
    try {
      await fn();
    } finally {
      redis.sendCommand = send;
    }
    return seen;
  }

  describe("upsert, find, destroy", () => {
    it("round-trips a payload and returns undefined for an unknown id", async () => {
      const codes = new Adapter("AuthorizationCode");
      const code = id("code");
      const payload = token("AuthorizationCode", code, "g-roundtrip", { scope: "openid profile", redirectUri: "https://app.example/cb" });
      await codes.upsert(code, payload, 600);

      expect(await codes.find(code)).toEqual(payload);
      expect(await codes.find(id("unknown"))).toBeUndefined();
      // the model is part of the key: the same id under another model is a different record
      expect(await new Adapter("AccessToken").find(code)).toBeUndefined();
    });

    it("sets the key's TTL to expiresIn, and none when expiresIn is undefined", async () => {
      const sessions = new Adapter("Session");
      const withTtl = id("sess");
      const withoutTtl = id("sess");
      await sessions.upsert(withTtl, { jti: withTtl, kind: "Session", exp: t + 600 }, 600);
      await sessions.upsert(withoutTtl, { jti: withoutTtl, kind: "Session" });

      const ttl = await redis.ttl(`oidc:{Session:${withTtl}}`);
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
      expect(await redis.ttl(`oidc:{Session:${withoutTtl}}`)).toBe(-1);
      // the key really is stored under the prefix (ioredis applies it), so the cleanup finds it
      expect(await redis.exists(`oidc:{Session:${withoutTtl}}`)).toBe(1);

      // re-saving without expiresIn replaces the record, including its old TTL
      await sessions.upsert(withTtl, { jti: withTtl, kind: "Session", updated: true });
      expect(await redis.ttl(`oidc:{Session:${withTtl}}`)).toBe(-1);
      expect(await sessions.find(withTtl)).toEqual({ jti: withTtl, kind: "Session", updated: true });
    });

    it("destroy removes the record", async () => {
      const tokens = new Adapter("AccessToken");
      const at = id("at");
      await tokens.upsert(at, token("AccessToken", at, "g-destroy"), 600);
      expect(await tokens.find(at)).toBeDefined();

      await tokens.destroy(at);
      expect(await tokens.find(at)).toBeUndefined();
      expect(await redis.exists(`oidc:{AccessToken:${at}}`)).toBe(0);
    });
  });

  describe("interactions", () => {
    it("a result is never written onto an interaction a parallel request consumed (a stale copy cannot bring it back)", async () => {
      const interactions = new Adapter("Interaction");
      const uid = id("interaction");
      await interactions.upsert(uid, { jti: uid, kind: "Interaction", exp: t + 600 }, 600);
      const copy = await interactions.find(uid);
      await interactions.destroy(uid); // the parallel request resumed it
      await interactions.upsert(uid, { ...copy, result: { login: { accountId: "someone" } } }, 600);
      expect(await interactions.find(uid)).toBeUndefined();
      expect(await redis.exists(`oidc:{Interaction:${uid}}`)).toBe(0);
      // on a live one the result is written
      const live = id("interaction");
      await interactions.upsert(live, { jti: live, kind: "Interaction", exp: t + 600 }, 600);
      await interactions.upsert(live, { jti: live, kind: "Interaction", exp: t + 600, result: { login: { accountId: "someone" } } }, 600);
      expect(await interactions.find(live)).toMatchObject({ result: { login: { accountId: "someone" } } });
    });
  });

  describe("secondary lookups", () => {
    it("findByUid finds a Session by its uid", async () => {
      const sessions = new Adapter("Session");
      const sid = id("sess");
      const uid = id("uid");
      const payload: AdapterPayload = { jti: sid, uid, kind: "Session", accountId: "account-1", exp: t + 600 };
      await sessions.upsert(sid, payload, 600);

      expect(await sessions.findByUid(uid)).toEqual(payload);
      expect(await sessions.findByUid(id("uid"))).toBeUndefined();

      await sessions.destroy(sid);
      expect(await sessions.findByUid(uid)).toBeUndefined();
    });

    it("findByUserCode finds a DeviceCode by its user code", async () => {
      const devices = new Adapter("DeviceCode");
      const dc = id("dc");
      const userCode = "BCDF-GHJK";
      const payload: AdapterPayload = { jti: dc, userCode, kind: "DeviceCode", clientId: "client-1", exp: t + 600 };
      await devices.upsert(dc, payload, 600);

      expect(await devices.findByUserCode(userCode)).toEqual(payload);
      expect(await devices.findByUserCode("ZZZZ-ZZZZ")).toBeUndefined();
    });
  });

  describe("consume", () => {
    it("marks the record consumed at the current epoch", async () => {
      t = 1_700_000_000;
      const { code } = await grantWithTokens();
      const codes = new Adapter("AuthorizationCode");

      await expect(codes.consume(code)).resolves.toBeUndefined();
      t += 1;
      const found = await codes.find(code);
      expect(found).toMatchObject({ jti: code, kind: "AuthorizationCode", consumed: 1_700_000_000 });
    });

    it("a second consume of an authorization code is invalid_grant and revokes the whole grant", async () => {
      t = 1_700_000_000;
      const { grantId, code, at, rt } = await grantWithTokens();
      const other = await grantWithTokens();
      const codes = new Adapter("AuthorizationCode");

      await codes.consume(code);
      t += 1;
      const second = codes.consume(code);
      await expect(second).rejects.toBeInstanceOf(errors.InvalidGrant);
      await expect(second).rejects.toMatchObject(invalidGrant);

      expect(await new Adapter("AccessToken").find(at)).toBeUndefined();
      expect(await new Adapter("RefreshToken").find(rt)).toBeUndefined();
      expect(await new Adapter("Grant").find(grantId)).toBeUndefined();
      expect(await codes.find(code)).toBeUndefined();
      expect(await redis.exists(`oidc:{grant:${grantId}}`)).toBe(0);

      // another grant is untouched
      expect(await new Adapter("AccessToken").find(other.at)).toMatchObject({ jti: other.at });
      expect(await new Adapter("RefreshToken").find(other.rt)).toMatchObject({ jti: other.rt });
      expect(await new Adapter("Grant").find(other.grantId)).toMatchObject({ jti: other.grantId });
    });

    it("is atomic: of 20 parallel consumes of one code exactly one wins", async () => {
      t = 1_700_000_000;
      const { grantId, code, at } = await grantWithTokens();
      const codes = new Adapter("AuthorizationCode");

      const results = await Promise.allSettled(Array.from({ length: 20 }, () => codes.consume(code)));
      const fulfilled = results.filter((r) => r.status === "fulfilled");
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(19);
      for (const r of rejected) {
        expect(r.reason).toBeInstanceOf(errors.InvalidGrant);
        expect(r.reason).toMatchObject(invalidGrant);
      }
      // the losers saw a reused code and revoked its grant
      expect(await new Adapter("Grant").find(grantId)).toBeUndefined();
      expect(await new Adapter("AccessToken").find(at)).toBeUndefined();
    });

    it("a refresh token reused within the grace window is refused without revoking; past it, revokes", async () => {
      t = 1_700_000_000;
      const { grantId, at, rt } = await grantWithTokens();
      const refreshTokens = new Adapter("RefreshToken");
      // the rotation's winner gets a new refresh token under the same grant
      const rotated = id("rt");
      await refreshTokens.upsert(rotated, token("RefreshToken", rotated, grantId), 3600);

      await expect(refreshTokens.consume(rt)).resolves.toBeUndefined();

      // t+2, outside the token endpoint (introspection, revocation): simply reported as consumed
      t = 1_700_000_002;
      atTokenEndpoint = false;
      expect(await refreshTokens.find(rt)).toMatchObject({ jti: rt, consumed: 1_700_000_000 });
      // t+2 at the token endpoint: a concurrent refresh with the old token
      atTokenEndpoint = true;
      const findInGrace = refreshTokens.find(rt);
      await expect(findInGrace).rejects.toBeInstanceOf(errors.InvalidGrant);
      await expect(findInGrace).rejects.toMatchObject(invalidGrant);
      const consumeInGrace = refreshTokens.consume(rt);
      await expect(consumeInGrace).rejects.toBeInstanceOf(errors.InvalidGrant);
      await expect(consumeInGrace).rejects.toMatchObject(invalidGrant);
      // nothing revoked: the winner's tokens stay valid
      expect(await new Adapter("Grant").find(grantId)).toMatchObject({ jti: grantId });
      expect(await new Adapter("AccessToken").find(at)).toMatchObject({ jti: at, grantId });
      expect(await refreshTokens.find(rotated)).toMatchObject({ jti: rotated, grantId });
      expect(await redis.exists(`oidc:{RefreshToken:${rt}}`)).toBe(1);

      // t+10: past the grace window the old token is a replay
      t = 1_700_000_010;
      expect(await refreshTokens.find(rt)).toMatchObject({ jti: rt, grantId, consumed: 1_700_000_000 });
      const replay = refreshTokens.consume(rt);
      await expect(replay).rejects.toBeInstanceOf(errors.InvalidGrant);
      await expect(replay).rejects.toMatchObject(invalidGrant);
      expect(await new Adapter("Grant").find(grantId)).toBeUndefined();
      expect(await new Adapter("AccessToken").find(at)).toBeUndefined();
      expect(await refreshTokens.find(rotated)).toBeUndefined();
      expect(await refreshTokens.find(rt)).toBeUndefined();
    });

    it("a rotated refresh token outlives its record as a small entry: found as consumed, with its grant's account and client", async () => {
      t = Math.floor(Date.now() / 1000);
      const { grantId, at, rt } = await grantWithTokens();
      const refreshTokens = new Adapter("RefreshToken");
      await refreshTokens.consume(rt);
      // the record and marker stay seconds only (parallel uses, the grace window); here they are gone
      expect(await redis.pttl(`oidc:{RefreshToken:${rt}}`)).toBeLessThanOrEqual(10_000);
      await redis.del(`oidc:{RefreshToken:${rt}}`, `oidc:{RefreshToken:${rt}}:consumed`);
      t += 3;
      atTokenEndpoint = true;
      await expect(refreshTokens.find(rt)).rejects.toMatchObject(invalidGrant); // still within the grace window
      t += 10;
      const found = await refreshTokens.find(rt);
      expect(found).toMatchObject({ jti: rt, kind: "RefreshToken", grantId, accountId: "account-1", consumed: t - 13 });
      expect(found!.exp).toBe(t - 13 + 600);
      // the replay: consume finds no record and refuses; oidc-provider then revokes the grant (as below)
      await expect(refreshTokens.consume(rt)).rejects.toBeInstanceOf(errors.InvalidGrant);
      await Adapter.destroyGrant(grantId);
      expect(await refreshTokens.find(rt)).toBeUndefined(); // without its grant there is nothing to revoke
      expect(await new Adapter("AccessToken").find(at)).toBeUndefined();
      // a token never issued, or one rotated longer ago than the detection window, is simply unknown
      expect(await refreshTokens.find(id("rt-never-issued-xxxxxxxx"))).toBeUndefined();
    });

    it("past the detection window a rotated refresh token is unknown", async () => {
      t = Math.floor(Date.now() / 1000);
      const { rt } = await grantWithTokens();
      const refreshTokens = new Adapter("RefreshToken");
      await refreshTokens.consume(rt);
      await redis.del(`oidc:{RefreshToken:${rt}}`, `oidc:{RefreshToken:${rt}}:consumed`);
      t += 1799;
      expect(await refreshTokens.find(rt)).toMatchObject({ jti: rt });
      t += 2;
      expect(await refreshTokens.find(rt)).toBeUndefined();
    });

    it("saving a consumed record again keeps it consumed, and the marker expires with the record", async () => {
      t = 1_700_000_000;
      const { code, grantId } = await grantWithTokens();
      const codes = new Adapter("AuthorizationCode");
      await codes.consume(code);
      await codes.upsert(code, token("AuthorizationCode", code, grantId), 600);
      expect(await codes.find(code)).toMatchObject({ consumed: 1_700_000_000 });
      const ttl = await redis.ttl(`oidc:{AuthorizationCode:${code}}:consumed`);
      expect(ttl).toBeGreaterThan(590);
      expect(ttl).toBeLessThanOrEqual(600);
    });

    it("a short-lived access token never shortens the grant index of a long-lived refresh token", async () => {
      const grantId = id("grant");
      const rt = id("rt");
      const at = id("at");
      await new Adapter("RefreshToken").upsert(rt, token("RefreshToken", rt, grantId), 1_209_600);
      await new Adapter("AccessToken").upsert(at, token("AccessToken", at, grantId), 600);
      expect(await redis.ttl(`oidc:{grant:${grantId}}`)).toBeGreaterThan(1_209_000);
      await new Adapter("RefreshToken").revokeByGrantId(grantId);
      expect(await new Adapter("RefreshToken").find(rt)).toBeUndefined();
      expect(await new Adapter("AccessToken").find(at)).toMatchObject({ jti: at });
    });

    it("a rotated refresh token's record goes in seconds, a small entry stays the reuse-detection window, and it leaves the grant index", async () => {
      t = Math.floor(Date.now() / 1000);
      const grantId = id("grant");
      const rt = `${id("rt")}${randomBytes(8).toString("hex")}`;
      const refreshTokens = new Adapter("RefreshToken");
      await refreshTokens.upsert(rt, token("RefreshToken", rt, grantId), 3600);
      await refreshTokens.consume(rt);
      for (const key of [`oidc:{RefreshToken:${rt}}`, `oidc:{RefreshToken:${rt}}:consumed`]) {
        const ttl = await redis.pttl(key);
        expect(ttl).toBeGreaterThan(9_000);
        expect(ttl).toBeLessThanOrEqual(10_000); // parallel uses and the 5 s grace window, not the token's 3600 s
      }
      // the entry: one field in a shard of the current bucket (refreshReuseDetection = 1800 s per bucket)
      const shard = `oidc:{rotated:${Math.floor(t / 1800)}:${rt.slice(0, 2)}}`;
      expect(await redis.hget(shard, rt.slice(2, 16))).toBe(`${grantId} ${t.toString(36)} ${(t + 600).toString(36)}`);
      const shardTtl = await redis.ttl(shard);
      expect(shardTtl).toBeGreaterThan(1800); // it outlives the window of every token it holds
      expect(shardTtl).toBeLessThanOrEqual(3 * 1800 + 60);
      expect(await redis.hexists(`oidc:{grant:${grantId}}`, `R${rt}`)).toBe(0);
    });

    it("a refresh's rotated token leaves the grant index with its successor's entry, in one command", async () => {
      t = Math.floor(Date.now() / 1000);
      const grantId = id("grant");
      const refreshTokens = new Adapter("RefreshToken");
      const [old, next] = [`${id("rt")}${randomBytes(8).toString("hex")}`, `${id("rt")}${randomBytes(8).toString("hex")}`];
      await refreshTokens.upsert(old, token("RefreshToken", old, grantId), 3600);
      const sent = await commandsOf(() =>
        withRequestMemo(async () => {
          await refreshTokens.consume(old);
          await refreshTokens.upsert(next, token("RefreshToken", next, grantId), 3600);
        }),
      );
      expect(await redis.hexists(`oidc:{grant:${grantId}}`, `R${old}`)).toBe(0);
      expect(await redis.hexists(`oidc:{grant:${grantId}}`, `R${next}`)).toBe(1);
      // (the in-process store answers without sendCommand: the count is the real Redis's)
      if (backend.name.startsWith("real")) expect(sent.filter((c) => c.includes(`oidc:{grant:${grantId}}`))).toHaveLength(1);
    });

    it("a long refresh chain does not grow the grant index", async () => {
      t = 1_700_000_000;
      const grantId = id("grant");
      const accessTokens = new Adapter("AccessToken");
      const refreshTokens = new Adapter("RefreshToken");
      let previous: string | undefined;
      for (let i = 0; i < 20; i++) {
        t += 700; // the last access token (600 s) has expired by now
        const at = id("at");
        const rt = id("rt");
        await accessTokens.upsert(at, token("AccessToken", at, grantId), 600);
        await refreshTokens.upsert(rt, token("RefreshToken", rt, grantId), 3600);
        if (previous) await refreshTokens.consume(previous);
        previous = rt;
      }
      expect(await redis.hlen(`oidc:{grant:${grantId}}`)).toBeLessThanOrEqual(10); // pruned at 8 and again at twice what remains
      // and revoking the grant still reaches the live refresh token
      await refreshTokens.revokeByGrantId(grantId);
      expect(await refreshTokens.find(previous!)).toBeUndefined();
    });

    it("consume of a missing id is invalid_grant", async () => {
      const code = id("missing");
      const missing = new Adapter("AuthorizationCode").consume(code);
      await expect(missing).rejects.toBeInstanceOf(errors.InvalidGrant);
      await expect(missing).rejects.toMatchObject(invalidGrant);
      // and creates nothing
      expect(await redis.exists(`oidc:{AuthorizationCode:${code}}`)).toBe(0);
    });
  });

  describe("ended sessions", () => {
    const session = (uid: string, jti: string, accountId: string): AdapterPayload => ({
      jti,
      uid,
      kind: "Session",
      accountId,
      loginTs: t,
      exp: t + 3600,
    });
    const hashTag = (key: string) => /\{([^}]*)\}/.exec(key)?.[1] ?? key;

    it("a session ended by endSession is never written again (a request in flight saving it) nor found", async () => {
      const [uid, jti, account] = [id("uid"), id("jti"), id("account")];
      const sessions = new Adapter("Session");
      await sessions.upsert(jti, session(uid, jti, account), 3600);
      expect(await Adapter.endSession(uid)).toMatchObject({ accountId: account });
      // oidc-provider's session middleware saves the session it loaded before the end, in its finally
      await sessions.upsert(jti, session(uid, jti, account), 3600);
      expect(await sessions.find(jti)).toBeUndefined();
      expect(await sessions.findByUid(uid)).toBeUndefined();
      expect(await redis.get(`oidc:{uid:${uid}}`)).toBeNull();
      expect(await redis.hkeys(`oidc:{user:${account}}`)).not.toContain(`S${jti}`);
      expect(await Adapter.sessionEnded(uid)).toBe(true);
      expect(await redis.ttl(`oidc:{uid:${uid}}:ended`)).toBeGreaterThan(3500);
    });

    /** saves the session while `around` wraps the script that points its uid at the record (where an end may land) */
    async function saveAround(
      sessions: InstanceType<typeof Adapter>,
      jti: string,
      payload: AdapterPayload,
      around: (pointUid: () => Promise<number>) => Promise<number>,
    ) {
      const script = scripted(redis);
      const pointUid = script.gatehouseSessionUid.bind(redis);
      const spy = vi.spyOn(script, "gatehouseSessionUid").mockImplementation((...args) => around(() => pointUid(...args)));
      try {
        await sessions.upsert(jti, payload, 3600);
      } finally {
        spy.mockRestore();
      }
    }

    it("an end that lands between the record's write and the uid's takes the write back", async () => {
      const [uid, jti, account] = [id("uid"), id("jti"), id("account")];
      const sessions = new Adapter("Session");
      await sessions.upsert(jti, session(uid, jti, account), 3600);
      // the end's tombstone appears after the record was saved again, before the uid is pointed at it
      await saveAround(sessions, jti, session(uid, jti, account), async (pointUid) => {
        await redis.set(`oidc:{uid:${uid}}:ended`, "1", "EX", 60);
        return pointUid();
      });
      expect(await redis.get(`oidc:{Session:${jti}}`)).toBeNull();
      expect(await redis.get(`oidc:{uid:${uid}}`)).toBeNull();
      expect(await redis.hkeys(`oidc:{user:${account}}`)).not.toContain(`S${jti}`);
    });

    it("an end that lands right after the uid was pointed at the record finds it and ends it; a save of it after that is never found", async () => {
      const [uid, jti, account] = [id("uid"), id("jti"), id("account")];
      const sessions = new Adapter("Session");
      // the end comes right after the uid was pointed at the record
      await saveAround(sessions, jti, session(uid, jti, account), async (pointUid) => {
        const result = await pointUid();
        await Adapter.endSession(uid);
        return result;
      });
      expect(await redis.get(`oidc:{Session:${jti}}`)).toBeNull();
      expect(await redis.get(`oidc:{uid:${uid}}`)).toBeNull();
      // a request still in flight on it writes the record back without the adapter (as a stale save would)
      await redis.set(`oidc:{Session:${jti}}`, JSON.stringify(session(uid, jti, account)), "EX", 3600);
      expect(await sessions.find(jti)).toBeUndefined();
    });

    it("endUserSessions reads each session with its own GET (no multi-key command across hash tags) and tombstones them", async () => {
      const account = id("account");
      const sessions = new Adapter("Session");
      const made = [
        [id("uid"), id("jti")],
        [id("uid"), id("jti")],
        [id("uid"), id("jti")],
      ] as const;
      for (const [uid, jti] of made) await sessions.upsert(jti, session(uid, jti, account), 3600);
      // what Redis Cluster refuses (CROSSSLOT): one command over keys of different hash tags
      const crossSlot: string[][] = [];
      const mget = vi.spyOn(redis, "mget");
      const del = vi.spyOn(redis, "del");
      const ended = await Adapter.endUserSessions(account, made[0][1]);
      for (const call of [...mget.mock.calls, ...del.mock.calls]) {
        const keys = call.flat().map(String);
        if (new Set(keys.map(hashTag)).size > 1) crossSlot.push(keys);
      }
      mget.mockRestore();
      del.mockRestore();
      expect(crossSlot).toEqual([]);
      expect(ended.sessions).toBe(2);
      expect(ended.ended.map((e) => e.uid).sort()).toEqual([made[1][0], made[2][0]].sort());
      // a request in flight on an ended session cannot bring it back; the kept one lives on
      await sessions.upsert(made[1][1], session(made[1][0], made[1][1], account), 3600);
      expect(await sessions.find(made[1][1])).toBeUndefined();
      expect(await sessions.find(made[0][1])).toMatchObject({ uid: made[0][0] });
      expect(await Adapter.userSessionUids(account)).toEqual([made[0][0]]);
    });
  });

  describe("a grant in its index", () => {
    const grantOf = (g: string, extra: AdapterPayload = {}): AdapterPayload => ({
      jti: g,
      kind: "Grant",
      clientId: "client-1",
      accountId: "account-1",
      openid: { scope: "openid offline_access" },
      exp: t + 3600,
      ...extra,
    });

    it("is one key: the record and its team are fields of the index, read back in one HMGET", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      const grants = new Adapter("Grant");
      await grants.upsert(g, grantOf(g), 3600);
      await Adapter.setGrantTeam(g, "team-1", t + 3600);
      expect(await redis.exists(`oidc:{Grant:${g}}`, `oidc:{Grant:${g}}:team`)).toBe(0);
      const fields = await redis.hkeys(`oidc:{grant:${g}}`);
      expect(fields.filter((f) => !RECORD_PIECES.includes(f))).toEqual(["#team"]);
      expect(fields).toContain("#g");
      // a compact hash (every field and value at most 64 bytes), smaller than the record and index were as two keys
      if (backend.name.startsWith("real")) expect(await redis.object("ENCODING", `${keyPrefix}oidc:{grant:${g}}`)).toBe("listpack"); // OBJECT's key is not prefixed
      const ttl = await redis.ttl(`oidc:{grant:${g}}`);
      expect(ttl).toBeGreaterThan(3590);
      expect(ttl).toBeLessThanOrEqual(3600);
      const sent = await commandsOf(() =>
        withRequestMemo(async () => {
          expect(await grants.find(g)).toEqual(grantOf(g));
          expect(await Adapter.grantTeam(g)).toBe("team-1");
        }),
      );
      if (backend.name.startsWith("real")) expect(sent).toEqual([grantRead(g)]);
      await grants.destroy(g);
      expect(await grants.find(g)).toBeUndefined();
      expect(await Adapter.grantTeam(g)).toBeNull();
    });

    it("its record is cut into pieces of at most 64 bytes, never inside a character; a shorter one drops the rest, a longer one is whole", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      const grants = new Adapter("Grant");
      const index = `oidc:{grant:${g}}`;
      const scope = (words: number) => Array.from({ length: words }, (_, i) => `scöpe€${i}😀`).join(" ");
      const pieces = async () => (await redis.hmget(index, ...RECORD_PIECES)).filter((p): p is string => p !== null);
      await grants.upsert(g, grantOf(g, { openid: { scope: scope(20) } }), 3600);
      const long = await pieces();
      expect(long.length).toBeGreaterThan(3);
      for (const piece of long) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(64);
      expect(long.join("")).not.toContain("\uFFFD");
      expect(await grants.find(g)).toEqual(grantOf(g, { openid: { scope: scope(20) } }));
      await grants.upsert(g, grantOf(g, { openid: { scope: scope(1) } }), 3600);
      expect((await pieces()).length).toBeLessThan(long.length);
      expect(await grants.find(g)).toEqual(grantOf(g, { openid: { scope: scope(1) } }));
      if (backend.name.startsWith("real")) expect(await redis.object("ENCODING", `${keyPrefix}${index}`)).toBe("listpack");
      // longer than the pieces there are (8 x 64 bytes): the record whole, in the first
      await grants.upsert(g, grantOf(g, { openid: { scope: scope(40) } }), 3600);
      expect(await pieces()).toHaveLength(1);
      expect(await grants.find(g)).toEqual(grantOf(g, { openid: { scope: scope(40) } }));
      await grants.upsert(g, grantOf(g), 3600);
      expect(await grants.find(g)).toEqual(grantOf(g));
    });

    it("lives at least as long as the grant (only ever extended), and a grant past its expiry reads as absent", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      const grants = new Adapter("Grant");
      await grants.upsert(g, grantOf(g, { exp: t + 7200 }), 7200);
      const at = id("at");
      await new Adapter("AccessToken").upsert(at, token("AccessToken", at, g), 600); // the index: 3600 at least
      expect(await redis.ttl(`oidc:{grant:${g}}`)).toBeGreaterThan(7190);
      await grants.upsert(g, grantOf(g, { exp: t + 100 }), 100);
      expect(await redis.ttl(`oidc:{grant:${g}}`)).toBeGreaterThan(7190);
      t += 99;
      expect(await grants.find(g)).toMatchObject({ jti: g });
      t += 1;
      expect(await grants.find(g)).toBeUndefined();
      // a grant without expiry: so is its index, whatever is added to it
      const forever = id("grant");
      await grants.upsert(forever, grantOf(forever, { exp: undefined }));
      await new Adapter("AccessToken").upsert(at, token("AccessToken", at, forever), 600);
      expect(await redis.ttl(`oidc:{grant:${forever}}`)).toBe(-1);
      expect(await grants.find(forever)).toMatchObject({ jti: forever });
      await Adapter.destroyGrant(forever);
    });

    it("a write of the grant keeps what the index holds: members written meanwhile, its team", async () => {
      t = 1_700_000_000;
      const { grantId, at, rt } = await grantWithTokens();
      await Adapter.setGrantTeam(grantId, "team-1", t + 3600);
      await new Adapter("Grant").upsert(grantId, grantOf(grantId, { openid: { scope: "openid email" } }), 3600);
      const fields = await redis.hkeys(`oidc:{grant:${grantId}}`);
      expect(fields.filter((f) => !RECORD_PIECES.includes(f)).sort()).toEqual(["#team", `A${at}`, `R${rt}`].sort());
      expect(await withRequestMemo(async () => (await new Adapter("Grant").find(grantId)) && Adapter.grantTeam(grantId))).toBe("team-1");
      await new Adapter("AccessToken").revokeByGrantId(grantId);
      expect(await new Adapter("Grant").find(grantId)).toMatchObject({ openid: { scope: "openid email" } });
      expect(await redis.hkeys(`oidc:{grant:${grantId}}`)).toContain(`R${rt}`);
    });

    it("pruning the index never drops a '#' field (a team id that looks like a number)", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      await new Adapter("Grant").upsert(g, grantOf(g, { exp: t + 100_000 }), 100_000);
      await Adapter.setGrantTeam(g, "42", t + 100_000);
      for (let i = 0; i < 12; i++) {
        t += 700; // the last access token has expired by now
        const at = id("at");
        await new Adapter("AccessToken").upsert(at, token("AccessToken", at, g), 600);
      }
      const fields = await redis.hkeys(`oidc:{grant:${g}}`);
      expect(fields.length).toBeLessThan(12); // pruned
      expect(fields).toEqual(expect.arrayContaining(["#g", "#team", "#prune"]));
      expect(await Adapter.grantTeam(g)).toBe("42");
      expect(await new Adapter("Grant").find(g)).toMatchObject({ jti: g });
    });
  });

  describe("a grant's team", () => {
    it("is read with the grant's record: the tokens issued in that request ask Redis nothing more", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      await new Adapter("Grant").upsert(g, { jti: g, kind: "Grant", exp: t + 3600 }, 3600);
      await Adapter.setGrantTeam(g, "team-1", t + 3600);
      const sent = await commandsOf(() =>
        withRequestMemo(async () => {
          expect(await new Adapter("Grant").find(g)).toMatchObject({ jti: g });
          expect(await Adapter.grantTeam(g)).toBe("team-1");
          expect(await Adapter.grantTeam(g)).toBe("team-1");
          // the same team again (a sign-in that settles the team the grant has): nothing written
          await Adapter.setGrantTeam(g, "team-1", t + 3600);
        }),
      );
      // (the in-process store answers without sendCommand: the count is the real Redis's, the values both)
      if (backend.name.startsWith("real")) expect(sent).toEqual([grantRead(g)]);
      expect(await redis.hget(`oidc:{grant:${g}}`, "#team")).toBe("team-1");
      expect(await redis.exists(`oidc:{Grant:${g}}`, `oidc:{Grant:${g}}:team`)).toBe(0);
    });

    it("none is stored as such (no team beside the record), and goes with the grant", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      await new Adapter("Grant").upsert(g, { jti: g, kind: "Grant", exp: t + 3600 }, 3600);
      await Adapter.setGrantTeam(g, "team-1", t + 3600);
      await withRequestMemo(async () => {
        await new Adapter("Grant").find(g);
        await Adapter.setGrantTeam(g, null, t + 3600);
        expect(await Adapter.grantTeam(g)).toBeNull();
      });
      expect(await Adapter.grantTeam(g)).toBeNull();
      expect(await redis.hexists(`oidc:{grant:${g}}`, "#team")).toBe(0);
      expect(await redis.hexists(`oidc:{grant:${g}}`, "#g")).toBe(1);
      expect(await redis.exists(`oidc:{Grant:${g}}:team`)).toBe(0);
      await Adapter.setGrantTeam(g, "team-2", t + 3600);
      expect(await Adapter.grantTeam(g)).toBe("team-2");
      await Adapter.destroyGrant(g);
      expect(await redis.exists(`oidc:{grant:${g}}`)).toBe(0);
      expect(await Adapter.grantTeam(g)).toBeNull();
    });

    it("of a grant stored with its team key (before), none is stored as such and lives no longer than the grant", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      await new Adapter("Grant").upsert(g, { jti: g, kind: "Grant", exp: t + 3600 }, 3600);
      await asOlderLayout(g, { marked: true, teamKey: "team-1" });
      await withRequestMemo(async () => {
        expect(await new Adapter("Grant").find(g)).toMatchObject({ jti: g });
        expect(await Adapter.grantTeam(g)).toBe("team-1");
        await Adapter.setGrantTeam(g, null, t + 3600);
        expect(await Adapter.grantTeam(g)).toBeNull();
      });
      expect(await Adapter.grantTeam(g)).toBeNull();
      expect(await redis.get(`oidc:{Grant:${g}}:team`)).toBe("");
      const ttl = await redis.ttl(`oidc:{Grant:${g}}:team`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3600);
      await Adapter.setGrantTeam(g, "team-2", t + 3600);
      expect(await Adapter.grantTeam(g)).toBe("team-2");
      expect(await redis.hexists(`oidc:{grant:${g}}`, "#g")).toBe(0); // setting the team does not move the grant
      await Adapter.destroyGrant(g);
      expect(await redis.exists(`oidc:{Grant:${g}}`, `oidc:{Grant:${g}}:team`)).toBe(0);
      expect(await new Adapter("Grant").find(g)).toBeUndefined();
      expect(await Adapter.grantTeam(g)).toBeNull();
    });

    it("a grant stored before the team moved beside it keeps the team its index names, until a sign-in sets it", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      await new Adapter("Grant").upsert(g, { jti: g, kind: "Grant", exp: t + 3600 }, 3600);
      // the record as that layout wrote it: without the mark that makes a missing team key mean "none"
      await asOlderLayout(g, { marked: false, indexTeam: "team-old" });
      expect(
        await withRequestMemo(async () => {
          await new Adapter("Grant").find(g);
          return Adapter.grantTeam(g);
        }),
      ).toBe("team-old");
      expect(await Adapter.revokeTeamGrants("account-legacy", "team-old")).toBe(0); // not in that user's index
      await Adapter.setGrantTeam(g, "team-new", t + 3600);
      expect(await Adapter.grantTeam(g)).toBe("team-new");
    });
  });

  describe("data of the older layouts (written before an upgrade) and the compact ones", () => {
    const sessionOf = (uid: string, jti: string, accountId: string) =>
      ({ jti, kind: "Session", uid, accountId, loginTs: t, exp: t + 3600 }) as AdapterPayload;

    it("a new grant without a team has no team key, reads none, and a sign-in settling none writes nothing", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      await new Adapter("Grant").upsert(g, { jti: g, kind: "Grant", exp: t + 3600 }, 3600);
      const sent = await commandsOf(() =>
        withRequestMemo(async () => {
          await new Adapter("Grant").find(g);
          expect(await Adapter.grantTeam(g)).toBeNull();
          await Adapter.setGrantTeam(g, null, t + 3600);
        }),
      );
      if (backend.name.startsWith("real")) expect(sent).toEqual([grantRead(g)]);
      expect(await redis.exists(`oidc:{Grant:${g}}:team`)).toBe(0);
      expect(await Adapter.grantTeam(g)).toBeNull(); // read without the record: the index's "#team" (none) answers
      await Adapter.setGrantTeam(g, "team-1", t + 3600);
      expect(await withRequestMemo(async () => (await new Adapter("Grant").find(g)) && Adapter.grantTeam(g))).toBe("team-1");
    });

    // each layout a grant was stored in before: its record "^"-marked or not, its team in the key beside it, in
    // the index's "#team" or nowhere; and the team each reads
    const olderGrants = [
      { name: "marked, with its team key", marked: true, teamKey: "team-k", team: "team-k" },
      { name: "marked, with its team key saying none", marked: true, teamKey: "", team: null },
      { name: "marked, without a team key (none)", marked: true, team: null },
      { name: "unmarked, with its team key (before the index's)", marked: false, teamKey: "team-k", indexTeam: "team-i", team: "team-k" },
      { name: "unmarked, with its team key saying none", marked: false, teamKey: "", team: null },
      { name: "unmarked, with the team in the index", marked: false, indexTeam: "team-i", team: "team-i" },
      { name: "unmarked, without a team", marked: false, team: null },
    ];
    for (const older of olderGrants) {
      it(`a grant stored as a string (${older.name}) reads as before, and its next write moves it into its index`, async () => {
        t = 1_700_000_000;
        const { grantId: g, at, rt } = await grantWithTokens();
        const payload = { jti: g, kind: "Grant", clientId: "client-1", accountId: "account-1", exp: t + 3600 };
        await asOlderLayout(g, older);
        const grants = new Adapter("Grant");
        const read = () => withRequestMemo(async () => [await grants.find(g), await Adapter.grantTeam(g)]);
        expect(await read()).toEqual([payload, older.team]);
        expect(await Adapter.grantTeam(g)).toBe(older.team);
        await grants.upsert(g, { ...payload, openid: { scope: "openid email" } }, 3600);
        expect(await redis.exists(`oidc:{Grant:${g}}`, `oidc:{Grant:${g}}:team`)).toBe(0);
        expect(await redis.hget(`oidc:{grant:${g}}`, "#team")).toBe(older.team);
        expect((await redis.hkeys(`oidc:{grant:${g}}`)).filter((f) => !f.startsWith("#")).sort()).toEqual([`A${at}`, `R${rt}`].sort());
        const sent = await commandsOf(async () =>
          expect(await read()).toEqual([{ ...payload, openid: { scope: "openid email" } }, older.team]),
        );
        if (backend.name.startsWith("real")) expect(sent).toEqual([grantRead(g)]);
        expect(await Adapter.grantTeam(g)).toBe(older.team);
      });
    }

    it("a grant stored as a string: its rotated refresh token, a reused code, its end and its team's revocation", async () => {
      t = 1_700_000_000;
      const account = id("account");
      const refreshTokens = new Adapter("RefreshToken");
      const { grantId, rt } = await grantWithTokens();
      await asOlderLayout(grantId, { marked: false, teamKey: "team-k" });
      await refreshTokens.consume(rt);
      await redis.del(`oidc:{RefreshToken:${rt}}`, `oidc:{RefreshToken:${rt}}:consumed`);
      t += 10;
      expect(await refreshTokens.find(rt)).toMatchObject({ jti: rt, grantId, accountId: "account-1", clientId: "client-1" });
      await Adapter.destroyGrant(grantId);
      expect(await redis.exists(`oidc:{Grant:${grantId}}`, `oidc:{Grant:${grantId}}:team`, `oidc:{grant:${grantId}}`)).toBe(0);
      expect(await refreshTokens.find(rt)).toBeUndefined();
      // a code used twice revokes its grant, in either layout
      const reused = await grantWithTokens();
      await asOlderLayout(reused.grantId, { marked: true });
      const codes = new Adapter("AuthorizationCode");
      await codes.consume(reused.code);
      await expect(codes.consume(reused.code)).rejects.toMatchObject(invalidGrant);
      expect(await new Adapter("Grant").find(reused.grantId)).toBeUndefined();
      expect(await redis.exists(`oidc:{Grant:${reused.grantId}}`, `oidc:{grant:${reused.grantId}}`)).toBe(0);
      // leaving a team revokes the grants that speak for it, of both layouts
      const [older, newer] = [id("grant"), id("grant")];
      for (const g of [older, newer]) {
        await new Adapter("Grant").upsert(g, { jti: g, kind: "Grant", accountId: account, exp: t + 3600 }, 3600);
        await Adapter.setGrantTeam(g, "team-x", t + 3600);
      }
      await asOlderLayout(older, { marked: true, teamKey: "team-x" });
      expect(await Adapter.revokeTeamGrants(account, "team-x")).toBe(2);
      expect(await redis.exists(`oidc:{Grant:${older}}`, `oidc:{Grant:${older}}:team`, `oidc:{grant:${newer}}`)).toBe(0);
    });

    it("index members written in full ('RefreshToken:id') are revoked, left and ended like the short ones", async () => {
      t = 1_700_000_000;
      const [g, rt, at, next] = [id("grant"), id("rt"), id("at"), id("rt")];
      const [uid, jti, account] = [id("uid"), id("jti"), id("account")];
      const refreshTokens = new Adapter("RefreshToken");
      await new Adapter("Grant").upsert(g, { jti: g, kind: "Grant", exp: t + 3600, accountId: account }, 3600);
      await refreshTokens.upsert(rt, token("RefreshToken", rt, g), 3600);
      await new Adapter("AccessToken").upsert(at, token("AccessToken", at, g), 600);
      await new Adapter("Session").upsert(jti, sessionOf(uid, jti, account), 3600);
      // the indexes as the older layout wrote them
      const [grantIndex, userIndex] = [`oidc:{grant:${g}}`, `oidc:{user:${account}}`];
      await redis.del(grantIndex, userIndex);
      await redis.hset(grantIndex, `RefreshToken:${rt}`, t + 3600, `AccessToken:${at}`, t + 600);
      await redis.hset(userIndex, `Session:${jti}`, t + 3600, `Grant:${g}`, t + 3600);
      // a refresh: the old member leaves with the new one's entry
      await withRequestMemo(async () => {
        await refreshTokens.consume(rt);
        await refreshTokens.upsert(next, token("RefreshToken", next, g), 3600);
      });
      expect((await redis.hkeys(grantIndex)).sort()).toEqual([`AccessToken:${at}`, `R${next}`].sort());
      await new Adapter("AccessToken").revokeByGrantId(g);
      expect(await new Adapter("AccessToken").find(at)).toBeUndefined();
      expect(await redis.hkeys(grantIndex)).toEqual([`R${next}`]);
      expect(await Adapter.userSessionUids(account)).toEqual([uid]);
      const ended = await Adapter.endUserSessions(account);
      expect([ended.sessions, ended.grants]).toEqual([1, 1]);
      expect(await redis.hkeys(userIndex)).toEqual([]);
      expect(await new Adapter("Grant").find(g)).toBeUndefined();
      expect(await refreshTokens.find(next)).toBeUndefined();
      expect(await new Adapter("Session").find(jti)).toBeUndefined();
    });

    it("a uid key of the older layout (the record id alone) still points at its record, is alive, and ends", async () => {
      const [uid, jti, account] = [id("uid"), id("jti"), id("account")];
      const sessions = new Adapter("Session");
      await sessions.upsert(jti, sessionOf(uid, jti, account), 3600);
      await redis.set(`oidc:{uid:${uid}}`, jti, "EX", 3600);
      expect(await sessions.findByUid(uid)).toMatchObject({ jti, uid });
      expect(await Adapter.sessionsAlive([uid])).toEqual([true]);
      // a save of the session writes the new layout: the pointer and its end (no clock yet), in the new form
      const before = Math.floor(Date.now() / 1000);
      await sessions.upsert(jti, sessionOf(uid, jti, account), 3600);
      const value = (await redis.get(`oidc:{uid:${uid}}`))!;
      expect(value).toMatch(/^[^|]+\.[0-9a-z]+$/);
      const { id: pointer, end, ...clock } = decodeSessionKey(value)!;
      expect([pointer, clock]).toEqual([jti, {}]);
      expect(end).toBeGreaterThanOrEqual(before + 3600);
      expect(end).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
      await redis.set(`oidc:{uid:${uid}}`, jti, "EX", 3600);
      expect(await Adapter.endSession(uid)).toMatchObject({ accountId: account });
      expect(await redis.get(`oidc:{uid:${uid}}`)).toBeNull();
      expect(await sessions.find(jti)).toBeUndefined();
    });

    it("the uid key keeps the session's clock through a save, and its pointer ends at its own end", async () => {
      const [uid, jti, account] = [id("uid"), id("jti"), id("account")];
      const sessions = new Adapter("Session");
      const key = `oidc:{uid:${uid}}`;
      // a clock (exp, seen) that lives longer than the session
      await redis.set(key, "||1700007200|1700000000", "EX", 7200);
      await sessions.upsert(jti, sessionOf(uid, jti, account), 3600);
      const value = (await redis.get(key))!;
      const { id: pointer, end, exp, seen } = decodeSessionKey(value)!;
      expect([pointer, exp, seen]).toEqual([jti, 1700007200, 1700000000]);
      expect(value).not.toContain("|"); // rewritten in the new form
      expect(await redis.ttl(key)).toBeGreaterThan(7000); // the clock's, not the pointer's
      expect(await sessions.findByUid(uid)).toMatchObject({ jti });
      // past the pointer's end (the session's TTL) the key lives on for the clock, but points at nothing
      // (in the decimal form written before, and in the new one)
      for (const past of [`${jti}|${end! - 3601}|${exp}|${seen}`, encodeSessionKey({ id: jti, end: end! - 3601, exp, seen })]) {
        await redis.set(key, past, "EX", 7200);
        expect(await withRequestMemo(() => sessions.findByUid(uid))).toBeUndefined();
        expect(await Adapter.sessionsAlive([uid])).toEqual([false]);
      }
      expect(await Adapter.endSession(uid)).toBeNull();
    });
  });

  describe("revokeByGrantId", () => {
    it("removes only this model's records of that grant", async () => {
      t = 1_700_000_000;
      const g = id("grant");
      const g2 = id("grant");
      const accessTokens = new Adapter("AccessToken");
      const refreshTokens = new Adapter("RefreshToken");
      const [at1, at2, rt, otherAt] = [id("at"), id("at"), id("rt"), id("at")];
      await new Adapter("Grant").upsert(g, { jti: g, kind: "Grant", exp: t + 3600 }, 3600);
      await accessTokens.upsert(at1, token("AccessToken", at1, g), 600);
      await accessTokens.upsert(at2, token("AccessToken", at2, g), 600);
      await refreshTokens.upsert(rt, token("RefreshToken", rt, g), 3600);
      await accessTokens.upsert(otherAt, token("AccessToken", otherAt, g2), 600);

      await accessTokens.revokeByGrantId(g);

      expect(await accessTokens.find(at1)).toBeUndefined();
      expect(await accessTokens.find(at2)).toBeUndefined();
      expect(await refreshTokens.find(rt)).toMatchObject({ jti: rt, grantId: g });
      expect(await accessTokens.find(otherAt)).toMatchObject({ jti: otherAt, grantId: g2 });
      expect(await new Adapter("Grant").find(g)).toMatchObject({ jti: g });

      // the refresh token is still reachable through the grant
      await refreshTokens.revokeByGrantId(g);
      expect(await refreshTokens.find(rt)).toBeUndefined();
      expect(await accessTokens.find(otherAt)).toMatchObject({ jti: otherAt });
    });
  });
});
