// "Delete my account" for passkey users (#21 item 1): on /account/data a user with passkeys confirms with a passkey
// assertion (public/js/passkeys.js asks /account/data/passkey-options for a challenge bound to the account session,
// the answer comes back in the deletion form), driven here with the software authenticator over HTTP
// (test/helpers/passkey-pages.ts). A passkey-only account deletes this way; another user's key, a replayed or
// stale answer, another session's challenge and a sign-in's assertion are refused, audited, and nothing changes.
// DELETE /api/v1/me cannot run the ceremony: a passkey-only account is sent to the page (account.passkey_required).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { apiClient } from "../helpers/api.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";
import { passkeyPages, type PasskeyOptions as Options } from "../helpers/passkey-pages.ts";
import type { SoftAuthenticator } from "../helpers/soft-authenticator.ts";

describe("deleting an account with a passkey", { timeout: 120_000 }, () => {
  let t: TestApp;
  let p: ReturnType<typeof passkeyPages>;
  let api: Awaited<ReturnType<typeof apiClient>>;

  beforeAll(async () => {
    t = await startTestApp({}, { hostname: "localhost" });
    const { clientId, clientSecret } = await t.createClient({
      name: "Acme Notes",
      type: "confidential",
      redirectUris: ["https://rp.example.test/cb"],
      firstParty: true,
    });
    p = passkeyPages(t, await discover(t.url, clientId, clientSecret));
    api = await apiClient(t);
  });
  afterAll(async () => {
    await t?.close();
  });

  const userRow = (id: string) => t.app.db.prisma.user.findUnique({ where: { id } });
  const failures = async (userId: string) =>
    (await t.app.db.prisma.auditEvent.findMany({ where: { userId, type: "account.deletion_failed" }, orderBy: { id: "asc" } })).map(
      (e) => (e.data as { reason: string }).reason,
    );

  /** a user whose only way in is the passkey `auth` (registered on the page, then the password taken away) */
  async function passkeyOnlyUser() {
    const { user, auth } = await p.withPasskey({ attachment: "platform", transports: ["internal"] });
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: null } });
    return { user, auth };
  }

  /** a fresh browser signed in with the passkey, on /account/data */
  async function dataPage(auth: SoftAuthenticator): Promise<{ browser: TestBrowser; page: Page }> {
    const browser = new TestBrowser(t.url);
    const login = await browser.go(`${t.url}/login?return_to=/account/data`);
    const uid = /\/interaction\/([\w-]+)/.exec(login.url)![1]!;
    const page = await browser.submit(login, "/passkey", {
      response: JSON.stringify(auth.get(await p.loginOptions({ browser, page: login, uid }))),
    });
    expect(page.url).toMatch(/\/account\/data$/);
    return { browser, page };
  }

  async function deletionOptions(s: { browser: TestBrowser; page: Page }): Promise<Options & { userVerification?: string }> {
    const res = await p.postJson(s.browser, `${t.url}/account/data/passkey-options`, {
      _csrf: p.csrfOf(s.page, "/account/delete"),
      factor: "reauthenticate",
    });
    expect(res.status).toBe(200);
    return res.json as Options;
  }

  const submitDeletion = (s: { browser: TestBrowser; page: Page }, answer: unknown) =>
    s.browser.submit(s.page, "/account/delete", { response: typeof answer === "string" ? answer : JSON.stringify(answer) });

  it("a passkey-only account deletes itself with its passkey on the page", async () => {
    const { user, auth } = await passkeyOnlyUser();
    const s = await dataPage(auth);
    expect(s.page.html).toContain("data-passkey-reauth");
    expect(s.page.html).toContain("Delete my account with a passkey");
    expect(s.page.html).not.toContain('name="password"');
    expect(s.page.html).not.toContain("has no password or second factor");
    const options = await deletionOptions(s);
    // the user's own keys only, user verification required
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([auth.id]);
    expect(options.userVerification).toBe("required");
    const done = await submitDeletion(s, auth.get(options));
    expect(done.status, done.html).toBe(200);
    expect(done.html).toContain("Your account was deleted");
    expect(await userRow(user.id)).toBeNull();
    expect(await t.app.db.prisma.passkey.count({ where: { userId: user.id } })).toBe(0);
    const pseudonym = t.app.services.accountDeletion.pseudonymOf(user.id);
    expect(await t.app.db.prisma.auditEvent.count({ where: { userPseudonym: pseudonym, type: "account.deleted" } })).toBe(1);
  });

  it("refuses another user's key, a replayed or stale answer, another session's challenge and a sign-in's assertion; nothing changes", async () => {
    const { user, auth } = await passkeyOnlyUser();
    const { auth: strangerKey } = await p.withPasskey();
    const s = await dataPage(auth);
    const refusedPage = (page: Page) => {
      expect(page.status).toBe(400);
      expect(page.html).toContain("That passkey was not accepted");
    };

    // no answer at all: the page says to use the passkey
    const none = await s.browser.submit(s.page, "/account/delete", {});
    expect(none.status).toBe(409);
    expect(none.html).toContain("signs in with passkeys only");

    // another user's key answering this user's challenge
    refusedPage(await submitDeletion(s, strangerKey.get(await deletionOptions(s))));

    // a stale answer: new options replaced the challenge it signed
    const first = await deletionOptions(s);
    await deletionOptions(s);
    refusedPage(await submitDeletion(s, auth.get(first)));

    // another session of the same user: a challenge issued there is not this session's
    const other = await dataPage(auth);
    const elsewhere = await deletionOptions(other);
    refusedPage(await submitDeletion(s, auth.get(elsewhere)));

    // the sign-in's own kind of assertion (a login challenge) does not count here
    const signIn = await p.signInPage();
    refusedPage(await submitDeletion(s, auth.get(await p.loginOptions(signIn))));

    // a malformed answer
    refusedPage(await submitDeletion(s, '{"not":"an assertion"}'));

    expect(await userRow(user.id)).not.toBeNull();
    expect(await t.app.db.prisma.passkey.count({ where: { userId: user.id } })).toBe(1);
    expect(await failures(user.id)).toEqual([
      "passkey_required",
      "passkey_other_user",
      "passkey_challenge",
      "passkey_challenge",
      "passkey_challenge",
      "passkey_malformed",
    ]);

    // and the passkey still works afterwards
    const done = await submitDeletion(s, auth.get(await deletionOptions(s)));
    expect(done.html).toContain("Your account was deleted");
  });

  it("a replayed answer: the one that passed re-authentication (then refused for an owned team) is not taken twice", async () => {
    const { user, auth } = await passkeyOnlyUser();
    const s = await dataPage(auth);
    // a stale CSRF token gets no options
    expect((await p.postJson(s.browser, `${t.url}/account/data/passkey-options`, { _csrf: "x".repeat(43) })).status).toBe(403);
    // since the page was shown, the user became the Owner of a team with another member
    const member = await t.createUser();
    const team = await createTeam(t, user.id);
    await addMember(t, team, member.id);
    const answer = auth.get(await deletionOptions(s));
    const owns = await submitDeletion(s, answer);
    expect(owns.status).toBe(409);
    expect(owns.html).toContain("Owner of a team");
    // the member leaves; the same answer again is a replay
    await t.app.db.prisma.membership.deleteMany({ where: { teamId: team.id, userId: member.id } });
    const replay = await submitDeletion(s, answer);
    expect(replay.status).toBe(400);
    expect(replay.html).toContain("That passkey was not accepted");
    expect(await userRow(user.id)).not.toBeNull();
    expect(await failures(user.id)).toEqual(["owns_teams", "passkey_challenge"]);
  });

  it("a user with a password may use the password or a passkey; the page offers both", async () => {
    const user = await t.createUser();
    const auth = p.authenticator();
    expect((await p.register(user, auth)).html).toContain("was added");
    // signed in with the password (the passkey as the second step), on the data page
    const { browser } = await p.accountPage(user, auth);
    const page = await browser.go(`${t.url}/account/data`);
    expect(page.html).toContain("Delete my account with a passkey");
    expect(page.html).toContain("Delete my account with my password");
    const done = await submitDeletion({ browser, page }, auth.get(await deletionOptions({ browser, page })));
    expect(done.html).toContain("Your account was deleted");
    expect(await userRow(user.id)).toBeNull();
  });

  it("DELETE /api/v1/me: a passkey-only account is sent to the page; nothing changes", async () => {
    const user = await t.createUser();
    const token = await api.apiToken(user); // signed in with the password, before it goes
    expect((await p.register(user, p.authenticator())).html).toContain("was added");
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: null } });
    const res = await api.call("DELETE", "/api/v1/me", token, {});
    expect(res.status, res.text).toBe(409);
    expect(res.body.code).toBe("account.passkey_required");
    expect(String(res.body.message)).toContain("/account/data");
    expect((await api.call("DELETE", "/api/v1/me", token, { password: user.password })).body.code).toBe("account.passkey_required");
    expect(await userRow(user.id)).not.toBeNull();
  });
});
