// Linking an upstream identity to an existing account with one of that account's passkeys (#17), through the
// real pages with a software authenticator: the link page's passkey form answers this interaction's challenge;
// the account's own key links and signs in (identity.linked, proof passkey), another account's key is refused
// (401, nothing linked, audited).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { PASSKEY_REDIRECT, passkeyPages, type PasskeyOptions } from "../helpers/passkey-pages.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";

describe("linking an upstream identity with a passkey", () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  let pages: ReturnType<typeof passkeyPages>;
  let rp: client.Configuration;
  beforeAll(async () => {
    t = await startTestApp({}, { hostname: "localhost" });
    const { clientId, clientSecret } = await t.createClient({
      name: "Passkey RP",
      type: "confidential",
      redirectUris: [PASSKEY_REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
    pages = passkeyPages(t, rp);
    idp = await startUpstreamIdp([`${t.url}/federation/company/callback`], {
      sub: "pk-0",
      email: "nobody@example.test",
      email_verified: true,
    });
    const made = await t.app.services.connectors.create(
      {
        slug: "company",
        name: "Company",
        kind: "oidc",
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        trustEmailVerified: true,
      },
      { actorId: "cli", via: "cli" },
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
  });
  afterAll(async () => {
    await idp?.close();
    await t?.close();
  });

  /** the RP's sign-in, "Sign in with Company" as `sub` with `email`: the link page */
  async function linkPage(sub: string, email: string) {
    idp.user = { sub, email, email_verified: true };
    const browser = new TestBrowser(t.url);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: PASSKEY_REDIRECT,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const login = await browser.go(url.href);
    const page = await browser.submit(login, "/federation/company", {}, { stopAt: PASSKEY_REDIRECT });
    expect(page.url).toMatch(/\/federation-link$/);
    const uid = /\/interaction\/([\w-]+)/.exec(page.url)![1]!;
    const options = (
      await pages.postJson(browser, `${t.url}/interaction/${uid}/passkey/options`, {
        _csrf: pages.csrfOf(page, "/federation-link"),
        factor: "first",
      })
    ).json as PasskeyOptions;
    return { browser, page, options };
  }
  const linksOf = (userId: string) => t.app.db.prisma.linkedIdentity.findMany({ where: { userId } });

  it("another account's passkey is refused and links nothing; the account's own passkey links and signs in", async () => {
    const owner = await pages.withPasskey();
    const stranger = await pages.withPasskey();

    const wrong = await linkPage("pk-1", owner.user.email);
    const refused = await wrong.browser.submit(
      wrong.page,
      "/federation-link",
      { response: JSON.stringify(stranger.auth.get(wrong.options)) },
      { stopAt: PASSKEY_REDIRECT },
    );
    expect(refused.status).toBe(401);
    expect(refused.html).toContain("That passkey was not accepted");
    expect(await linksOf(owner.user.id)).toEqual([]);
    expect(await linksOf(stranger.user.id)).toEqual([]);

    const right = await linkPage("pk-1", owner.user.email);
    const done = await right.browser.submit(
      right.page,
      "/federation-link",
      { response: JSON.stringify(owner.auth.get(right.options)) },
      { stopAt: PASSKEY_REDIRECT },
    );
    expect(done.url.startsWith(PASSKEY_REDIRECT)).toBe(true);
    expect(await linksOf(owner.user.id)).toMatchObject([{ subject: "pk-1" }]);
    const linked = await t.app.db.prisma.auditEvent.findMany({ where: { type: "identity.linked", userId: owner.user.id } });
    expect(linked.map((e) => e.data)).toEqual([{ connector: "company", proof: "passkey" }]);
    const failed = await t.app.db.prisma.auditEvent.findMany({
      where: { type: "login.failed", data: { path: ["method"], equals: "upstream_link" } },
    });
    expect(failed.map((e) => e.data)).toEqual([
      expect.objectContaining({ proof: "passkey", connector: "company", reason: "other_account" }),
    ]);
  });
});
