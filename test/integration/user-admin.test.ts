// services.userAdmin against real Postgres, Redis, SMTP sink and openid-client: search and cursor pages, one
// user's details, and each action's real effect (disable ends sessions and refresh tokens and tells the relying
// party; the sign-in is refused with the generic message; enable lets them back in; the last Super Admin is
// kept; unlock, 2FA reset, sign out everywhere, the reset email, system roles), every action audited with the actor.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { tryRefresh, waitUntil } from "../helpers/sessions.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { authorizationRequest, enableTotp, manualClock, passwordStep } from "../helpers/totp-login.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("user administration service", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let receiver: http.Server;
  const logoutTokens: string[] = [];
  const clock = manualClock();
  let actor: { actorId: string; ip: string; userAgent: string; via: "admin_page" };

  beforeAll(async () => {
    sink = await startSmtpSink();
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => {
        body += d.toString();
      });
      req.on("end", () => {
        logoutTokens.push(new URLSearchParams(body).get("logout_token") ?? "");
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    t = await startTestApp({ SMTP_URL: sink.url, LOCKOUT_THRESHOLD: "3", OUTBOUND_ALLOW_PRIVATE: "true" }, { clock });
    const { clientId, clientSecret } = await t.createClient({
      name: "Admin RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      backchannelLogoutUri: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`,
    });
    rp = await discover(t.url, clientId, clientSecret);
    const admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    actor = { actorId: admin.id, ip: "203.0.113.9", userAgent: "Admin browser", via: "admin_page" };
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    await new Promise((r) => receiver?.close(r));
  });

  const ua = () => t.app.services.userAdmin;
  const eventsOf = async (userId: string, type: string) =>
    (await t.app.queries.auditEvents.listForUser(userId)).filter((e) => e.type === type);
  const signIn = (user: { email: string; password: string }, browser = new TestBrowser(t.url)) =>
    loginWithCode(rp, browser, REDIRECT, { identifier: user.email, password: user.password }).then((r) => r.tokens);
  /** the password step's answer for a fresh browser: the callback, the code page, or the refusal */
  const passwordOnly = async (identifier: string, password: string) =>
    passwordStep(new TestBrowser(t.url), (await authorizationRequest(rp, REDIRECT)).url, REDIRECT, { identifier, password });

  it("searches by part of the email or username in any case, by team and by disabled; newest first in cursor pages; safe fields only", async () => {
    const tag = `srch${Date.now().toString(36)}`;
    const a = await t.createUser({ email: `${tag}-anna@example.test`, username: `anna-${tag}` });
    const b = await t.createUser({ email: `bob-${Date.now().toString(36)}@example.test`, username: `bob.${tag}` });
    const c = await t.createUser({ email: `${tag.toUpperCase()}-Carl@Example.test`, username: `carl_${tag}` });
    const base = Date.now() - 60_000;
    for (const [i, u] of [a, b, c].entries())
      await t.app.db.prisma.user.update({ where: { id: u.id }, data: { createdAt: new Date(base + i * 1000) } });

    const all = await ua().search({ query: tag.toUpperCase(), limit: 10 }, actor);
    expect(all.outcome === "ok" && all.users.map((u) => u.id)).toEqual([c.id, b.id, a.id]);
    const first = all.outcome === "ok" ? all.users[0]! : null;
    expect(Object.keys(first!).sort()).toEqual([
      "createdAt",
      "disabled",
      "disabledAt",
      "email",
      "emailVerified",
      "id",
      "lastLoginAt",
      "name",
      "passwordChangedAt",
      "systemRole",
      "totpEnabledAt",
      "username",
    ]);
    expect(all.outcome === "ok" && all.nextCursor).toBeNull();
    // by username only (bob's email does not have the tag), and by the email's prefix
    const byName = await ua().search({ query: `BOB.${tag}`, limit: 10 }, actor);
    expect(byName.outcome === "ok" && byName.users.map((u) => u.id)).toEqual([b.id]);
    const byPrefix = await ua().search({ query: `${tag}-an`, limit: 10 }, actor);
    expect(byPrefix.outcome === "ok" && byPrefix.users.map((u) => u.id)).toEqual([a.id]);

    const page1 = await ua().search({ query: tag, limit: 2 }, actor);
    if (page1.outcome !== "ok") throw new Error(page1.outcome);
    expect(page1.users.map((u) => u.id)).toEqual([c.id, b.id]);
    const page2 = await ua().search({ query: tag, limit: 2, cursor: page1.nextCursor! }, actor);
    expect(page2.outcome === "ok" && page2.users.map((u) => u.id)).toEqual([a.id]);
    expect(page2.outcome === "ok" && page2.nextCursor).toBeNull();

    const owner = await t.createUser();
    const team = await createTeam(t, owner.id);
    await addMember(t, team, b.id);
    const inTeam = await ua().search({ teamId: team.id, limit: 10 }, actor);
    expect(inTeam.outcome === "ok" && inTeam.users.map((u) => u.id)).toEqual([owner.id, b.id]); // the owner was created last
    expect((await ua().disable(a.id, actor)).outcome).toBe("disabled");
    const disabled = await ua().search({ query: tag, disabled: true, limit: 10 }, actor);
    expect(disabled.outcome === "ok" && disabled.users.map((u) => u.id)).toEqual([a.id]);
    const enabled = await ua().search({ query: tag, disabled: false, limit: 10 }, actor);
    expect(enabled.outcome === "ok" && enabled.users.map((u) => u.id)).toEqual([c.id, b.id]);

    expect(await ua().search({ limit: 0 }, actor)).toMatchObject({ outcome: "invalid", field: "limit" });
    expect(await ua().search({ limit: 101 }, actor)).toMatchObject({ outcome: "invalid", field: "limit" });
    expect(await ua().search({ limit: 5, cursor: "not-a-cursor" }, actor)).toMatchObject({ outcome: "invalid", field: "cursor" });
    expect(await ua().search({ limit: 5, teamId: "core" }, actor)).toMatchObject({ outcome: "invalid", field: "teamId" });
    // a LIKE wildcard is a plain character
    for (const query of ["%", `${tag}_`, "\\", `${tag}%`]) {
      const wild = await ua().search({ query, limit: 5 }, actor);
      expect(wild.outcome === "ok" && wild.users).toEqual([]);
    }
    const underscore = await ua().search({ query: `carl_${tag}`, limit: 5 }, actor);
    expect(underscore.outcome === "ok" && underscore.users.map((u) => u.id)).toEqual([c.id]);
    const searched = await t.app.db.prisma.auditEvent.findMany({
      where: { type: "user.searched", actorId: actor.actorId },
      orderBy: { id: "asc" },
    });
    expect(searched.some((e) => (e.data as { query?: string }).query === tag.toLowerCase() && e.ip === actor.ip)).toBe(true);
  });

  it("views a user: profile, teams and roles, 2FA, live sessions, trusted devices, lock and recent events", async () => {
    const user = await t.createUser();
    const owner = await t.createUser();
    const team = await createTeam(t, owner.id);
    await addMember(t, team, user.id, "manager");
    await t.app.services.devices.trust(user.id, undefined, "code", {
      ip: "127.0.0.1",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    });
    await signIn(user);
    await enableTotp(t, clock, user);
    for (let i = 0; i < 3; i++) await t.app.services.lockout.recordFailure({ userId: user.id });

    const view = await ua().view(user.id, actor);
    if (view.outcome !== "ok") throw new Error(view.outcome);
    expect(view.user).toMatchObject({ id: user.id, email: user.email, disabled: false });
    expect(view.user).not.toHaveProperty("passwordHash");
    expect(view.user).not.toHaveProperty("totpSecretEncrypted");
    expect(view.teams).toEqual([{ teamId: team.id, slug: team.slug, name: team.name, role: expect.objectContaining({ key: "manager" }) }]);
    expect(view.twoFactor).toMatchObject({ enabled: true, backupCodesLeft: 10 });
    expect(view.sessions).toHaveLength(1);
    expect(view.sessions[0]!.clients).toContain(rp.clientMetadata().client_id);
    expect(view.trustedDevices).toEqual([expect.objectContaining({ label: expect.stringContaining("Firefox") })]);
    expect(view.trustedDevices[0]).not.toHaveProperty("tokenHash");
    expect(view.lock.lockedUntil).not.toBeNull();
    expect(view.lock.failures).toBe(3);
    expect(view.recentEvents.map((e) => e.type)).toContain("device.trusted");
    expect(typeof view.recentEvents[0]!.id).toBe("string");
    expect((await eventsOf(user.id, "user.viewed"))[0]).toMatchObject({ actorId: actor.actorId, ip: actor.ip, userAgent: actor.userAgent });
    expect(await ua().view("00000000-0000-4000-8000-000000000000", actor)).toEqual({ outcome: "not_found" });
    expect(await ua().view("nope", actor)).toEqual({ outcome: "not_found" });
  });

  it("disable ends every session and refresh token, tells the relying party and refuses the sign-in; enable lets them back in", async () => {
    const user = await t.createUser();
    const laptop = await signIn(user);
    const phone = await signIn(user);
    expect((await tryRefresh(rp, laptop.refresh_token!)).ok).toBe(true);
    const before = logoutTokens.length;

    const result = await ua().disable(user.id, actor);
    expect(result).toMatchObject({ outcome: "disabled", changed: true, sessions: 2 });
    expect(await tryRefresh(rp, phone.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
    const row = await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row.disabled).toBe(true);
    expect(row.disabledAt).not.toBeNull();
    const sessions = await t.app.db.prisma.userSession.findMany({ where: { userId: user.id } });
    expect(sessions.map((s) => [s.endedAt !== null, s.endReason])).toEqual([
      [true, "disabled"],
      [true, "disabled"],
    ]);
    expect(await t.app.services.sessions.listActive(user.id)).toEqual([]);
    await waitUntil(() => logoutTokens.length >= before + 2);
    expect(logoutTokens.length - before).toBe(2);

    // refused exactly like a wrong password, by email and by username
    const wrong = await passwordOnly(user.email, "not the password at all");
    for (const identifier of [user.email, user.username]) {
      const refused = await passwordOnly(identifier, user.password);
      expect(refused.status).toBe(401);
      expect(refused.html).toContain("Invalid email or password");
      expect(refused.url).not.toContain(REDIRECT);
    }
    expect(wrong.status).toBe(401);
    expect(await t.app.services.accounts.findActive(user.id)).toBeUndefined();
    expect(await eventsOf(user.id, "user.disabled")).toEqual([
      expect.objectContaining({
        outcome: "success",
        actorId: actor.actorId,
        ip: actor.ip,
        data: expect.objectContaining({ sessions: 2, changed: true }),
      }),
    ]);
    // again: nothing changes, still audited
    expect(await ua().disable(user.id, actor)).toMatchObject({ outcome: "disabled", changed: false, sessions: 0 });

    expect(await ua().enable(user.id, actor)).toEqual({ outcome: "enabled", changed: true });
    expect((await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).disabledAt).toBeNull();
    const again = await signIn(user);
    expect(again.access_token).toBeTruthy();
    expect((await tryRefresh(rp, again.refresh_token!)).ok).toBe(true);
    expect(await ua().enable(user.id, actor)).toEqual({ outcome: "enabled", changed: false });
    expect((await eventsOf(user.id, "user.enabled")).map((e) => [e.actorId, (e.data as { changed: boolean }).changed])).toEqual([
      [actor.actorId, false],
      [actor.actorId, true],
    ]);
    expect(await ua().disable("00000000-0000-4000-8000-000000000000", actor)).toEqual({ outcome: "not_found" });
  });

  it("keeps the last active Super Admin and refuses an admin disabling themself", async () => {
    const a = await t.createUser();
    const b = await t.createUser();
    await t.app.db.prisma.user.updateMany({ where: { systemRole: "super_admin" }, data: { systemRole: null } });
    await t.app.db.prisma.user.updateMany({ where: { id: { in: [a.id, b.id] } }, data: { systemRole: "super_admin" } });
    expect(await ua().disable(a.id, { actorId: a.id, via: "cli" })).toEqual({ outcome: "self" });
    expect((await ua().disable(a.id, { actorId: b.id, via: "cli" })).outcome).toBe("disabled");
    expect(await ua().disable(b.id, { actorId: "cli", via: "cli" })).toEqual({ outcome: "last_super_admin" });
    expect((await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: b.id } })).disabled).toBe(false);
    expect((await eventsOf(b.id, "user.disabled")).map((e) => [e.outcome, e.actorId, (e.data as { reason?: string }).reason])).toEqual([
      ["failure", "cli", "last_super_admin"],
    ]);
    // under parallel disables, one of two active Super Admins stays
    expect((await ua().enable(a.id, { actorId: "cli", via: "cli" })).outcome).toBe("enabled");
    const results = await Promise.all([
      ua().disable(a.id, { actorId: "cli", via: "cli" }),
      ua().disable(b.id, { actorId: "cli", via: "cli" }),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["disabled", "last_super_admin"]);
    await ua().enable(a.id, { actorId: "cli", via: "cli" });
    await ua().enable(b.id, { actorId: "cli", via: "cli" });
    await t.app.db.prisma.user.update({ where: { id: actor.actorId }, data: { systemRole: "super_admin" } });
  });

  it("unlock lifts a lock: the right password signs in again", async () => {
    const user = await t.createUser();
    for (let i = 0; i < 3; i++) await passwordOnly(user.email, `wrong password ${i}`);
    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).not.toBeNull();
    expect((await passwordOnly(user.email, user.password)).status).toBe(401);
    expect(await ua().unlock(user.id, actor)).toEqual({ outcome: "unlocked", wasLocked: true });
    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).toBeNull();
    expect((await passwordOnly(user.email, user.password)).url).toContain(REDIRECT);
    expect((await eventsOf(user.id, "user.unlocked"))[0]).toMatchObject({
      actorId: actor.actorId,
      data: { wasLockedUntil: expect.any(String) },
    });
  });

  it("reset 2FA: the password alone signs in, the backup codes are gone, the user is emailed", async () => {
    const user = await t.createUser();
    const { backupCodes } = await enableTotp(t, clock, user);
    const before = await passwordOnly(user.email, user.password);
    expect(before.url).not.toContain(REDIRECT);
    expect(before.html).toContain('name="code"');
    expect(await ua().resetTwoFactor(user.id, actor)).toEqual({ outcome: "reset", wasEnabled: true });
    expect((await passwordOnly(user.email, user.password)).url).toContain(REDIRECT);
    expect(await t.app.db.prisma.backupCode.count({ where: { userId: user.id } })).toBe(0);
    expect(backupCodes).toHaveLength(10);
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject.startsWith("Two-factor authentication changed"));
    expect(mail.text).toContain("203.0.113.9");
    expect((await eventsOf(user.id, "user.two_factor_reset"))[0]).toMatchObject({ actorId: actor.actorId, data: { wasEnabled: true } });
    expect(await ua().resetTwoFactor(user.id, actor)).toEqual({ outcome: "reset", wasEnabled: false });
  });

  it("sign out everywhere ends the sessions and refresh tokens; the account still signs in", async () => {
    const user = await t.createUser();
    const tokens = await signIn(user);
    expect(await ua().signOutEverywhere(user.id, actor)).toMatchObject({ outcome: "signed_out", sessions: 1 });
    expect(await tryRefresh(rp, tokens.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
    expect((await t.app.db.prisma.userSession.findMany({ where: { userId: user.id } })).map((s) => s.endReason)).toEqual([
      "revoked_by_admin",
    ]);
    expect((await signIn(user)).access_token).toBeTruthy();
    expect((await eventsOf(user.id, "user.signed_out_everywhere"))[0]).toMatchObject({ actorId: actor.actorId, data: { sessions: 1 } });
  });

  it("sends a password reset email the admin never sees; a disabled account gets none", async () => {
    const user = await t.createUser();
    const result = await ua().sendPasswordReset(user.id, actor);
    expect(result).toEqual({ outcome: "sent" });
    expect(JSON.stringify(result)).not.toContain("token");
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.text.includes("/reset-password?token="));
    const link = mail.text.match(/https?:\/\/\S+\/reset-password\?token=[\w-]+/)![0];
    expect((await t.app.services.passwordReset.inspect(new URL(link).searchParams.get("token")!)).outcome).toBe("valid");
    expect((await eventsOf(user.id, "user.password_reset_sent"))[0]).toMatchObject({ outcome: "success", actorId: actor.actorId });
    const events = JSON.stringify(await t.app.queries.auditEvents.listForUser(user.id), (_k, v: unknown) =>
      typeof v === "bigint" ? String(v) : v,
    );
    expect(events).not.toContain(new URL(link).searchParams.get("token")!);

    const off = await t.createUser({ email: uniqueEmail("off") });
    await ua().disable(off.id, actor);
    expect(await ua().sendPasswordReset(off.id, actor)).toEqual({ outcome: "disabled" });
    await new Promise((r) => setTimeout(r, 200));
    expect(sink.messages.some((m) => m.to.includes(off.email))).toBe(false);
  });

  it("changes the system role by the system role rules, audited with the actor", async () => {
    const user = await t.createUser();
    expect(await ua().setSystemRole(user.id, "super_admin", actor)).toEqual({ outcome: "set", previous: null });
    expect(await ua().setSystemRole(user.id, "no_such_role", actor)).toEqual({ outcome: "unknown_role" });
    expect(await ua().setSystemRole(user.id, null, actor)).toEqual({ outcome: "set", previous: "super_admin" });
    expect(await ua().setSystemRole("00000000-0000-4000-8000-000000000000", null, actor)).toEqual({ outcome: "not_found" });
    // the acting admin as the only Super Admin: they cannot take it from themself
    await t.app.db.prisma.user.updateMany({ where: { systemRole: "super_admin", id: { not: actor.actorId } }, data: { systemRole: null } });
    expect(await ua().setSystemRole(actor.actorId, null, actor)).toEqual({ outcome: "last_super_admin" });
    expect(
      (await eventsOf(user.id, "user.system_role_changed")).map((e) => [e.actorId, e.ip, (e.data as { to: string | null }).to]),
    ).toEqual([
      [actor.actorId, actor.ip, null],
      [actor.actorId, actor.ip, "super_admin"],
    ]);
    // the surface the admin acted through, on every event the use cases record
    expect((await eventsOf(user.id, "user.system_role_changed")).map((e) => (e.data as { via?: string }).via)).toEqual([
      "admin_page",
      "admin_page",
    ]);
  });
});
