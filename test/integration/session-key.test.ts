// The uid key's value in the scripts (src/services/sessions/session-key.ts LUA_FIELDS, used by activity.ts and the
// adapter's SESSION_UID_SCRIPT), on the real Redis (Lua 5.1) and on the in-process store (ioredis-mock, Lua 5.3):
// the Lua codec reads every form as the TypeScript one does and writes the same new form, and a script that writes
// the key anyway writes a value of an older form again in the new one, fields unchanged.
import { randomBytes } from "node:crypto";
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { Redis } from "ioredis";
import { createSessionActivity, type SessionActivity } from "../../src/services/sessions/activity.ts";
import {
  LUA_FIELDS,
  decodeSessionKey,
  encodeSessionKey,
  processEpoch,
  type SessionKeyFields,
} from "../../src/services/sessions/session-key.ts";
import { testRedisPrefix } from "../helpers/databases.ts";
import { REDIS_BACKENDS } from "../helpers/redis-backends.ts";

// the fields as Lua decodes them ("" for nil: a table with nils would end there), then Lua's encoding of them
const LUA_CODEC = `${LUA_FIELDS}
local f = fields(ARGV[1])
local function s(x) if x == nil then return '' end return tostring(x) end
return {s(f[1]), s(f[2]), s(f[3]), s(f[4]), encode(f[1], f[2], f[3], f[4])}`;

const recordId = () => randomBytes(32).toString("base64url");
const DAY = 86400;
const RESOLUTION = 60;

