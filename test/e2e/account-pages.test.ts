// The account pages through the real sign-in: /account sends a signed-out browser to /login and back; the
// profile (name, email change with the password and a link to the new address), the password change (current
// password, policy and history, other sessions and refresh tokens end, this one stays), and first-run
// administrator registration.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { firstRunSetupToken } from "../../src/services/bootstrap.ts";

const REDIRECT = "https://rp.example.test/cb";
const NEW_PASSWORD = "amber kettle under winter stars";

describe("account pages", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let rp: client.Configuration;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url });
    const { clientId, clientSecret } = await t.createClient({
      name: "RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      grantTypes: ["authorization_code", "refresh_token"],
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  async function signIn(browser: TestBrowser, identifier: string, password: string, returnTo = "/account/profile"): Promise<Page> {
    const login = await browser.go(`${t.url}/login?return_to=${encodeURIComponent(returnTo)}`);
    expect(login.url).toContain("/interaction/");
    return browser.submit(login, "/login", { identifier, password });
  }

  /** the sign-in page refuses these credentials with the generic message */
  async function expectRefused(identifier: string, password: string): Promise<void> {
    const browser = new TestBrowser(t.url);
    const page = await browser.submit(await browser.go(`${t.url}/login`), "/login", { identifier, password });
    expect(page.status).toBe(401);
    expect(page.html).toContain("Invalid email or password");
  }

  it("sends a signed-out browser to the sign-in page and back to where it wanted to go", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const res = await browser.request(`${t.url}/account/security`);
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe("/login?return_to=%2Faccount%2Fsecurity");
    const page = await signIn(browser, user.email, user.password, "/account/security");
    expect(page.url).toBe(`${t.url}/account/security`);
    expect(page.html).toContain("Change password");
    // a foreign return path is ignored
    const other = new TestBrowser(t.url);
    const landed = await signIn(other, user.username, user.password, "//evil.example/x");
    expect(landed.url).toBe(`${t.url}/account/profile`);
    expect(landed.html).toContain(user.email);
  });

  it("saves the display name; a POST without the CSRF token changes nothing", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const profile = await signIn(browser, user.email, user.password);
    const saved = await browser.submit(profile, "/account/profile/name", { name: "Ada <b>Lovelace</b>" });
    expect(saved.status).toBe(200);
    expect(saved.html).toContain("Ada &lt;b&gt;Lovelace&lt;/b&gt;");
    const forged = await browser.submit(profile, "/account/profile/name", { name: "Mallory", _csrf: "forged" });
    expect(forged.status).toBe(403);
    expect((await t.app.queries.users.findById(user.id))!.name).toBe("Ada <b>Lovelace</b>");
    const audit = await t.app.queries.auditEvents.listForUser(user.id);
    expect(audit.map((e) => e.type)).toContain("profile.updated");
  });

  it("changes the email only after the new address confirms, with the password; the old address is told", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    const profile = await signIn(browser, user.email, user.password);
    const target = uniqueEmail("moved");

    const wrong = await browser.submit(profile, "/account/profile/email", { email: target, password: "not my password at all" });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain("not your current password");
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(1); // counts like a failed sign-in

    const sent = await browser.submit(profile, "/account/profile/email", { email: target, password: user.password });
    expect(sent.status).toBe(200);
    expect(sent.html).toContain("We sent a link to");
    const mail = await sink.waitFor((m) => m.to.includes(target));
    expect(mail.subject).toBe("Confirm your new email address for Gatehouse");
    expect((await t.app.queries.users.findById(user.id))!.email).toBe(user.email); // not yet

    const link = /https?:\/\/\S+\/account\/confirm-email\?token=[\w-]+/.exec(mail.text)![0];
    const confirm = await browser.go(link);
    expect(confirm.html).toContain("Confirm my new email address");
    expect((await t.app.queries.users.findById(user.id))!.email).toBe(user.email); // a GET changes nothing
    const done = await browser.submit(confirm, "/account/confirm-email", {});
    expect(done.url).toBe(`${t.url}/account/profile`);
    expect(done.html).toContain("Your email address was changed.");
    const after = (await t.app.queries.users.findById(user.id))!;
    expect(after.email).toBe(target);
    expect(after.emailVerified).toBe(true);
    const told = await sink.waitFor(
      (m) => m.to.includes(user.email) && m.subject.startsWith("The email address of your Gatehouse account"),
    );
    expect(told.text).toContain(`${target.slice(0, 2)}***@example.test`);
    expect(told.text).not.toContain(target);

    // the link works once; the new address signs in, the old one no longer does
    expect((await browser.submit(confirm, "/account/confirm-email", {})).status).toBe(400);
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: target, password: user.password });
    expect(tokens.access_token).toBeTruthy();
    await expectRefused(user.email, user.password);
    // each step audited by the use case (services/email-change.ts): the wrong password, the request, the change
    const events = (await t.app.queries.auditEvents.listForUser(user.id)).filter((e) => e.type.startsWith("email.change"));
    expect(events.map((e) => [e.type, e.outcome, (e.data as { reason?: string } | null)?.reason ?? null]).sort()).toEqual([
      ["email.change_requested", "failure", "wrong_password"],
      ["email.change_requested", "success", null],
      ["email.changed", "success", null],
    ]);
    expect(events.find((e) => e.type === "email.changed")!.data).toEqual({ from: user.email, to: target });
  });

  it("an address that belongs to another account gets the same answer and no link", async () => {
    const user = await t.createUser();
    const other = await t.createUser();
    const browser = new TestBrowser(t.url);
    const profile = await signIn(browser, user.email, user.password);
    const before = sink.messages.length;
    const page = await browser.submit(profile, "/account/profile/email", { email: other.email, password: user.password });
    expect(page.status).toBe(200);
    expect(page.html).toContain("We sent a link to");
    await t.app.services.mailer.idle();
    expect(sink.messages.slice(before).filter((m) => m.to.includes(other.email))).toHaveLength(0);
  });

  it("changes the password: needs the current one, follows policy and history, ends the other sessions and refresh tokens", async () => {
    const user = await t.createUser();
    const here = new TestBrowser(t.url);
    const security = await signIn(here, user.email, user.password, "/account/security");
    // this browser also signed in to an application: its refresh token must die too
    const hereTokens = (await loginWithCode(rp, here, REDIRECT, { identifier: user.email, password: user.password })).tokens;
    // a reset link asked for before the change must not work after it
    await here.submit(await here.go(`${t.url}/forgot-password`), "/forgot-password", { identifier: user.email });
    const resetMail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === "Reset your Gatehouse password");
    const resetLink = /https?:\/\/\S+\/reset-password\?token=[\w-]+/.exec(resetMail.text)![0];
    // another browser with an application's refresh token
    const elsewhere = new TestBrowser(t.url);
    const { tokens } = await loginWithCode(rp, elsewhere, REDIRECT, { identifier: user.email, password: user.password });
    expect(tokens.refresh_token).toBeTruthy();

    const wrong = await here.submit(security, "/account/security/password", {
      current: "definitely wrong password",
      password: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(400);
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(1);
    const weak = await here.submit(security, "/account/security/password", { current: user.password, password: "password1234" });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain("too common");
    const same = await here.submit(security, "/account/security/password", { current: user.password, password: user.password });
    expect(same.status).toBe(400);
    expect(same.html).toContain("not used recently");

    const changed = await here.submit(security, "/account/security/password", { current: user.password, password: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(changed.html).toContain("Your password was changed");
    expect(await t.app.services.lockout.failures({ userId: user.id })).toBe(0);
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === "Your Gatehouse password was changed");
    expect(mail.text).toContain("127.0.0.1");

    // this browser stays signed in; the other one is signed out and its refresh token is dead
    expect((await here.go(`${t.url}/account/security`)).url).toBe(`${t.url}/account/security`);
    const res = await elsewhere.request(`${t.url}/account/profile`);
    expect(res.status).toBe(302);
    await expect(client.refreshTokenGrant(rp, tokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    await expect(client.refreshTokenGrant(rp, hereTokens.refresh_token!)).rejects.toMatchObject({ error: "invalid_grant" });
    expect((await new TestBrowser(t.url).go(resetLink)).status).toBe(400);
    // the new password works, the old one does not
    await expectRefused(user.email, user.password);
    expect(
      (await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: NEW_PASSWORD })).tokens.access_token,
    ).toBeTruthy();
    const types = (await t.app.queries.auditEvents.listForUser(user.id)).map((e) => `${e.type}:${e.outcome}`);
    expect(types).toEqual(expect.arrayContaining(["password.changed:success", "password.change_failed:failure"]));
  });

  it("no other site can make the sign-in page show a notice", async () => {
    const page = await new TestBrowser(t.url).go(`${t.url}/login?notice=password_reset`);
    expect(page.url).toContain("/interaction/");
    expect(page.html).not.toContain("Your password was changed");
  });

  it("signing out ends the account session", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    await signIn(browser, user.email, user.password);
    const confirm = await browser.go(`${t.url}/session/end`);
    const out = await browser.submit(confirm, "/session/end/confirm", { logout: "yes" });
    expect(out.status).toBe(200);
    expect((await browser.request(`${t.url}/account/profile`)).status).toBe(302);
  });
});

