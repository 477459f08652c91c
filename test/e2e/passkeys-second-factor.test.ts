// Passkeys as the second factor and without a password, over HTTP with a software authenticator
// (test/helpers/passkey-pages.ts): only the waiting user's own keys pass; a user with TOTP and a passkey picks;
// a user removes the password only with a passkey left, then signs in with passkeys only and cannot remove the
// last one; an account without a password confirms changes with a passkey sign-in of the last 5 minutes.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { enableTotp, manualClock, totpCode, type ManualClock } from "../helpers/totp-login.ts";
import { passkeyPages, PASSKEY_REDIRECT as REDIRECT, type PasskeyOptions as Options } from "../helpers/passkey-pages.ts";

describe("passkeys as the second factor and without a password", { timeout: 120_000 }, () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let clock: ManualClock;
  let p: ReturnType<typeof passkeyPages>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    clock = manualClock();
    t = await startTestApp({ SMTP_URL: sink.url }, { hostname: "localhost", clock });
    const { clientId, clientSecret } = await t.createClient({
      name: "Acme Notes",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    p = passkeyPages(t, await discover(t.url, clientId, clientSecret));
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  it("as the second factor: the user's own key passes, another user's key is refused and counted", async () => {
    const { user, auth } = await p.withPasskey();
    const { auth: strangerKey } = await p.withPasskey();
    const toSecond = async () => {
      const s = await p.signInPage();
      const page = await s.browser.submit(s.page, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
      expect(page.url).toMatch(/\/totp$/);
      expect(page.html).toContain("Use your passkey or security key");
      const second = { ...s, page };
      const options = await p.loginOptions(second, "second");
      expect(options.allowCredentials?.map((c) => c.id)).toEqual([auth.id]);
      return { second, options };
    };
    const { second, options } = await toSecond();
    const refused = await second.browser.submit(
      second.page,
      "/totp",
      { method: "passkey", response: JSON.stringify(strangerKey.get(options)) },
      { stopAt: REDIRECT },
    );
    expect(refused.status).toBe(401);
    expect(refused.html).toContain("That passkey was not accepted");
    expect((await p.failures(user.id, "login.second_factor_failed")).map((e) => (e.data as { reason: string }).reason)).toEqual([
      "other_user",
    ]);
    // the first-factor options of the sign-in cannot stand in for the second factor's
    const again = await toSecond();
    const done = await again.second.browser.submit(
      again.second.page,
      "/totp",
      { method: "passkey", response: JSON.stringify(auth.get(again.options)) },
      { stopAt: REDIRECT },
    );
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    const succeeded = await t.app.db.prisma.auditEvent.findFirst({
      where: { userId: user.id, type: "login.succeeded" },
      orderBy: { id: "desc" },
    });
    expect(succeeded?.data).toMatchObject({ amr: ["pwd", "hwk", "user"], method: "passkey" });
  });
  it("a user lives without a password: removed only with a passkey left; then passkeys only, the last one kept", async () => {
    // no passkey: refused, the password stays
    const lonely = await t.createUser();
    let { browser, page } = await p.accountPage(lonely);
    expect(page.html).toContain("Add a passkey first.");
    const refusedRemoval = await browser.request(`${t.url}/account/passkeys/remove-password`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: new URLSearchParams({ _csrf: p.csrfOf(page, "/account/passkeys"), password: lonely.password }).toString(),
    });
    expect(refusedRemoval.status).toBe(409);
    expect((await t.app.queries.users.findById(lonely.id))!.passwordHash).not.toBeNull();

    const { user, auth } = await p.withPasskey();
    ({ browser, page } = await p.accountPage(user, auth));
    const wrong = await browser.submit(page, "/account/passkeys/remove-password", { password: "certainly not the password" });
    expect(wrong.status).toBe(400);
    expect((await t.app.queries.users.findById(user.id))!.passwordHash).not.toBeNull();
    page = await browser.submit(page, "/account/passkeys/remove-password", { password: user.password });
    expect(page.html).toContain("Your password was removed");
    expect((await t.app.queries.users.findById(user.id))!.passwordHash).toBeNull();
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "password.removed", outcome: "success" } })).toBe(1);
    await sink.waitFor((m) => m.to.includes(user.email) && m.text.includes("The password was removed from"));

    // the password no longer signs in; the passkey does, alone
    let s = await p.signInPage();
    const byPassword = await s.browser.submit(s.page, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
    expect(byPassword.status).toBe(401);
    s = await p.signInPage();
    expect((await p.submitPasskey(s, auth.get(await p.loginOptions(s)))).url.startsWith(REDIRECT)).toBe(true);

    // the account pages, signed in with the passkey: the last passkey cannot go; a second one is added without a password
    const keyBrowser = new TestBrowser(t.url);
    const login = await keyBrowser.go(`${t.url}/login?return_to=/account/passkeys`);
    const uid = /\/interaction\/([\w-]+)/.exec(login.url)![1]!;
    const account = await keyBrowser.submit(login, "/passkey", {
      response: JSON.stringify(auth.get(await p.loginOptions({ browser: keyBrowser, page: login, uid }))),
    });
    expect(account.url).toMatch(/\/account\/passkeys$/);
    expect(account.html).not.toContain('name="password"');
    const id = (await p.stored(user.id)).id;
    const last = await keyBrowser.submit(account, `/account/passkeys/${id}/delete`, {});
    expect(last.status).toBe(409);
    expect(await t.app.services.passkeys.list(user.id)).toHaveLength(1);
    const second = p.authenticator();
    const options = await p.postJson(keyBrowser, `${t.url}/account/passkeys/options`, {
      _csrf: p.csrfOf(account, "/account/passkeys"),
      name: "Spare",
    });
    expect(options.status).toBe(200);
    // (posted as the page's last form does: the rename forms' actions start the same)
    const added = await keyBrowser.request(`${t.url}/account/passkeys`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
      body: new URLSearchParams({
        _csrf: p.csrfOf(account, "/account/passkeys"),
        response: JSON.stringify(second.create(options.json as Options)),
      }).toString(),
    });
    expect(await added.text()).toMatch(/Spare(&#34;|&quot;|") was added/);
    // more than 5 minutes after the passkey sign-in, a change needs a fresh one
    clock.advance(600);
    const stale = await p.postJson(keyBrowser, `${t.url}/account/passkeys/options`, {
      _csrf: p.csrfOf(account, "/account/passkeys"),
      name: "Late",
    });
    expect(stale.status).toBe(403);
    expect(String(stale.json.message)).toContain("sign in again with a passkey");
    const late = await keyBrowser.submit(account, `/account/passkeys/${id}/delete`, {});
    expect(late.status).toBe(403);
    expect(await t.app.services.passkeys.list(user.id)).toHaveLength(2);
  });
  it("a user with TOTP and a passkey picks at the second step: the page offers both, and the code still works", async () => {
    const { user, auth } = await p.withPasskey();
    const { secret } = await enableTotp(t, clock, user);
    const s = await p.signInPage();
    const codePage = await s.browser.submit(s.page, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
    expect(codePage.url).toMatch(/\/totp$/);
    expect(codePage.html).toContain("Authentication code");
    expect(codePage.html).toContain("Use a passkey or security key");
    const keyPage = await s.browser.go(`${codePage.url}?method=passkey`);
    expect(keyPage.html).toContain("Use your passkey or security key");
    expect(keyPage.html).toContain("Use your authenticator app");
    const done = await s.browser.submit(codePage, "/totp", { code: await totpCode(secret, clock.epoch()) }, { stopAt: REDIRECT });
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    expect(auth.counter).toBe(0);
  });
});
