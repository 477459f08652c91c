// A refresh token's record without what its grant says (src/oidc/refresh-token-records.ts), against the real Redis
// and the in-process store: written compact only when the request holds its grant and it says the same, read back
// exactly (filled in from the grant), absent without its grant, its reuse still caught, and no more round trips.
import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Redis } from "ioredis";
import { errors, type AdapterPayload } from "oidc-provider";
import { createRedisAdapterFactory } from "../../src/oidc/redis-adapter.ts";
import type { Clock } from "../../src/lib/clock.ts";
import { withRequestMemo } from "../../src/lib/request-memo.ts";
import { testRedisPrefix } from "../helpers/databases.ts";
import { REDIS_BACKENDS } from "../helpers/redis-backends.ts";

const id = (label: string) => `${label}-${randomBytes(12).toString("hex")}`;

describe.each(REDIS_BACKENDS)("refresh token records on $name", (backend) => {
  const keyPrefix = testRedisPrefix();
  let redis: Redis;
  let t = Math.floor(Date.now() / 1000);
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

  const SCOPE = "openid offline_access";
  const grantOf = (g: string, extra: Record<string, unknown> = {}): AdapterPayload => ({
    jti: g,
    kind: "Grant",
    clientId: "client-1",
    accountId: "account-1",
    openid: { scope: SCOPE },
    exp: t + 3600,
    ...extra,
  });
  const refreshToken = (jti: string, grantId: string, extra: Record<string, unknown> = {}): AdapterPayload => ({
    jti,
    kind: "RefreshToken",
    grantId,
    clientId: "client-1",
    accountId: "account-1",
    scope: SCOPE,
    iat: t,
    exp: t + 600,
    sessionUid: "uid-1",
    ...extra,
  });
  const stored = async (rt: string) => (await redis.get(`oidc:{RefreshToken:${rt}}`))!;
  const newGrant = async (extra: Record<string, unknown> = {}) => {
    const g = id("grant");
    await new Adapter("Grant").upsert(g, grantOf(g, extra), 3600);
    return g;
  };
  /** writes the refresh token in a request that read its grant first (as oidc-provider's token endpoint does) */
  const writeKnowingGrant = (rt: string, payload: AdapterPayload) =>
    withRequestMemo(async () => {
      await new Adapter("Grant").find(payload.grantId as string);
      await new Adapter("RefreshToken").upsert(rt, payload, 600);
    });
  /** the commands the adapter's client sends while `fn` runs (the in-process store answers without sendCommand) */
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

  it("is written without account, client and scope when the request holds its grant, and reads back exactly", async () => {
    atTokenEndpoint = false;
    const g = await newGrant();
    const rt = id("rt");
    await writeKnowingGrant(rt, refreshToken(rt, g));
    const text = await stored(rt);
    for (const left of ["client-1", "account-1", `"W"`, `"s"`]) expect(text).not.toContain(left);
    expect(text).toContain(`"F":2`); // the first 2 words of the grant's scope
    expect(await new Adapter("RefreshToken").find(rt)).toEqual(refreshToken(rt, g));
    expect(await withRequestMemo(() => new Adapter("RefreshToken").find(rt))).toEqual(refreshToken(rt, g));
    // a grant written (not read) in the request is held as well
    const written = id("grant");
    const next = id("rt");
    await withRequestMemo(async () => {
      await new Adapter("Grant").upsert(written, grantOf(written), 3600);
      await new Adapter("RefreshToken").upsert(next, refreshToken(next, written), 600);
    });
    expect(await stored(next)).not.toContain("client-1");
    expect(await new Adapter("RefreshToken").find(next)).toEqual(refreshToken(next, written));
  });

  it("is written in full when the grant is not known in the request, or says something else", async () => {
    atTokenEndpoint = false;
    const g = await newGrant();
    const full = async (rt: string, payload: AdapterPayload) => {
      const text = await stored(rt);
      expect(text).toContain(`"c":"${payload.clientId as string}"`);
      expect(text).not.toContain(`"F"`);
      expect(await new Adapter("RefreshToken").find(rt)).toEqual(payload);
    };
    const [outside, unread, otherAccount, otherClient] = [id("rt"), id("rt"), id("rt"), id("rt")];
    await new Adapter("RefreshToken").upsert(outside, refreshToken(outside, g), 600); // no request
    await full(outside, refreshToken(outside, g));
    await withRequestMemo(() => new Adapter("RefreshToken").upsert(unread, refreshToken(unread, g), 600)); // grant not read
    await full(unread, refreshToken(unread, g));
    await writeKnowingGrant(otherAccount, refreshToken(otherAccount, g, { accountId: "account-2" }));
    await full(otherAccount, refreshToken(otherAccount, g, { accountId: "account-2" }));
    await writeKnowingGrant(otherClient, refreshToken(otherClient, g, { clientId: "client-2" }));
    await full(otherClient, refreshToken(otherClient, g, { clientId: "client-2" }));
    // a scope that is not the grant's (nor its first words) stays in the record, account and client do not
    for (const scope of ["openid email", "offline_access", "openid offline_access email", undefined]) {
      const rt = id("rt");
      await writeKnowingGrant(rt, refreshToken(rt, g, { scope }));
      expect(await stored(rt)).not.toContain("client-1");
      expect(await new Adapter("RefreshToken").find(rt)).toEqual(refreshToken(rt, g, { scope }));
    }
    // the first words of the grant's scope are left out as well
    const first = id("rt");
    await writeKnowingGrant(first, refreshToken(first, g, { scope: "openid" }));
    expect(await stored(first)).toContain(`"F":1`);
    expect(await new Adapter("RefreshToken").find(first)).toEqual(refreshToken(first, g, { scope: "openid" }));
  });

  it("a record written in full before still reads as it did", async () => {
    atTokenEndpoint = false;
    const g = await newGrant();
    const [plain, compact] = [id("rt"), id("rt")];
    await redis.set(`oidc:{RefreshToken:${plain}}`, JSON.stringify(refreshToken(plain, g)), "EX", 600);
    await redis.set(
      `oidc:{RefreshToken:${compact}}`,
      `~{"I":${t},"X":600,"g":"${g}","a":"account-1","s":"${SCOPE}","u":"uid-1","c":"client-1"}`,
      "EX",
      600,
    );
    expect(await withRequestMemo(() => new Adapter("RefreshToken").find(plain))).toEqual(refreshToken(plain, g));
    expect(await withRequestMemo(() => new Adapter("RefreshToken").find(compact))).toEqual(refreshToken(compact, g));
    // with its grant gone, a record in full reads as before (oidc-provider then refuses it for its grant)
    await new Adapter("Grant").destroy(g);
    expect(await new Adapter("RefreshToken").find(plain)).toEqual(refreshToken(plain, g));
  });

  it("reads as absent when its grant is gone or past its expiry; a grant widened later gives it its own scope", async () => {
    atTokenEndpoint = false;
    const [gone, expiring, widened] = [await newGrant(), await newGrant({ exp: t + 60 }), await newGrant()];
    const [a, b, c] = [id("rt"), id("rt"), id("rt")];
    await writeKnowingGrant(a, refreshToken(a, gone));
    await writeKnowingGrant(b, refreshToken(b, expiring));
    await writeKnowingGrant(c, refreshToken(c, widened));
    await new Adapter("Grant").destroy(gone);
    expect(await redis.exists(`oidc:{RefreshToken:${a}}`)).toBe(1);
    expect(await new Adapter("RefreshToken").find(a)).toBeUndefined();
    expect(await new Adapter("RefreshToken").find(b)).toMatchObject({ jti: b, clientId: "client-1" });
    t += 61;
    try {
      expect(await new Adapter("RefreshToken").find(b)).toBeUndefined();
    } finally {
      t -= 61;
    }
    // a later authorization adds a scope to the grant (appended: addOIDCScope); the token keeps the scope it had
    await new Adapter("Grant").upsert(widened, grantOf(widened, { openid: { scope: `${SCOPE} email` } }), 3600);
    expect(await new Adapter("RefreshToken").find(c)).toEqual(refreshToken(c, widened));
  });

  it("a rotated token's reuse still reads with its grant's account and client, and revokes the grant", async () => {
    const g = await newGrant();
    const [old, next, at] = [id("rt"), id("rt"), id("at")];
    await writeKnowingGrant(old, refreshToken(old, g));
    await new Adapter("AccessToken").upsert(at, { jti: at, kind: "AccessToken", grantId: g, exp: t + 600 }, 600);
    // the refresh: found, consumed, its successor saved, all in one request
    atTokenEndpoint = true;
    await withRequestMemo(async () => {
      const found = await new Adapter("RefreshToken").find(old);
      expect(found).toEqual(refreshToken(old, g));
      await new Adapter("Grant").find(g);
      await new Adapter("RefreshToken").consume(old);
      await new Adapter("RefreshToken").upsert(next, refreshToken(next, g, { rotations: 1 }), 600);
    });
    expect(await stored(old)).not.toContain("client-1"); // the rotated record keeps its letter
    expect(await stored(next)).not.toContain("client-1");
    // within the grace window at the token endpoint: a concurrent refresh, refused without revoking
    await expect(withRequestMemo(() => new Adapter("RefreshToken").find(old))).rejects.toBeInstanceOf(errors.InvalidGrant);
    expect(await new Adapter("Grant").find(g)).toMatchObject({ jti: g });
    // past it: found consumed, with the client oidc-provider compares before it revokes the grant
    const issued = refreshToken(old, g);
    t += 6;
    try {
      const reused = await withRequestMemo(() => new Adapter("RefreshToken").find(old));
      expect(reused).toEqual({ ...issued, consumed: t - 6 });
      const replay = new Adapter("RefreshToken").consume(old);
      await expect(replay).rejects.toBeInstanceOf(errors.InvalidGrant);
      expect(await new Adapter("Grant").find(g)).toBeUndefined();
      expect(await new Adapter("AccessToken").find(at)).toBeUndefined();
      expect(await new Adapter("RefreshToken").find(next)).toBeUndefined();
    } finally {
      t -= 6;
    }
  });

  it("the Grant.find after the refresh token's find costs no Redis command", async () => {
    atTokenEndpoint = false;
    const g = await newGrant();
    const rt = id("rt");
    await writeKnowingGrant(rt, refreshToken(rt, g));
    expect(await stored(rt)).toContain(`"F":2`);
    const sent = await commandsOf(() =>
      withRequestMemo(async () => {
        expect(await new Adapter("RefreshToken").find(rt)).toEqual(refreshToken(rt, g));
        expect(await new Adapter("Grant").find(g)).toEqual(grantOf(g));
        expect(await Adapter.grantTeam(g)).toBeNull(); // the team was read with it (grant-team.ts)
      }),
    );
    if (backend.real)
      expect(sent.map((c) => c.split(" ").slice(0, 2).join(" "))).toEqual([`mget oidc:{RefreshToken:${rt}}`, `hmget oidc:{grant:${g}}`]);
    // a destroy of the grant in the request drops what it held, a write replaces it
    await withRequestMemo(async () => {
      await new Adapter("Grant").find(g);
      await new Adapter("Grant").upsert(g, grantOf(g, { openid: { scope: `${SCOPE} email` } }), 3600);
      expect(await new Adapter("Grant").find(g)).toEqual(grantOf(g, { openid: { scope: `${SCOPE} email` } }));
      await new Adapter("Grant").destroy(g);
      expect(await new Adapter("Grant").find(g)).toBeUndefined();
      expect(await new Adapter("RefreshToken").find(rt)).toBeUndefined();
    });
  });
});
