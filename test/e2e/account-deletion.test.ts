// "Delete my account" (#21 item 1, no grace period) through the real pages and the REST API, with openid-client as
// a relying party that has a back-channel logout URI: after the deletion its refresh token, the access token at
// userinfo and the SSO session all fail, it received a logout token, the confirmation email went out, the audit
// events about the user are pseudonymised (item 3), a team where they were alone is gone, and the address
// registers again. Bad input changes nothing: no or a wrong password, a stale or another user's CSRF token, the
// Owner of a team with other members, the last Super Admin; two deletions in parallel delete once.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import * as client from "openid-client";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { apiClient } from "../helpers/api.ts";
import { csrfTokenFor } from "../helpers/admin-csrf.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";

const REDIRECT = "https://rp.example.test/callback";

describe("deleting my own account", () => {
  let t: TestApp;
  let sink: SmtpSink;
  let receiver: http.Server;
  const received: string[] = [];
  let rp: client.Configuration;
  let api: Awaited<ReturnType<typeof apiClient>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d: Buffer) => {
        body += d.toString();
      });
      req.on("end", () => {
        received.push(new URLSearchParams(body).get("logout_token") ?? "");
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    t = await startTestApp({ SMTP_URL: sink.url, OUTBOUND_ALLOW_PRIVATE: "true", OUTBOX_POLL_MS: "100" });
    const { clientId, clientSecret } = await t.createClient({
      name: "Deletion RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      grantTypes: ["authorization_code", "refresh_token"],
      backchannelLogoutUri: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/backchannel`,
    });
    rp = await discover(t.url, clientId, clientSecret);
    api = await apiClient(t);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
    await new Promise((r) => receiver.close(r));
  });

  const dataPage = async (browser: TestBrowser, user: { email: string; password: string }): Promise<Page> => {
    const login = await browser.go(`${t.url}/login?return_to=/account/data`);
    return login.html.includes('name="password"') && login.url.includes("/interaction/")
      ? browser.submit(login, "/login", { identifier: user.email, password: user.password })
      : login;
  };
  const userRow = (id: string) => t.app.db.prisma.user.findUnique({ where: { id } });

  it("refuses without the password, with a wrong one, and with a stale or another user's CSRF token, changing nothing", async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    const browser = new TestBrowser(t.url);
    const page = await dataPage(browser, user);
    expect(page.html).toContain("Delete my account");
    expect((await browser.submit(page, "/account/delete", { password: "" })).status).toBe(400);
    const wrong = await browser.submit(page, "/account/delete", { password: "not my password at all" });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain("That is not your current password. Nothing was deleted.");
    // a token from another browser (stale: not this browser's cookie) and one bound to another user's form
    const stale = await browser.submit(page, "/account/delete", { password: user.password, _csrf: "x".repeat(43) });
    expect(stale.status).toBe(403);
    const othersToken = await csrfTokenFor(t, browser, `account-delete:${other.id}`);
    expect((await browser.submit(page, "/account/delete", { password: user.password, _csrf: othersToken })).status).toBe(403);
    expect(await userRow(user.id)).not.toBeNull();
    const failures = await t.app.db.prisma.auditEvent.findMany({ where: { userId: user.id, type: "account.deletion_failed" } });
    expect(failures.map((f) => (f.data as { reason: string }).reason).sort()).toEqual(["reauth_required", "wrong_password"]);
  });

  it("ends everything: refresh token, userinfo, SSO session; the relying party gets a logout token; audit pseudonymised; the address registers again", async () => {
    const user = await t.createUser();
    const soloTeam = await createTeam(t, user.id);
    const rpBrowser = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, rpBrowser, REDIRECT, { identifier: user.email, password: user.password });
    const sid = tokens.claims()!.sid;
    const userinfo = () => fetch(rp.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect((await userinfo()).status).toBe(200);
    const logoutsBefore = received.length;

    // the same browser (its SSO session) deletes the account on the account page
    const page = await dataPage(rpBrowser, user);
    const done = await rpBrowser.submit(page, "/account/delete", { password: user.password });
    expect(done.status).toBe(200);
    expect(done.html).toContain("Your account was deleted");

    await expect(client.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await userinfo()).status).toBe(401);
    const again = await rpBrowser.go(`${t.url}/account/profile`);
    expect(again.url).toContain("/interaction/"); // signed out: the sign-in page
    for (let i = 0; i < 200 && received.length === logoutsBefore; i++) await new Promise((r) => setTimeout(r, 25));
    expect(received.length).toBe(logoutsBefore + 1);
    const { payload } = await jwtVerify(received.at(-1)!, createRemoteJWKSet(new URL(`${t.url}/jwks`)), {
      issuer: t.url,
      audience: rp.clientMetadata().client_id,
      typ: "logout+jwt",
    });
    expect(payload.sub).toBe(user.id);
    expect(payload.sid).toBe(sid);

    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === "Your Gatehouse account was deleted");
    expect(mail.text).toContain("as you asked");
    expect(await userRow(user.id)).toBeNull();
    expect(await t.app.db.prisma.team.findUnique({ where: { id: soloTeam.id } })).toBeNull();

    // item 3: the events keep their meaning under a pseudonym, without the id, address, IP or user agent
    const pseudonym = t.app.services.accountDeletion.pseudonymOf(user.id);
    expect(pseudonym).toMatch(/^deleted:[\w-]{32}$/);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id } })).toBe(0);
    const events = await t.app.db.prisma.auditEvent.findMany({ where: { userPseudonym: pseudonym }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["login.succeeded", "account.deleted"]));
    for (const e of events) {
      expect(e.ip).toBeNull();
      expect(e.userAgent).toBeNull();
      expect(JSON.stringify(e.data)).not.toContain(user.id);
      expect(JSON.stringify(e.data)).not.toContain(user.email);
    }
    const deleted = events.find((e) => e.type === "account.deleted")!;
    expect(deleted.actorId).toBe(pseudonym);
    expect(await t.app.db.prisma.auditEvent.count({ where: { actorId: user.id } })).toBe(0);

    // the address (and the username) are free again
    const again2 = await t.app.services.registration.register(
      {
        email: user.email,
        username: user.username,
        password: "a fresh lantern harbour of words",
        team: { name: `Again ${user.username}` },
      },
      { ip: "127.0.0.1", userAgent: null },
    );
    expect(again2.outcome).toBe("check_email");
    expect(await t.app.db.prisma.user.count({ where: { emailNormalized: user.email.toLowerCase() } })).toBe(1);
  });

  it("refuses the Owner of a team with other members, linking to the transfer; nothing changes", async () => {
    const owner = await t.createUser();
    const member = await t.createUser();
    const team = await createTeam(t, owner.id);
    await addMember(t, team, member.id);
    const browser = new TestBrowser(t.url);
    const page = await dataPage(browser, owner);
    expect(page.html).toContain(`/account/teams/${team.slug}/transfer`);
    expect(page.html).not.toContain('action="/account/delete"');
    // the API says the same, with the teams
    const token = await api.apiToken(owner);
    const res = await api.call("DELETE", "/api/v1/me", token, { password: owner.password });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("account.owns_teams");
    expect(res.body.data).toEqual({ teams: [{ slug: team.slug, name: team.name }] });
    expect(await userRow(owner.id)).not.toBeNull();
    expect(await t.app.db.prisma.membership.count({ where: { teamId: team.id } })).toBe(2);
  });

  it("DELETE /api/v1/me: wrong password 400, then two deletions in parallel delete exactly once", async () => {
    const user = await t.createUser();
    const token = await api.apiToken(user);
    const wrong = await api.call("DELETE", "/api/v1/me", token, { password: "not the password, surely" });
    expect(wrong.status, wrong.text).toBe(400);
    expect(wrong.body.code, wrong.text).toBe("account.wrong_password");
    expect((await api.call("DELETE", "/api/v1/me", token, {})).body.code).toBe("account.reauth_required");
    expect((await api.call("DELETE", "/api/v1/me", token, { password: user.password, userId: "x" })).status).toBe(400); // strict body
    expect(await userRow(user.id)).not.toBeNull();

    const results = await Promise.all([1, 2, 3].map(() => api.call("DELETE", "/api/v1/me", token, { password: user.password })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect([401, 404]).toContain(r.status);
    expect(results.find((r) => r.status === 200)!.body).toEqual({ status: "deleted", deletionDueAt: null });
    expect(await userRow(user.id)).toBeNull();
    const pseudonym = t.app.services.accountDeletion.pseudonymOf(user.id);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userPseudonym: pseudonym, type: "account.deleted" } })).toBe(1);
  });

  it("the last active Super Admin cannot delete their account", async () => {
    const admins = await t.app.db.prisma.user.findMany({ where: { systemRole: "super_admin", disabled: false } });
    for (const a of admins) await t.app.db.prisma.user.update({ where: { id: a.id }, data: { systemRole: null } });
    const admin = await api.systemRoleUser("super_admin");
    const token = await api.apiToken(admin);
    const res = await api.call("DELETE", "/api/v1/me", token, { password: admin.password });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe("account.last_super_admin");
    expect(await userRow(admin.id)).toMatchObject({ disabled: false, systemRole: "super_admin" });
  });
});
