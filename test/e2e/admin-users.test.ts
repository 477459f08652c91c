// The admin Users screens end to end (real Postgres, Redis, SMTP sink, openid-client; the admin signed in through
// the account pages): the list, search and team filter, cursor pages, one user's page, each action's real effect
// through the pages (disable ends sessions and refresh tokens and refuses the sign-in; enable, unlock, reset 2FA,
// sign out everywhere, the reset email, the system role), the service's refusals shown as errors, and forbidden
// access: no system role -> 403 on every route, users.read only -> sees but every POST is 403 and changes
// nothing, roles.manage missing -> no role change, CSRF missing -> 403.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { CATALOGUE } from "../../src/lib/error-catalogue.ts";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { openAccountPage, tryRefresh } from "../helpers/sessions.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { authorizationRequest, enableTotp, manualClock, passwordStep } from "../helpers/totp-login.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";

const REDIRECT = "https://rp.example.test/cb";
const decode = (s: string) =>
  s
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

describe("admin users pages", () => {
  let t: TestApp;
  let rp: client.Configuration;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  const clock = manualClock();
  let admin: { id: string; email: string; username: string; password: string };
  let adminBrowser: TestBrowser;

  /** a browser signed in through the account pages as `user` (its first page: `path`) */
  async function signedIn(user: { email: string; password: string }, path = "/admin/users"): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(t.url);
    const page = await openAccountPage(browser, t.url, path, { identifier: user.email, password: user.password });
    return { browser, page };
  }
  const userPage = (browser: TestBrowser, id: string) => browser.go(`${t.url}/admin/users/${id}`);
  /** an action through the pages: the button on the user page, then the confirmation's button when there is one */
  async function act(browser: TestBrowser, id: string, action: string, fields: Record<string, string> = {}): Promise<Page> {
    const page = await userPage(browser, id);
    expect(page.status).toBe(200);
    let result = await browser.submit(page, `/admin/users/${id}/${action}`, fields);
    if (result.html.includes('name="confirm" value="yes"')) result = await browser.submit(result, `/admin/users/${id}/${action}`, {});
    return result;
  }
  const signIn = (user: { email: string; password: string }) =>
    loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password }).then((r) => r.tokens);
  const passwordOnly = async (identifier: string, password: string) =>
    passwordStep(new TestBrowser(t.url), (await authorizationRequest(rp, REDIRECT)).url, REDIRECT, { identifier, password });
  const eventsOf = async (userId: string, type: string) =>
    (await t.app.queries.auditEvents.listForUser(userId)).filter((e) => e.type === type);
  const row = (id: string) => t.app.db.prisma.user.findUniqueOrThrow({ where: { id } });

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, LOCKOUT_THRESHOLD: "3" }, { clock });
    const { clientId, clientSecret } = await t.createClient({
      name: "Admin RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    adminBrowser = (await signedIn(admin)).browser;
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("lists users newest first with their state, searches by email or username, filters by team slug", async () => {
    const tag = `lst${Date.now().toString(36)}`;
    const a = await t.createUser({ email: `${tag}-anna@example.test`, username: `anna_${tag}` });
    const b = await t.createUser({ email: `bob-${Date.now().toString(36)}@example.test`, username: `bob_${tag}` });
    await enableTotp(t, clock, b);
    await t.app.db.prisma.user.update({ where: { id: a.id }, data: { createdAt: new Date(Date.now() - 60_000), emailVerified: false } });
    const team = await createTeam(t, admin.id);
    await addMember(t, team, b.id);

    const page = await adminBrowser.go(`${t.url}/admin/users?q=${tag.toUpperCase()}`);
    expect(page.status).toBe(200);
    const rows = [...page.html.matchAll(/<tr data-user="([^"]+)">([\s\S]*?)<\/tr>/g)];
    expect(rows.map((r) => r[1])).toEqual([b.id, a.id]);
    const cells = (html: string) => [...html.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => c[1]!.replace(/<[^>]+>/g, "").trim());
    expect(cells(rows[0]![2]!)).toEqual([b.username, b.email, "yes", "on", "no", "none", expect.stringMatching(/UTC$/)]);
    expect(cells(rows[1]![2]!)).toEqual([a.username, a.email, "no", "off", "no", "none", expect.stringMatching(/UTC$/)]);
    expect(page.html).toContain(`href="/admin/users/${a.id}"`);
    expect(page.html).toContain(`value="${tag.toUpperCase()}"`);

    // by username only (bob's email has no tag), by team
    const byName = await adminBrowser.go(`${t.url}/admin/users?q=bob_${tag}`);
    expect([...byName.html.matchAll(/data-user="([^"]+)"/g)].map((m) => m[1])).toEqual([b.id]);
    const byTeam = await adminBrowser.go(`${t.url}/admin/users?team=${team.slug}`);
    expect([...byTeam.html.matchAll(/data-user="([^"]+)"/g)].map((m) => m[1]).sort()).toEqual([admin.id, b.id].sort());
    const noTeam = await adminBrowser.go(`${t.url}/admin/users?team=no-such-team-${tag}`);
    expect(noTeam.status).toBe(400);
    expect(decode(noTeam.html)).toContain(`There is no team with the slug "no-such-team-${tag}".`);
    const none = await adminBrowser.go(`${t.url}/admin/users?q=nobody-${tag}`);
    expect(none.html).toContain("No users match.");
    expect((await t.app.queries.auditEvents.listForUser(admin.id)).length).toBeGreaterThan(0);
  });

  it("pages through with a Next page link; a bad cursor is a 400 with a message", async () => {
    const tag = `pg${Date.now().toString(36)}`;
    const made = [];
    for (let i = 0; i < 27; i++) made.push(await t.createUser({ email: `${tag}-${i}@example.test` }));
    const seen: string[] = [];
    let page = await adminBrowser.go(`${t.url}/admin/users?q=${tag}`);
    for (let hops = 0; hops < 5; hops++) {
      seen.push(...[...page.html.matchAll(/data-user="([^"]+)"/g)].map((m) => m[1]!));
      const next = /<a href="([^"]+)" rel="next">Next page<\/a>/.exec(page.html)?.[1];
      if (!next) break;
      expect(decode(next)).toContain(`q=${tag}`);
      page = await adminBrowser.go(`${t.url}${decode(next)}`);
      expect(page.html).toContain("First page");
    }
    expect(seen).toHaveLength(27);
    expect(new Set(seen)).toEqual(new Set(made.map((u) => u.id)));
    const bad = await adminBrowser.go(`${t.url}/admin/users?cursor=nonsense`);
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("This page link is not valid; start from the first page.");
  });

  it("shows one user: profile, teams and roles, 2FA, sessions, devices, lock and recent events; 404 for an unknown id", async () => {
    const user = await t.createUser();
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { name: "Dora Display" } });
    const team = await createTeam(t, user.id, `Detail team ${Date.now().toString(36)}`);
    await signedIn(user, "/account");
    await enableTotp(t, clock, user);
    await passwordOnly(user.email, "wrong password one");
    await t.app.queries.trustedDevices.trust(
      {
        userId: user.id,
        tokenHash: "a".repeat(64),
        label: "Firefox on Ubuntu",
        ip: "198.51.100.7",
        countryCode: "DE",
        expiresAt: new Date(Date.now() + 86_400_000),
      },
      null,
      new Date(),
    );

    const page = await userPage(adminBrowser, user.id);
    expect(page.status).toBe(200);
    const text = decode(page.html);
    for (const part of [
      user.username,
      user.email,
      "Dora Display",
      "verified",
      team.name,
      `(${team.slug}): Owner`,
      "on since",
      "10 backup codes left",
      "1 recent failed sign-ins",
      "not locked",
      "127.0.0.1",
      "unknown location",
      "Gatehouse account",
      "login.failed",
      "Firefox on Ubuntu",
      "198.51.100.7 (DE)",
    ]) {
      expect(text).toContain(part);
    }
    expect(page.html).toMatch(/data-session="[^"]+"/);
    expect(page.html).toContain(`<a href="/admin/teams/${team.id}">`); // a Super Admin may open the team
    expect(page.html).toContain("Disable…");
    expect(page.html).toContain("Reset two-factor…");
    expect(page.html).toContain('<option value="super_admin">');
    expect(await eventsOf(user.id, "user.viewed")).toEqual([expect.objectContaining({ actorId: admin.id })]);

    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid", user.username]) {
      const missing = await userPage(adminBrowser, id);
      expect(missing.status).toBe(404);
      expect(missing.html).toContain("There is no such user.");
    }
    // a done action redirects to the user's page with a fixed notice code, so a reload repeats nothing
    const redirect = await adminBrowser.submit(page, `/admin/users/${user.id}/unlock`, {}, { stopAt: `${t.url}/admin/users/${user.id}?` });
    expect([redirect.status, redirect.url]).toEqual([303, `${t.url}/admin/users/${user.id}?done=not_locked`]);
    const post = await adminBrowser.submit(page, `/admin/users/${user.id}/unlock`, {});
    expect([post.status, post.url]).toEqual([200, `${t.url}/admin/users/${user.id}?done=not_locked`]);
    expect(decode(post.html)).toContain("The user was not locked; the failed sign-in count starts over.");
    // only known codes and digits show anything; no text from the URL reaches the page
    const forged = await adminBrowser.go(`${t.url}/admin/users/${user.id}?done=%3Cb%3Ehi&n=%3Cscript%3E`);
    expect(forged.html).not.toContain("<b>hi");
    expect(forged.html).not.toContain("<script>");
    expect((await adminBrowser.go(`${t.url}/admin/users/${user.id}?done=signed_out&n=7x`)).html).toContain(
      "Signed out everywhere; 0 sessions ended.",
    );
    const unknownPost = await adminBrowser.go(`${t.url}/admin/users/00000000-0000-4000-8000-000000000000/unlock`, {
      init: {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
        body: new URLSearchParams({ _csrf: /name="_csrf" value="([^"]+)"/.exec(page.html)![1]! }).toString(),
      },
    });
    expect(unknownPost.status).toBe(404);
  });

  it("disable asks first, then ends sessions and refresh tokens and refuses the sign-in; enable lets them back in", async () => {
    const user = await t.createUser();
    const laptop = await signIn(user);
    const phone = await signIn(user);

    const first = await browserSubmitOnly(user.id, "disable");
    expect(first.html).toContain(`Disable ${user.username} (${user.email})?`);
    expect((await row(user.id)).disabled).toBe(false);
    const done = await adminBrowser.submit(first, `/admin/users/${user.id}/disable`, {});
    expect(done.status).toBe(200);
    expect(done.html).toContain("User disabled; 2 sessions ended.");
    expect(done.html).toContain("Enable</button>");
    expect((await row(user.id)).disabled).toBe(true);
    const listed = await adminBrowser.go(`${t.url}/admin/users?q=${encodeURIComponent(user.email)}`);
    expect(listed.html).toMatch(new RegExp(`<tr data-user="${user.id}">[\\s\\S]*?>disabled</span>`));
    for (const tokens of [laptop, phone])
      expect(await tryRefresh(rp, tokens.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
    const refused = await passwordOnly(user.email, user.password);
    expect(refused.status).toBe(401);
    expect(refused.html).toContain("Invalid email or password");
    expect(await eventsOf(user.id, "user.disabled")).toEqual([
      expect.objectContaining({
        outcome: "success",
        actorId: admin.id,
        ip: expect.any(String),
        data: expect.objectContaining({ via: "admin_page" }),
      }),
    ]);

    const enabled = await act(adminBrowser, user.id, "enable");
    expect(enabled.html).toContain("User enabled; they can sign in again.");
    expect((await row(user.id)).disabled).toBe(false);
    expect((await signIn(user)).access_token).toBeTruthy();
    expect(await eventsOf(user.id, "user.enabled")).toEqual([expect.objectContaining({ actorId: admin.id })]);
  });

  /** the first POST of an action from the user page (the confirmation page for destructive ones) */
  async function browserSubmitOnly(id: string, action: string, fields: Record<string, string> = {}): Promise<Page> {
    const page = await userPage(adminBrowser, id);
    const confirm = await adminBrowser.submit(page, `/admin/users/${id}/${action}`, fields);
    expect(confirm.status).toBe(200);
    expect(confirm.html).toContain('name="confirm" value="yes"');
    return confirm;
  }

  it("refusals show as errors: yourself, the last Super Admin, a reset for a disabled account", async () => {
    const self = await adminBrowser.go(`${t.url}/admin/users/${admin.id}`);
    expect(self.html).not.toContain(`/admin/users/${admin.id}/disable`);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(self.html)![1]!;
    const post = (path: string, fields: Record<string, string>) =>
      adminBrowser.go(`${t.url}${path}`, {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: new URLSearchParams({ _csrf: csrf, ...fields }).toString(),
        },
      });
    // the catalogue's status and words, as the API answers them (lib/error-catalogue.ts)
    const mine = await post(`/admin/users/${admin.id}/disable`, { confirm: "yes" });
    expect(mine.status).toBe(CATALOGUE["user.cannot_disable_self"].status);
    expect(mine.html).toContain(CATALOGUE["user.cannot_disable_self"].message);
    // the only Super Admin is kept (as a second admin with users.manage and roles.manage but not Super Admin)
    const role = await t.app.services.systemRoles.create({
      key: `mgr${Date.now().toString(36)}`,
      name: "User manager",
      permissions: ["gatehouse.admin.users.*", "gatehouse.admin.roles.manage"],
    });
    if (role.outcome !== "created") throw new Error(role.outcome);
    const manager = await t.createUser();
    await t.app.services.systemRoles.setUserRole(manager.id, role.role.key);
    const { browser } = await signedIn(manager);
    // a user manager cannot disable a Super Admin at all (the last one is kept from the CLI too: integration/user-admin.test.ts)
    const last = await act(browser, admin.id, "disable");
    expect(last.status).toBe(403);
    expect(last.html).toContain("holds more than yours, so you cannot do this to their account");
    // a role holding less than Super Admin cannot take it away at all; the last Super Admin cannot drop it either
    const demote = await act(browser, admin.id, "role", { role: "" });
    expect(demote.status).toBe(403);
    expect(demote.html).toContain("holds more than yours, so you cannot change it");
    const selfDemote = await post(`/admin/users/${admin.id}/role`, { role: "", confirm: "yes" });
    expect(selfDemote.status).toBe(409);
    expect(selfDemote.html).toContain(CATALOGUE["user.last_super_admin"].message);
    expect(await row(admin.id)).toMatchObject({ disabled: false, systemRole: "super_admin" });
    const unknown = await post(`/admin/users/${manager.id}/role`, { role: "no_such_role", confirm: "yes" });
    expect(unknown.status).toBe(400);
    expect(unknown.html).toContain("Choose one of the system roles, or none.");

    const off = await t.createUser();
    await t.app.services.userAdmin.disable(off.id, { actorId: admin.id, via: "admin_page" });
    const reset = await post(`/admin/users/${off.id}/password-reset`, {});
    expect(reset.status).toBe(409);
    expect(reset.html).toContain("A disabled account gets no password reset; enable it first.");
  });

  it("unlock, reset 2FA, sign out everywhere and the reset email each do what they say", async () => {
    const user = await t.createUser();
    for (let i = 0; i < 3; i++) await passwordOnly(user.email, `wrong password ${i}`);
    expect(decode((await userPage(adminBrowser, user.id)).html)).toContain("locked until");
    const unlocked = await act(adminBrowser, user.id, "unlock");
    expect(unlocked.html).toContain("User unlocked; the failed sign-in count starts over.");
    expect(await t.app.services.lockout.lockedUntil({ userId: user.id })).toBeNull();
    expect((await passwordOnly(user.email, user.password)).url).toContain(REDIRECT);

    await enableTotp(t, clock, user);
    expect((await passwordOnly(user.email, user.password)).html).toContain('name="code"');
    const confirm = await browserSubmitOnly(user.id, "reset-2fa");
    expect((await row(user.id)).totpEnabledAt).not.toBeNull();
    const reset = await adminBrowser.submit(confirm, `/admin/users/${user.id}/reset-2fa`, {});
    expect(reset.html).toContain("Two-factor authentication reset; the user was told by email.");
    expect((await passwordOnly(user.email, user.password)).url).toContain(REDIRECT);
    await sink.waitFor((m) => m.to.includes(user.email) && m.subject.startsWith("Two-factor authentication changed"));

    const tokens = await signIn(user);
    const out = await act(adminBrowser, user.id, "sign-out");
    expect(out.html).toMatch(/Signed out everywhere; [1-9]\d* sessions? ended\./);
    expect(await tryRefresh(rp, tokens.refresh_token!)).toEqual({ ok: false, error: "invalid_grant" });
    expect(await t.app.services.sessions.listActive(user.id)).toEqual([]);
    expect((await signIn(user)).access_token).toBeTruthy();

    const sent = await act(adminBrowser, user.id, "password-reset");
    expect(sent.html).toContain(`A password-reset email was sent to ${user.email}.`);
    expect(sent.html).not.toContain("reset-password?token=");
    await sink.waitFor((m) => m.to.includes(user.email) && m.text.includes("/reset-password?token="));
    for (const type of ["user.unlocked", "user.two_factor_reset", "user.signed_out_everywhere", "user.password_reset_sent"]) {
      expect(await eventsOf(user.id, type)).toEqual([
        expect.objectContaining({ outcome: "success", actorId: admin.id, data: expect.objectContaining({ via: "admin_page" }) }),
      ]);
    }
  });

  it("changes the system role after a confirmation; none takes it away", async () => {
    const user = await t.createUser();
    const confirm = await browserSubmitOnly(user.id, "role", { role: "super_admin" });
    expect(confirm.html).toContain("Give");
    expect((await row(user.id)).systemRole).toBeNull();
    const set = await adminBrowser.submit(confirm, `/admin/users/${user.id}/role`, {});
    expect(set.html).toContain("System role changed to Super Admin.");
    expect((await row(user.id)).systemRole).toBe("super_admin");
    const removed = await act(adminBrowser, user.id, "role", { role: "" });
    expect(removed.html).toContain("System role removed.");
    expect((await row(user.id)).systemRole).toBeNull();
    expect((await eventsOf(user.id, "user.system_role_changed")).map((e) => (e.data as { via?: string }).via)).toEqual([
      "admin_page",
      "admin_page",
    ]);
    expect((await eventsOf(user.id, "user.system_role_changed")).map((e) => [e.actorId, (e.data as { to: string | null }).to])).toEqual([
      [admin.id, null],
      [admin.id, "super_admin"],
    ]);
  });

  it("forbidden: no system role -> 403 on every route; users.read only sees but every POST is 403; no roles.manage -> no role change; no CSRF -> 403", async () => {
    const target = await t.createUser();
    const tokens = await signIn(target);
    const actions = ["disable", "enable", "unlock", "reset-2fa", "sign-out", "password-reset", "role"];
    const postAs = (browser: TestBrowser, action: string, csrf = "x") =>
      browser.go(`${t.url}/admin/users/${target.id}/${action}`, {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: new URLSearchParams({ _csrf: csrf, confirm: "yes", role: "super_admin" }).toString(),
        },
      });
    const unchanged = async () => {
      expect(await row(target.id)).toMatchObject({ disabled: false, systemRole: null });
      expect((await tryRefresh(rp, tokens.refresh_token!)).ok).toBe(true);
      const changes = (await t.app.queries.auditEvents.listForUser(target.id)).filter(
        (e) => e.type.startsWith("user.") && e.type !== "user.viewed",
      );
      expect(changes).toEqual([]);
    };

    const nobody = (await signedIn(await t.createUser(), "/account")).browser;
    for (const path of ["/admin/users", `/admin/users/${target.id}`, "/admin/users?q=a"])
      expect((await nobody.go(`${t.url}${path}`)).status).toBe(403);
    for (const action of actions) expect((await postAs(nobody, action)).status).toBe(403);
    // not signed in: to the login page
    const anonymous = await new TestBrowser(t.url).request(`${t.url}/admin/users`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/login/);

    const reader = await t.app.services.systemRoles.create({
      key: `rd${Date.now().toString(36)}`,
      name: "User reader",
      permissions: ["gatehouse.admin.users.read"],
    });
    if (reader.outcome !== "created") throw new Error(reader.outcome);
    const readerUser = await t.createUser();
    await t.app.services.systemRoles.setUserRole(readerUser.id, reader.role.key);
    const { browser: readerBrowser } = await signedIn(readerUser);
    expect((await readerBrowser.go(`${t.url}/admin/users`)).status).toBe(200);
    const seen = await userPage(readerBrowser, target.id);
    expect(seen.status).toBe(200);
    expect(seen.html).toContain(target.email);
    expect(seen.html).not.toContain('<form class="inline-form" method="post"');
    // with a valid token from a page that has one (the admin's), still 403
    const adminCsrf = /name="_csrf" value="([^"]+)"/.exec((await userPage(adminBrowser, target.id)).html)![1]!;
    for (const action of actions) expect((await postAs(readerBrowser, action, adminCsrf)).status).toBe(403);

    const manager = await t.app.services.systemRoles.create({
      key: `um${Date.now().toString(36)}`,
      name: "User admin",
      permissions: ["gatehouse.admin.users.*"],
    });
    if (manager.outcome !== "created") throw new Error(manager.outcome);
    const managerUser = await t.createUser();
    await t.app.services.systemRoles.setUserRole(managerUser.id, manager.role.key);
    const { browser: managerBrowser } = await signedIn(managerUser);
    const managerPage = await userPage(managerBrowser, target.id);
    expect(managerPage.html).toContain("Disable…");
    expect(managerPage.html).not.toContain(`/admin/users/${target.id}/role`);
    const managerCsrf = /name="_csrf" value="([^"]+)"/.exec(managerPage.html)![1]!;
    const noRoles = await postAs(managerBrowser, "role", managerCsrf);
    expect(noRoles.status).toBe(403);
    expect(noRoles.html).toContain("Changing a system role needs the permission to manage roles.");

    // CSRF: missing or wrong -> 403, from the Super Admin too
    for (const action of actions) {
      const res = await adminBrowser.go(`${t.url}/admin/users/${target.id}/${action}`, {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: new URLSearchParams({ confirm: "yes", role: "super_admin" }).toString(),
        },
      });
      expect(res.status).toBe(403);
    }
    expect((await postAs(adminBrowser, "disable", "forged")).status).toBe(403);
    // never acts on GET
    expect((await adminBrowser.go(`${t.url}/admin/users/${target.id}/disable`)).status).toBe(405);
    await unchanged();
  });
});
