// The login gates as a whole: a login waiting at a gate (here the device code page) may only go on while the
// account is still active and its password unchanged since the password step; a password reset or change,
// or disabling the account, while it waits ends that login (it must start again), even with the right code.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { atCodePage, enterDeviceCode, startDeviceEnv, type DeviceEnv } from "../helpers/device-flow.ts";
import { twoTeamUser } from "../helpers/team-flow.ts";

describe("a login waiting at a gate", () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("always");
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  it("goes on with the right code while nothing changed", async () => {
    const { browser, page, code } = await atCodePage(env);
    const after = await enterDeviceCode(browser, page, "https://rp.example.test/callback", code);
    expect(new URL(after.url).searchParams.get("code")).toBeTruthy();
  });

  it("a gate page opened again once the login moved on sends the browser where it waits now", async () => {
    const { user } = await twoTeamUser(env.t);
    const { browser, page, code } = await atCodePage(env, user);
    const teamPage = await enterDeviceCode(browser, page, "https://rp.example.test/callback", code);
    expect(new URL(teamPage.url).pathname).toMatch(/\/interaction\/[\w-]+\/team$/);
    const again = await browser.go(page.url);
    expect(again.url).toBe(teamPage.url);
    expect(again.html).toContain('name="team"');
  });

  it("must start again when the password changed while it waited", async () => {
    const { t, clock } = env;
    const { user, browser, page, code } = await atCodePage(env);
    clock.advance(2);
    const hash = await t.app.services.passwords.hash("another long passphrase 2026");
    await t.app.queries.credentials.setPassword(user.id, hash, t.app.clock.now(), 5);
    const after = await enterDeviceCode(browser, page, "https://rp.example.test/callback", code);
    expect(after.status).toBe(400);
    expect(after.html).toContain("Start again and enter your password");
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "login.succeeded" } })).toBe(0);
  });

  it("must start again when the account was disabled while it waited", async () => {
    const { t } = env;
    const { user, browser, page, code } = await atCodePage(env);
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { disabled: true, disabledAt: new Date() } });
    const after = await enterDeviceCode(browser, page, "https://rp.example.test/callback", code);
    expect(after.status).toBe(400);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "login.succeeded" } })).toBe(0);
  });
});
