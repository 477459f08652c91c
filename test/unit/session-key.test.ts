// The value of a session uid's key (src/services/sessions/session-key.ts): the new, shorter form reads back exactly
// whatever its fields (an end of 0, no clock, an app clock ahead of or behind the process clock), a session's value
// stays within 60 characters (the 64-byte allocation), and every form written before still reads as it did. The
// Lua codec the scripts use is checked against this one in test/integration/session-key.test.ts (on Redis, Lua 5.1,
// and on the in-process store, Lua 5.3).
import { randomBytes } from "node:crypto";
import { describe, it, expect } from "vitest";
import {
  decodeSessionKey,
  encodeSessionKey,
  sessionPointer,
  sessionPointerId,
  type SessionKeyFields,
} from "../../src/services/sessions/session-key.ts";

const id = "uAdPF2vy3rFGqtvtmLHn7FmCaruaB0nU32FC4zLIjMX"; // a record id: 43 characters of base64url
const exp = 1796723362;
const DAY = 86400;
const recordId = () => randomBytes(32).toString("base64url");

describe("the uid key's value, new form", () => {
  it("reads back exactly: a session, with the fields of its usual value", () => {
    const fields = { id, end: exp, exp, seen: exp - DAY };
    const value = encodeSessionKey(fields);
    expect(value).toBe(`${id}.tpq0ma..1uo0`);
    expect(decodeSessionKey(value)).toEqual(fields);
  });

  it("reads back exactly: edge values (end 0, no clock, no pointer, no activity, clocks apart, negatives)", () => {
    const cases: SessionKeyFields[] = [
      { id, end: 0, exp, seen: exp - 5 }, // a pointer without end, with a clock
      { id, end: 0 }, // a pointer without end, no clock
      { id, end: exp }, // no clock
      { id }, // the record id alone: its end is the key's
      { id: "", exp, seen: exp - 30 * DAY }, // a clock before a pointer
      { id, exp, seen: exp }, // a clock beside a pointer of unknown end
      { id, end: exp, exp }, // no activity recorded
      { id: "", end: 7, exp, seen: 1 },
      { id, end: exp - 400 * DAY, exp, seen: exp - DAY }, // the app clock ahead of the process clock
      { id, end: exp + 400 * DAY, exp, seen: exp - DAY }, // behind
      { id, end: exp + 1, exp, seen: exp + 35 }, // activity after the end
      { id, end: 0, exp: 0, seen: 0 },
      { id, end: -5, exp: -36, seen: -1 },
      { id: "-_-_", end: 2 ** 40, exp: 1, seen: 2 ** 41 },
    ];
    for (const fields of cases) {
      const value = encodeSessionKey(fields);
      expect(value).not.toContain("|");
      expect(decodeSessionKey(value), value).toEqual(fields);
    }
  });

  it("reads back exactly: many random values", () => {
    const some = (n: number) => (Math.random() < 0.2 ? undefined : Math.floor((Math.random() - 0.3) * n));
    for (let i = 0; i < 2000; i++) {
      const fields: SessionKeyFields = { id: Math.random() < 0.1 ? "" : recordId() };
      const [end, expAt, seen] = [some(2 ** 34), some(2 ** 34), some(2 ** 34)];
      if (end !== undefined) fields.end = end;
      if (expAt !== undefined) fields.exp = expAt;
      if (expAt !== undefined && seen !== undefined) fields.seen = seen;
      if (!fields.id && Object.keys(fields).length === 1) continue; // nothing to store
      expect(decodeSessionKey(encodeSessionKey(fields))).toEqual(fields);
    }
  });

  it("a session's value is at most 60 characters (a day, or 30 with Remember me), also after 2038", () => {
    for (const ttl of [DAY, 30 * DAY]) {
      for (const at of [exp, 2 ** 31 + 5, 36 ** 6 + 5, 36 ** 7 - 1]) {
        for (const seen of [at - ttl, at - ttl + 1, at - 3600, at - 1, at]) {
          // the pointer's end as the session's, or a few seconds apart (the hosts' clocks and Redis' a little apart)
          for (const skew of [0, 1, -1, 35, -35]) {
            const value = encodeSessionKey({ id: recordId(), end: at + skew, exp: at, seen });
            expect(value.length, value).toBeLessThanOrEqual(60);
          }
        }
      }
    }
    // the decimal form of the same was 76
    expect(`${id}|${exp}|${exp}|${exp - DAY}`).toHaveLength(76);
  });

  it("is told apart from a record id alone and from the decimal form", () => {
    expect(decodeSessionKey(`${id}.tpq0ma`)).toEqual({ id, end: exp });
    expect(decodeSessionKey(id)).toEqual({ id });
    expect(decodeSessionKey("abc123")).toEqual({ id: "abc123" }); // a record id that looks like a number
    expect(decodeSessionKey(`${id}|${exp}`)).toEqual({ id, end: exp });
  });
});

describe("the uid key's value, forms written before", () => {
  it("each reads as it did", () => {
    expect(decodeSessionKey(id)).toEqual({ id });
    expect(decodeSessionKey(`||${exp}|${exp - 60}`)).toEqual({ id: "", exp, seen: exp - 60 });
    expect(decodeSessionKey(`${id}|${exp}`)).toEqual({ id, end: exp });
    expect(decodeSessionKey(`${id}|0`)).toEqual({ id, end: 0 });
    expect(decodeSessionKey(`${id}|${exp}|${exp}|${exp - DAY}`)).toEqual({ id, end: exp, exp, seen: exp - DAY });
    expect(decodeSessionKey(`${id}|${exp + 9}|${exp}|`)).toEqual({ id, end: exp + 9, exp });
    expect(decodeSessionKey(null)).toBeNull();
    expect(decodeSessionKey("")).toBeNull();
  });

  it("is written again in the new form with the same fields", () => {
    for (const old of [id, `||${exp}|${exp - 60}`, `${id}|${exp}`, `${id}|0|${exp}|${exp - 1}`, `${id}|${exp}|${exp + 7}|${exp}`]) {
      const fields = decodeSessionKey(old)!;
      expect(decodeSessionKey(encodeSessionKey(fields))).toEqual(fields);
    }
  });
});

describe("the pointer in a value of any form", () => {
  const now = 1_800_000_000;
  it("points at its record until its end (0 or none: no end of its own)", () => {
    const forms = (end: number) => [
      `${id}|${end}`,
      `${id}|${end}|${exp}|${exp}`,
      encodeSessionKey({ id, end }),
      encodeSessionKey({ id, end, exp, seen: exp }),
    ];
    for (const value of forms(now + 1)) expect(sessionPointer(value, now), value).toBe(id);
    for (const value of forms(now)) expect(sessionPointer(value, now), value).toBeNull();
    for (const value of forms(0)) expect(sessionPointer(value, now), value).toBe(id);
    expect(sessionPointer(id, now)).toBe(id);
    expect(sessionPointer(encodeSessionKey({ id, exp, seen: exp }), now)).toBe(id);
    for (const value of [`||${exp}|${exp}`, encodeSessionKey({ id: "", exp, seen: exp }), null, ""])
      expect(sessionPointer(value, now)).toBeNull();
  });

  it("names its record whether or not it has ended", () => {
    for (const value of [id, `${id}|1`, `${id}|1|${exp}|${exp}`, encodeSessionKey({ id, end: 1 }), encodeSessionKey({ id, end: 1, exp })])
      expect(sessionPointerId(value)).toBe(id);
    for (const value of [`||${exp}|${exp}`, encodeSessionKey({ id: "", exp, seen: exp }), null]) expect(sessionPointerId(value)).toBeNull();
  });
});
