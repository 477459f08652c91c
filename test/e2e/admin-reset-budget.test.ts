// An administrator's "send a password reset" spends the same hourly budget per address as /forgot-password
// (RATE_LIMIT_RESET_PER_IDENTIFIER), from the admin page and the admin API alike: past it, 429 with
// Retry-After and no email, so neither an admin account nor a script can flood a user's inbox.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";

const REDIRECT = "https://budget.example.test/cb";

describe("admin password reset budget", () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let rp: client.Configuration;
  let admin: Awaited<ReturnType<TestApp["createUser"]>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, RATE_LIMIT_RESET_PER_IDENTIFIER: "2" });
    admin = await t.createUser();
    await t.app.services.systemRoles.setUserRole(admin.id, "super_admin");
    const made = await t.createClient({
      name: "Budget console",
      type: "confidential",
      grantTypes: ["authorization_code"],
      redirectUris: [REDIRECT],
      resources: [`${t.url}/api`],
      firstParty: true,
    });
    rp = await discover(t.url, made.clientId, made.clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const resetMails = (email: string) =>
    sink.messages.filter((m) => m.to.includes(email) && m.text.includes("/reset-password?token=")).length;

  it("the page: the address's budget is shared with /forgot-password; past it 429 and nothing sent", async () => {
    const user = await t.createUser();
    const browser = new TestBrowser(t.url);
    await openAccountPage(browser, t.url, "/admin/users", { identifier: admin.email, password: admin.password });
    const visitor = new TestBrowser(t.url); // the user's own /forgot-password spends 1 of 2
    const forgot = await visitor.submit(await visitor.go(`${t.url}/forgot-password`), "/forgot-password", {
      identifier: user.email.toUpperCase(),
    });
    expect(forgot.html).toContain("Check your email");
    const page = await browser.go(`${t.url}/admin/users/${user.id}`);
    const first = await browser.submit(page, `/admin/users/${user.id}/password-reset`, {});
    const sent = first.html.includes('name="confirm" value="yes"')
      ? await browser.submit(first, `/admin/users/${user.id}/password-reset`, {})
      : first;
    expect(sent.status).toBe(200); // 2 of 2
    const again = await browser.go(`${t.url}/admin/users/${user.id}`);
    const refusedStep = await browser.submit(again, `/admin/users/${user.id}/password-reset`, {});
    const refused = refusedStep.html.includes('name="confirm" value="yes"')
      ? await browser.submit(refusedStep, `/admin/users/${user.id}/password-reset`, {})
      : refusedStep;
    expect(refused.status).toBe(429);
    await t.app.services.mailer.idle();
    expect(resetMails(user.email)).toBe(2);
  });

  it("the API: 429 rate_limited with Retry-After once the address's budget is spent", async () => {
    const user = await t.createUser();
    const { tokens } = await loginWithCode(
      rp,
      new TestBrowser(t.url),
      REDIRECT,
      { identifier: admin.email, password: admin.password },
      { resource: `${t.url}/api` },
    );
    const post = () =>
      fetch(`${t.url}/api/v1/users/${user.id}/password-reset`, {
        method: "POST",
        headers: { accept: "application/json", authorization: `Bearer ${tokens.access_token}` },
      });
    expect((await post()).status).toBe(200);
    expect((await post()).status).toBe(200);
    const refused = await post();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ code: "rate_limited" });
    await t.app.services.mailer.idle();
    expect(resetMails(user.email)).toBe(2);
  });
});
