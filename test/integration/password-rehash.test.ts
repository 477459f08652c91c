// When the configured argon2 parameters change, a successful login re-hashes the password with the new ones.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import argon2 from "argon2";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("rehash on login", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ARGON2_TIME_COST: "3" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("upgrades a hash made with older parameters, and the password still works afterwards", async () => {
    const user = await t.createUser();
    const old = await argon2.hash(user.password, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: old } });
    const { clientId, clientSecret } = await t.createClient({
      name: "RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    const rp = await discover(t.url, clientId, clientSecret);
    await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password });
    const stored = (await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).passwordHash!;
    expect(stored).not.toBe(old);
    expect(stored).toMatch(/t=3/);
    await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.username, password: user.password });
  });
});