describe("first-run administrator registration", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("needs the setup link printed at start; creates exactly one Super Admin, who must verify the email; then the page is closed", async () => {
    const setup = firstRunSetupToken(t.config.secrets.masterKey);
    const without = await new TestBrowser(t.url).go(`${t.url}/admin-register`);
    expect(without.status).toBe(403);
    expect(without.html).toContain("Open the setup link");
    expect(without.html).not.toContain('name="password"');
    const wrong = await new TestBrowser(t.url).go(`${t.url}/admin-register?setup=${setup.slice(0, -2)}xx`);
    expect(wrong.status).toBe(403);
    // a forged POST without the token creates nothing
    const forger = new TestBrowser(t.url);
    const forged = await forger.submit(await forger.go(`${t.url}/admin-register?setup=${setup}`), "/admin-register", {
      setup: "guess",
      username: "mallory",
      email: uniqueEmail("mallory"),
      password: NEW_PASSWORD,
    });
    expect(forged.status).toBe(403);
    expect(await t.app.db.prisma.user.count({ where: { systemRole: { not: null } } })).toBe(0);

    const form = await new TestBrowser(t.url).go(`${t.url}/admin-register?setup=${setup}`);
    expect(form.status).toBe(200);
    expect(form.html).toContain("First-run setup");
    const emails = [uniqueEmail("admin-a"), uniqueEmail("admin-b"), uniqueEmail("admin-c")];
    const results = await Promise.all(
      emails.map(async (email, i) => {
        const browser = new TestBrowser(t.url);
        return browser.submit(await browser.go(`${t.url}/admin-register?setup=${setup}`), "/admin-register", {
          username: `firstadmin${i}`,
          email,
          password: NEW_PASSWORD,
        });
      }),
    );
    const admins = await t.app.db.prisma.user.findMany({ where: { systemRole: { not: null } } });
    expect(admins).toHaveLength(1);
    expect(admins[0]!.systemRole).toBe("super_admin");
    expect(admins[0]!.emailVerified).toBe(false);
    expect(results.filter((r) => r.status === 200 && r.html.includes("Check your email"))).toHaveLength(1);
    await sink.waitFor((m) => m.to.includes(admins[0]!.email) && m.subject.startsWith("Confirm your email"));
    const closed = await new TestBrowser(t.url).go(`${t.url}/admin-register?setup=${setup}`);
    expect(closed.status).toBe(403);
    expect(closed.html).toContain("already has an administrator");
    expect(closed.html).not.toContain('name="password"');
  });

  it("an administrator invitation registers a new account at /admin-register that gets the role once verified", async () => {
    // after the first-run test an administrator exists; they invite someone without an account
    const admin = await t.app.db.prisma.user.findFirstOrThrow({ where: { systemRole: "super_admin" } });
    const invitee = uniqueEmail("invited-admin");
    const before = sink.messages.length;
    expect((await t.app.services.invitations.inviteAdmin(admin.id, { email: invitee, systemRole: "super_admin" })).outcome).toBe("sent");
    const mail = await sink.waitFor((m) => m.to.includes(invitee) && sink.messages.indexOf(m) >= before);
    const link = /https?:\/\/\S+\/invitations\/[\w-]+/.exec(mail.text)![0];
    const browser = new TestBrowser(t.url);
    const landing = await browser.go(link);
    const register = /href="(\/admin-register\?invitation=[\w%-]+)"/.exec(landing.html)![1]!;
    const form = await browser.go(`${t.url}${register}`);
    expect(form.status).toBe(200);
    expect(form.html).toContain("You were invited to help run this Gatehouse");
    // the address is the invited one whatever the form says
    const done = await browser.submit(form, "/admin-register", {
      username: "invitedadmin",
      email: uniqueEmail("someone-else"),
      password: NEW_PASSWORD,
    });
    expect(done.html).toContain("Check your email");
    const created = await t.app.db.prisma.user.findFirstOrThrow({ where: { username: "invitedadmin" } });
    expect(created.email).toBe(invitee);
    expect(created.systemRole).toBeNull(); // not before the address is verified
    const verify = await sink.waitFor((m) => m.to.includes(invitee) && m.subject.startsWith("Confirm your email"));
    const verifyLink = /https?:\/\/\S+\/verify-email\?token=[\w-]+/.exec(verify.text)![0];
    const confirmed = await browser.submit(await browser.go(verifyLink), "/verify-email", {});
    expect(confirmed.html).toContain("You are now an administrator");
    expect((await t.app.queries.users.findById(created.id))!.systemRole).toBe("super_admin");
    // the link is used up: the form is closed now
    expect((await new TestBrowser(t.url).go(`${t.url}${register}`)).status).toBe(403);
  });
});
