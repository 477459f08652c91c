// Passkeys over HTTP with a software authenticator (test/helpers/soft-authenticator.ts, driven through the pages
// by passkey-pages.ts), a real protocol peer: registration on the account page, sign-in as the first factor
// through the relying party's authorization request; then every bad input the issue names, each refused with a
// clear answer and nothing changed (no sign-in, the stored counter and last use untouched), audited where it
// matters. The second factor and life without a password: passkeys-second-factor.test.ts.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { parseForms } from "../helpers/browser.ts";
import { manualClock, type ManualClock } from "../helpers/totp-login.ts";
import { passkeyPages, PASSKEY_REDIRECT as REDIRECT, type PasskeyOptions as Options } from "../helpers/passkey-pages.ts";

describe("passkeys over HTTP with a software authenticator", { timeout: 120_000 }, () => {
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

  it("registers (audited, emailed), then signs in as the first factor; the counter and last use move", async () => {
    const { user, auth } = await p.withPasskey({ attachment: "cross-platform", transports: ["usb"] });
    const row = await p.stored(user.id);
    expect(row).toMatchObject({ name: "My key", kind: "hwk", lastUsedAt: null });
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "passkey.added", outcome: "success" } })).toBe(1);
    await sink.waitFor((m) => m.to.includes(user.email) && m.text.includes('"My key" was added'));

    const s = await p.signInPage();
    const page = await p.submitPasskey(s, auth.get(await p.loginOptions(s)));
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    expect(await p.counterOf(user.id)).toBe(1n);
    expect((await p.stored(user.id)).lastUsedAt).not.toBeNull();
    const succeeded = await t.app.db.prisma.auditEvent.findFirst({
      where: { userId: user.id, type: "login.succeeded" },
      orderBy: { id: "desc" },
    });
    expect(succeeded?.data).toMatchObject({ amr: ["hwk", "user"], method: "passkey" });
  });

  it("refuses a wrong origin and a wrong RP ID, at sign-in and at registration", async () => {
    const { user, auth } = await p.withPasskey();
    for (const over of [{ origin: "https://evil.example.test" }, { rpId: "evil.example.test" }]) {
      const s = await p.signInPage();
      await p.expectRefused(user.id, await p.submitPasskey(s, auth.get(await p.loginOptions(s), over)));
    }
    expect((await p.failures(user.id)).map((e) => (e.data as { reason: string }).reason)).toEqual(["origin", "rp_id"]);
    expect(await p.counterOf(user.id)).toBe(0n);
    expect((await p.stored(user.id)).lastUsedAt).toBeNull();

    const other = await t.createUser();
    for (const over of [{ origin: "https://evil.example.test" }, { rpId: "evil.example.test" }]) {
      const page = await p.register(other, p.authenticator(), "Evil", over);
      expect(page.status).toBe(400);
      expect(page.html).toContain("did not check out");
    }
    expect(await t.app.services.passkeys.list(other.id)).toEqual([]);
  });

  it("refuses a replayed, an expired, and another flow's challenge", async () => {
    const { user, auth } = await p.withPasskey();
    // replayed: a right answer once, then the same answer again in a new sign-in (after it asked its own options)
    const first = await p.signInPage();
    const answer = auth.get(await p.loginOptions(first));
    expect((await p.submitPasskey(first, answer)).url.startsWith(REDIRECT)).toBe(true);
    const replay = await p.signInPage();
    await p.loginOptions(replay);
    await p.expectRefused(user.id, await p.submitPasskey(replay, answer));
    // and without asking options at all
    const bare = await p.signInPage();
    await p.expectRefused(user.id, await p.submitPasskey(bare, answer));

    // expired: answered after the 2 minutes
    const late = await p.signInPage();
    const lateAnswer = auth.get(await p.loginOptions(late));
    clock.advance(121);
    await p.expectRefused(user.id, await p.submitPasskey(late, lateAnswer));

    // another flow's: options asked in one sign-in, the answer posted to another
    const a = await p.signInPage();
    const b = await p.signInPage();
    await p.loginOptions(b);
    await p.expectRefused(user.id, await p.submitPasskey(b, auth.get(await p.loginOptions(a))));
    expect(await p.counterOf(user.id)).toBe(1n);
  });

  it("refuses a signature over other data, user verification missing, unknown and deleted credentials", async () => {
    const { user, auth } = await p.withPasskey();
    let s = await p.signInPage();
    await p.expectRefused(
      user.id,
      await p.submitPasskey(s, auth.get(await p.loginOptions(s), { signedData: Buffer.from("something else") })),
    );
    s = await p.signInPage();
    await p.expectRefused(user.id, await p.submitPasskey(s, auth.get(await p.loginOptions(s), { userVerified: false })));
    s = await p.signInPage();
    await p.expectRefused(user.id, await p.submitPasskey(s, p.authenticator().get(await p.loginOptions(s))));
    expect((await p.failures(user.id)).map((e) => (e.data as { reason: string }).reason)).toEqual(["signature", "user_verification"]);

    // deleted: removed on the account page (with the password), then tried
    const { browser, page } = await p.accountPage(user, auth);
    const id = (await p.stored(user.id)).id;
    const removed = await browser.submit(page, `/account/passkeys/${id}/delete`, { password: user.password });
    expect(removed.html).toContain("was removed");
    await sink.waitFor((m) => m.to.includes(user.email) && m.text.includes('"My key" was removed'));
    s = await p.signInPage();
    await p.expectRefused(user.id, await p.submitPasskey(s, auth.get(await p.loginOptions(s))));
  });

  it("refuses a sign counter that goes backwards: audited as a clone, the owner emailed, the counter kept", async () => {
    const { user, auth } = await p.withPasskey();
    let s = await p.signInPage();
    expect((await p.submitPasskey(s, auth.get(await p.loginOptions(s), { counter: 5 }))).url.startsWith(REDIRECT)).toBe(true);
    for (const counter of [3, 5]) {
      s = await p.signInPage();
      await p.expectRefused(user.id, await p.submitPasskey(s, auth.get(await p.loginOptions(s), { counter })));
    }
    expect(await p.counterOf(user.id)).toBe(5n);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "passkey.cloned" } })).toBe(2);
    await sink.waitFor((m) => m.to.includes(user.email) && m.text.includes("counter went backwards"));
    // a key that keeps no counter (always 0) is fine
    const { user: zero, auth: zeroAuth } = await p.withPasskey({ countsSignatures: false });
    for (let i = 0; i < 2; i++) {
      s = await p.signInPage();
      expect((await p.submitPasskey(s, zeroAuth.get(await p.loginOptions(s)))).url.startsWith(REDIRECT)).toBe(true);
    }
    expect(await p.counterOf(zero.id)).toBe(0n);
  });

  it("refuses malformed JSON and CBOR, and oversized answers and bodies", async () => {
    const { user, auth } = await p.withPasskey();
    let s = await p.signInPage();
    await p.loginOptions(s);
    await p.expectRefused(user.id, await p.submitPasskey(s, "{not json"));
    s = await p.signInPage();
    const good = auth.get(await p.loginOptions(s));
    await p.expectRefused(user.id, await p.submitPasskey(s, { ...good, response: { ...good.response, authenticatorData: "AAAA" } }));
    s = await p.signInPage();
    const big = await p.submitPasskey(s, "x".repeat(20_000));
    expect(big.status).toBe(400);
    expect(big.html).toContain("too large");
    s = await p.signInPage();
    const form = parseForms(s.page.html, s.page.url).find((f) => f.action.includes("/passkey"))!;
    const huge = await s.browser.request(form.action, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: s.browser.origin },
      body: new URLSearchParams({ ...form.fields, response: "x".repeat(200_000) }).toString(),
    });
    expect(huge.status).toBe(413);
    // registration: garbage CBOR in the attestation object
    const other = await t.createUser();
    const { browser, page } = await p.accountPage(other);
    const options = await p.postJson(browser, `${t.url}/account/passkeys/options`, {
      _csrf: p.csrfOf(page, "/account/passkeys"),
      name: "Bad",
      password: other.password,
    });
    const answer = p.authenticator().create(options.json as Options);
    const bad = await browser.submit(page, "/account/passkeys", {
      response: JSON.stringify({ ...answer, response: { ...answer.response, attestationObject: "oWNmbXQ" } }),
    });
    expect(bad.status).toBe(400);
    expect(await t.app.services.passkeys.list(other.id)).toEqual([]);
    expect(await p.counterOf(user.id)).toBe(0n);
  });

  it("registration needs the right password; a wrong one is refused before any options", async () => {
    const user = await t.createUser();
    const { browser, page } = await p.accountPage(user);
    const answer = await p.postJson(browser, `${t.url}/account/passkeys/options`, {
      _csrf: p.csrfOf(page, "/account/passkeys"),
      name: "Key",
      password: "not my password at all",
    });
    expect(answer.status).toBe(400);
    expect(answer.json.message).toBe("That is not your current password.");
    const noName = await p.postJson(browser, `${t.url}/account/passkeys/options`, {
      _csrf: p.csrfOf(page, "/account/passkeys"),
      name: "   ",
      password: user.password,
    });
    expect(noName.status).toBe(400);
    const noCsrf = await p.postJson(browser, `${t.url}/account/passkeys/options`, { name: "Key", password: user.password });
    expect(noCsrf.status).toBe(403);
  });
});