describe.each(REDIS_BACKENDS)("the uid key's value on $name", (backend) => {
  const keyPrefix = testRedisPrefix();
  let redis: Redis;
  let activity: SessionActivity;
  const key = (uid: string) => `oidc:{uid:${uid}}`;

  beforeAll(async () => {
    redis = await backend.open(keyPrefix);
    activity = createSessionActivity({ redis, resolution: RESOLUTION, idleTimeout: 3600, keepAfterEnd: 600 });
  });
  afterAll(async () => backend.close(redis, keyPrefix));

  it("the scripts' Lua reads every form as TypeScript does, and writes what encodeSessionKey writes", async () => {
    const [id, exp] = [recordId(), 1796723362];
    const values = [
      id,
      `${id}|${exp}`,
      `${id}|0`,
      `||${exp}|${exp - 60}`,
      `${id}|${exp}|${exp}|${exp - DAY}`,
      `${id}|${exp + 3}|${exp}|`,
      encodeSessionKey({ id, end: exp, exp, seen: exp - 30 * DAY }),
      encodeSessionKey({ id, end: 0, exp, seen: exp }),
      encodeSessionKey({ id, end: exp - 400 * DAY, exp, seen: exp + 35 }),
      encodeSessionKey({ id, end: exp + 400 * DAY, exp }),
      encodeSessionKey({ id: "", exp, seen: exp - 1 }),
      encodeSessionKey({ id, exp, seen: 0 }),
      encodeSessionKey({ id, end: -1, exp: -1296, seen: 35 }),
      encodeSessionKey({ id, end: 0 }),
    ];
    for (const value of values) {
      const [luaId, end, luaExp, seen, encoded] = (await redis.eval(LUA_CODEC, 0, value)) as string[];
      const fields: SessionKeyFields = { id: luaId! };
      for (const [name, field] of [
        ["end", end],
        ["exp", luaExp],
        ["seen", seen],
      ] as const)
        if (field !== "") fields[name] = Number(field);
      expect(fields, value).toEqual(decodeSessionKey(value));
      expect(encoded, value).toBe(encodeSessionKey(decodeSessionKey(value)!));
    }
  });

  it("a touch that moves `seen` writes a value of the decimal form again in the new form (same fields, same TTL)", async () => {
    const [uid, id, exp] = [recordId(), recordId(), 1_800_000_000];
    const seen = exp - DAY;
    await redis.set(key(uid), `${id}|${exp}|${exp}|${seen}`, "EX", 7200);
    // a check reads it and writes nothing
    expect(await activity.check(uid, seen + RESOLUTION)).toBe("ok");
    expect(await redis.get(key(uid))).toBe(`${id}|${exp}|${exp}|${seen}`);
    expect(await activity.touch(uid, seen + RESOLUTION)).toBe("write");
    const value = (await redis.get(key(uid)))!;
    expect(value).not.toContain("|");
    expect(value.length).toBeLessThanOrEqual(60);
    expect(decodeSessionKey(value)).toEqual({ id, end: exp, exp, seen: seen + RESOLUTION });
    expect(await redis.ttl(key(uid))).toBeGreaterThan(7100);
    // and it reads on in the new form: not due again within the resolution, idle after the timeout, past its end
    expect(await activity.touch(uid, seen + RESOLUTION + 1)).toBe("ok");
    expect(await activity.check(uid, seen + RESOLUTION + 3600)).toBe("idle");
    expect(await activity.check(uid, exp)).toBe("expired");
  });

  it('a touch reads a clock before a pointer ("||exp|seen") and writes it in the new form', async () => {
    const [uid, exp] = [recordId(), 1_800_000_000];
    await redis.set(key(uid), `||${exp}|${exp - 600}`, "EX", 7200);
    expect(await activity.touch(uid, exp - 300)).toBe("write");
    const value = (await redis.get(key(uid)))!;
    expect(value).toBe(encodeSessionKey({ id: "", exp, seen: exp - 300 }));
    expect(decodeSessionKey(value)).toEqual({ id: "", exp, seen: exp - 300 });
  });

  it("a start writes the new form over each older one, keeping the pointer and its end", async () => {
    const [id, exp, now] = [recordId(), 1_800_000_000, 1_800_000_000 - DAY];
    const ended = processEpoch() + 3600;
    const cases: [string | null, Partial<SessionKeyFields>][] = [
      [null, { id: "" }], // no key yet: a clock without a pointer
      [`${id}|${ended}`, { id, end: ended }],
      [`${id}|0`, { id, end: 0 }],
      [`${id}|${ended}|${exp - 5}|${now - 5}`, { id, end: ended }], // a clock of its own is started again
    ];
    for (const [before, pointer] of cases) {
      const uid = recordId();
      if (before) await redis.set(key(uid), before, "EX", 3600);
      await activity.start(uid, now, exp);
      const value = (await redis.get(key(uid)))!;
      expect(value, String(before)).not.toContain("|");
      expect(decodeSessionKey(value), String(before)).toEqual({ ...pointer, exp, seen: now });
    }
    // the record id alone (its end was the key's): the end is written, from the key's TTL
    const uid = recordId();
    await redis.set(key(uid), id, "EX", 3600);
    await activity.start(uid, now, exp);
    const fields = decodeSessionKey(await redis.get(key(uid)))!;
    expect(fields).toMatchObject({ id, exp, seen: now });
    expect(Math.abs(fields.end! - (processEpoch() + 3600))).toBeLessThanOrEqual(2);
  });

  it("an app clock far ahead of the process clock: a longer value, read exactly", async () => {
    const [uid, id] = [recordId(), recordId()];
    const end = processEpoch() + DAY;
    const now = end + 2 * 365 * DAY; // the app clock two years ahead
    const exp = now + 30 * DAY;
    await redis.set(key(uid), encodeSessionKey({ id, end }), "EX", DAY);
    await activity.start(uid, now, exp);
    const value = (await redis.get(key(uid)))!;
    expect(value.length).toBeGreaterThan(60);
    expect(decodeSessionKey(value)).toEqual({ id, end, exp, seen: now });
    expect(await activity.touch(uid, now + 2 * RESOLUTION)).toBe("write");
    expect(decodeSessionKey(await redis.get(key(uid)))).toEqual({ id, end, exp, seen: now + 2 * RESOLUTION });
  });
});
