// Asking for a magic link answers before the email of an existing account is prepared and queued (that work runs
// after the answer, tracked until queued), so the answer takes as long whether or not the address has an account;
// a failure to queue is logged, never thrown at the asker. Pure logic on ioredis-mock with stand-ins for the rest.
import { describe, it, expect } from "vitest";
import type { RedisClient } from "../../src/db/redis.ts";
import { createMagicLinks } from "../../src/services/magic-links/index.ts";
import type { User } from "../../src/queries/users.ts";

async function setup(mail: () => Promise<unknown>) {
  const { default: RedisMock } = await import("ioredis-mock");
  const redis = new RedisMock({ keyPrefix: `magic-${Math.random()}:` }) as unknown as RedisClient;
  const user = { id: "u1", email: "ann@example.test", disabled: false } as unknown as User;
  const warnings: string[] = [];
  const audits: string[] = [];
  const links = createMagicLinks({
    redis,
    clock: { now: () => new Date(1_800_000_000_000), epoch: () => 1_800_000_000 },
    random: { int: () => 0 },
    issuer: "https://id.example.test",
    audit: {
      record: async (e: { type: string }) => {
        audits.push(e.type);
      },
    } as never,
    users: { findByEmailNormalized: async (email: string) => (email === "ann@example.test" ? user : null) },
    notifications: { magicLink: mail },
    log: {
      warn: (_o: unknown, msg: string) => {
        warnings.push(msg);
      },
    } as never,
  });
  return { links, warnings, audits };
}
const request = { ip: "192.0.2.1", userAgent: "test" };

describe("asking for a magic link", () => {
  it("answers before the existing account's email is queued; settled() waits for it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let queued = false;
    const { links, audits } = await setup(async () => {
      await gate;
      queued = true;
    });
    const answer = await links.request({ uid: "i1", email: "ann@example.test", remember: false, request });
    expect(answer.browser).toMatch(/^[\w-]{43}$/);
    expect(queued).toBe(false); // answered while the mail waits behind the gate
    expect(audits).toEqual(["magic_link.requested"]);
    let settled = false;
    const done = links.settled().then(() => {
      settled = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    await done;
    expect(queued).toBe(true);
  });

  it("an unknown address gets the same answer and no email; a failure to queue is logged, not thrown", async () => {
    let mails = 0;
    const quiet = await setup(async () => {
      mails++;
    });
    expect((await quiet.links.request({ uid: "i2", email: "nobody@example.test", remember: false, request })).browser).toMatch(
      /^[\w-]{43}$/,
    );
    await quiet.links.settled();
    expect(mails).toBe(0);

    const failing = await setup(async () => {
      throw new Error("outbox down");
    });
    await expect(failing.links.request({ uid: "i3", email: "ann@example.test", remember: false, request })).resolves.toMatchObject({
      browser: expect.any(String),
    });
    await failing.links.settled();
    expect(failing.warnings).toEqual(["magic link: the email could not be queued"]);
  });
});
