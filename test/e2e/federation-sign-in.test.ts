// Sign-in through upstream identity providers (#17) end to end: openid-client as the relying party, Gatehouse's
// login page button, a real second oidc-provider as the company IdP, a GitHub-shaped OAuth 2.0 stand-in and a
// rogue OIDC provider, all on loopback. The first sign-in makes the account just in time (verified address only
// when the upstream says so and the connector trusts it), the next one finds it; tokens say amr fed and idp; an
// existing account is never taken over; each bad answer (state, nonce, iss, another key, alg none, expired,
// upstream slow or down) is refused with a clear page, creates and links nothing, and is audited.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { decodeJwt } from "jose";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";
import { startGitHubStandIn, startRogueIdp } from "../helpers/standin-idps.ts";
import { freePort } from "../helpers/databases.ts";
import { enableTotp, totpCode } from "../helpers/totp-login.ts";

const REDIRECT = "https://rp.example.test/cb";
const API = "https://api.example.test";
const CLI = { actorId: "cli", via: "cli" as const };

describe("sign-in through upstream identity providers", () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  let github: Awaited<ReturnType<typeof startGitHubStandIn>>;
  let rogue: Awaited<ReturnType<typeof startRogueIdp>>;
  let rp: client.Configuration;
  const rogueEmail = uniqueEmail("rogue");

  beforeAll(async () => {
    t = await startTestApp({ FEDERATION_UPSTREAM_TIMEOUT: "2" });
    const cb = (slug: string) => `${t.url}/federation/${slug}/callback`;
    idp = await startUpstreamIdp([cb("company")], {
      sub: "emp-1",
      email: uniqueEmail("ada"),
      email_verified: true,
      name: "Ada Lovelace",
      preferred_username: "ada.lovelace",
    });
    github = await startGitHubStandIn({
      clientId: "gh-client",
      clientSecret: "gh-secret",
      user: {
        id: 4242,
        login: "octo-cat",
        name: "Octo Cat",
        email: null,
        emails: [{ email: uniqueEmail("octo"), primary: true, verified: true }],
      },
    });
    rogue = await startRogueIdp({ clientId: "rogue-client", clientSecret: "rogue-secret", sub: "rogue-1", email: rogueEmail });
    const make = async (input: Parameters<TestApp["app"]["services"]["connectors"]["create"]>[0]) => {
      const made = await t.app.services.connectors.create(input, CLI);
      if (made.outcome !== "created") throw new Error(JSON.stringify(made));
    };
    await make({
      slug: "company",
      name: "Company",
      kind: "oidc",
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      trustEmailVerified: true,
    });
    await make({
      slug: "github",
      preset: "github",
      clientId: "gh-client",
      clientSecret: "gh-secret",
      issuer: github.url,
      authorizationEndpoint: `${github.url}/login/oauth/authorize`,
      tokenEndpoint: `${github.url}/login/oauth/access_token`,
      userinfoEndpoint: `${github.url}/user`,
      emailsEndpoint: `${github.url}/user/emails`,
    });
    await make({
      slug: "rogue",
      name: "Rogue",
      kind: "oidc",
      issuer: rogue.url,
      clientId: "rogue-client",
      clientSecret: "rogue-secret",
      trustEmailVerified: true,
    });
    await make({
      slug: "down",
      name: "Down",
      kind: "oidc",
      issuer: `http://127.0.0.1:${await freePort()}`,
      clientId: "x",
      clientSecret: "y",
    });
    const { clientId, clientSecret } = await t.createClient({
      name: "Federated RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      resources: [API],
    });
    rp = await discover(t.url, clientId, clientSecret);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([idp?.close(), github?.close(), rogue?.close()]);
    await t?.close();
  });

  /** opens the RP's authorization request, clicks "Sign in with <slug>"; stops at the RP or at a page */
  async function signInVia(slug: string, opts: { stopAt?: string; browser?: TestBrowser } = {}) {
    const browser = opts.browser ?? new TestBrowser(t.url);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid email profile",
      resource: API,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const login = await browser.go(url.href, { stopAt: REDIRECT });
    expect(login.html).toContain(`data-upstream="${slug}"`);
    const page = await browser.submit(login, `/federation/${slug}`, {}, { stopAt: opts.stopAt ?? REDIRECT });
    const tokens = (at = page.url) =>
      client.authorizationCodeGrant(rp, new URL(at), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        expectedNonce: nonce,
        idTokenExpected: true,
      });
    return { browser, page, tokens };
  }
  const failures = (connector: string) =>
    t.app.db.prisma.auditEvent.findMany({
      where: { type: "login.failed", data: { path: ["connector"], equals: connector } },
      orderBy: { id: "asc" },
    });
  const reasonsOf = async (connector: string) => (await failures(connector)).map((e) => (e.data as { reason: string }).reason);

  it("the login page shows a plain button per enabled provider, no third-party scripts or images", async () => {
    const browser = new TestBrowser(t.url);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    const page = await browser.go(url.href);
    for (const name of ["Company", "GitHub", "Rogue", "Down"]) expect(page.html).toContain(`Sign in with ${name}`);
    expect(page.html).not.toMatch(/<(img|script)[^>]+src="https?:\/\/(?!127\.0\.0\.1)/);
  });

  it("first sign-in through the company IdP makes the account just in time; tokens say amr fed and idp; the next sign-in finds it", async () => {
    const first = await signInVia("company");
    expect(first.page.url.startsWith(REDIRECT)).toBe(true);
    const tokens = await first.tokens();
    const id = tokens.claims()!;
    expect(id.amr).toContain("fed");
    expect(id.idp).toBe("company");
    const access = decodeJwt(tokens.access_token);
    expect(access.amr).toContain("fed");
    expect(access.idp).toBe("company");
    const user = await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: String(id.sub) } });
    expect(user).toMatchObject({
      email: idp.user.email,
      emailVerified: true,
      username: "ada.lovelace",
      name: "Ada Lovelace",
      passwordHash: null,
    });
    const links = await t.app.db.prisma.linkedIdentity.findMany({ where: { userId: user.id } });
    expect(links).toMatchObject([{ subject: "emp-1", email: idp.user.email }]);
    const succeeded = await t.app.db.prisma.auditEvent.findMany({ where: { type: "login.succeeded", userId: user.id } });
    expect(succeeded.map((e) => e.data)).toEqual([expect.objectContaining({ method: "upstream", connector: "company", amr: ["fed"] })]);

    const again = await signInVia("company");
    expect(String((await again.tokens()).claims()!.sub)).toBe(user.id);
    expect(await t.app.db.prisma.user.count({ where: { emailNormalized: idp.user.email.toLowerCase() } })).toBe(1);
  });

  it("the engine runs it like any first factor: an account with TOTP is asked for its code; tokens say fed + otp", async () => {
    const saved = idp.user;
    idp.user = { sub: "emp-totp", email: uniqueEmail("totp"), email_verified: true };
    try {
      const first = await signInVia("company");
      const userId = String((await first.tokens()).claims()!.sub);
      const now = { epoch: () => Math.floor(Date.now() / 1000) };
      const { secret } = await enableTotp(t, { ...now, now: () => new Date(), advance: () => {} }, { id: userId, email: idp.user.email });
      const second = await signInVia("company");
      expect(second.page.url).toMatch(/\/totp$/);
      const done = await second.browser.submit(second.page, "/totp", { code: await totpCode(secret, now.epoch()) }, { stopAt: REDIRECT });
      const claims = (await second.tokens(done.url)).claims()!;
      expect(claims).toMatchObject({ sub: userId, idp: "company" });
      expect(claims.amr).toEqual(["fed", "otp"]);
      const last = (
        await t.app.db.prisma.auditEvent.findMany({ where: { type: "login.succeeded", userId }, orderBy: { id: "desc" }, take: 1 })
      )[0]!;
      expect(last.data).toMatchObject({ connector: "company", amr: ["fed", "otp"] });
    } finally {
      idp.user = saved;
    }
  });

  it("GitHub (OAuth 2.0): the verified primary address from /user/emails, the username from the login", async () => {
    const { page, tokens } = await signInVia("github");
    expect(page.url.startsWith(REDIRECT)).toBe(true);
    const claims = (await tokens()).claims()!;
    expect(claims).toMatchObject({ idp: "github" });
    const user = await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: String(claims.sub) } });
    expect(user).toMatchObject({ email: github.user.emails[0]!.email, emailVerified: true, username: "octo-cat" });
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { userId: user.id, subject: "4242" } })).toBe(1);
  });

  it("an existing account with the same address is never taken over: linking needs its password; unverified addresses cannot link", async () => {
    const owner = await t.createUser();
    const saved = idp.user;
    const linkedTo = () =>
      t.app.db.prisma.linkedIdentity.count({ where: { OR: [{ userId: owner.id }, { subject: { in: ["emp-2", "emp-3"] } }] } });
    try {
      idp.user = { sub: "emp-3", email: owner.email, email_verified: false };
      const unverified = await signInVia("company");
      expect(unverified.page.status).toBe(409);
      expect(unverified.page.html).toContain("has not verified the address");
      expect(await linkedTo()).toBe(0);

      idp.user = { sub: "emp-2", email: owner.email, email_verified: true };
      const { browser, page, tokens } = await signInVia("company");
      expect(page.url).toMatch(/\/federation-link$/);
      expect(page.html).toContain("Link Company to your account");
      expect(await linkedTo()).toBe(0);
      const wrong = await browser.submit(page, "/federation-link", { password: "not the password at all" }, { stopAt: REDIRECT });
      expect(wrong.status).toBe(401);
      expect(wrong.html).toContain("Invalid email or password");
      expect(await linkedTo()).toBe(0);
      const right = await browser.submit(wrong, "/federation-link", { password: owner.password }, { stopAt: REDIRECT });
      expect(right.url.startsWith(REDIRECT)).toBe(true);
      const claims = (await tokens(right.url)).claims()!;
      expect(claims).toMatchObject({ sub: owner.id, idp: "company", acr: "urn:gatehouse:loa:pwd" });
      // the password was proved as well (RFC 8176), yet fed + pwd are one factor
      expect(claims.amr).toEqual(["fed", "pwd"]);
    } finally {
      idp.user = saved;
    }
    expect(await t.app.db.prisma.linkedIdentity.findMany({ where: { userId: owner.id } })).toMatchObject([{ subject: "emp-2" }]);
    expect(await t.app.db.prisma.user.count({ where: { emailNormalized: owner.email.toLowerCase() } })).toBe(1);
    expect(await reasonsOf("company")).toEqual(
      expect.arrayContaining(["upstream.email_taken", "upstream.link_required", "wrong_password"]),
    );
    const linked = await t.app.db.prisma.auditEvent.findMany({ where: { type: "identity.linked", userId: owner.id } });
    expect(linked.map((e) => e.data)).toEqual([{ connector: "company", proof: "password" }]);
    const succeeded = await t.app.db.prisma.auditEvent.findMany({ where: { type: "login.succeeded", userId: owner.id } });
    expect(succeeded.map((e) => e.data)).toEqual([expect.objectContaining({ connector: "company", linked: "true", amr: ["fed", "pwd"] })]);
  });

  it("linking an account that has TOTP: nothing is linked on the password alone; a wrong code links nothing; the right one links", async () => {
    const owner = await t.createUser();
    const now = { epoch: () => Math.floor(Date.now() / 1000) };
    const { secret } = await enableTotp(t, { ...now, now: () => new Date(), advance: () => {} }, { id: owner.id, email: owner.email });
    const saved = idp.user;
    idp.user = { sub: "emp-link-totp", email: owner.email, email_verified: true };
    const linked = () => t.app.db.prisma.linkedIdentity.count({ where: { userId: owner.id } });
    try {
      const { browser, page, tokens } = await signInVia("company");
      expect(page.url).toMatch(/\/federation-link$/);
      const totp = await browser.submit(page, "/federation-link", { password: owner.password }, { stopAt: REDIRECT });
      expect(totp.url).toMatch(/\/totp$/);
      expect(await linked()).toBe(0);
      const wrong = await browser.submit(
        totp,
        "/totp",
        { code: "000000" === (await totpCode(secret, now.epoch())) ? "111111" : "000000" },
        { stopAt: REDIRECT },
      );
      expect(wrong.url.startsWith(REDIRECT)).toBe(false);
      expect(await linked()).toBe(0);
      const done = await browser.submit(wrong, "/totp", { code: await totpCode(secret, now.epoch()) }, { stopAt: REDIRECT });
      expect(done.url.startsWith(REDIRECT)).toBe(true);
      expect(await linked()).toBe(1);
      const claims = (await tokens(done.url)).claims()!;
      expect(claims).toMatchObject({ sub: owner.id, idp: "company", acr: "urn:gatehouse:loa:mfa" });
      expect(claims.amr).toEqual(["fed", "pwd", "otp"]);
    } finally {
      idp.user = saved;
    }
  });

  it("the same address in other letter case is the same account: never a second account, never a silent sign-in", async () => {
    const owner = await t.createUser();
    const saved = idp.user;
    try {
      idp.user = { sub: "emp-case-1", email: `  ${owner.email.toUpperCase()} `, email_verified: false };
      expect((await signInVia("company")).page.status).toBe(409);
      idp.user = { sub: "emp-case-2", email: owner.email.toUpperCase(), email_verified: true };
      expect((await signInVia("company")).page.url).toMatch(/\/federation-link$/);
    } finally {
      idp.user = saved;
    }
    expect(await t.app.db.prisma.user.count({ where: { emailNormalized: owner.email.toLowerCase() } })).toBe(1);
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { subject: { in: ["emp-case-1", "emp-case-2"] } } })).toBe(0);
  });

  it("a provider disabled while its link page is open links nothing, even with the right password", async () => {
    const owner = await t.createUser();
    const company = (await t.app.services.connectors.findBySlug("company"))!;
    const saved = idp.user;
    idp.user = { sub: "emp-link-disabled", email: owner.email, email_verified: true };
    try {
      const { browser, page } = await signInVia("company");
      expect(page.url).toMatch(/\/federation-link$/);
      await t.app.services.connectors.update(company.id, { enabled: false }, CLI);
      const right = await browser.submit(page, "/federation-link", { password: owner.password }, { stopAt: REDIRECT });
      expect(right.url.startsWith(REDIRECT)).toBe(false);
      expect(await t.app.db.prisma.linkedIdentity.count({ where: { userId: owner.id } })).toBe(0);
      expect(await t.app.db.prisma.auditEvent.count({ where: { type: "login.succeeded", userId: owner.id } })).toBe(0);
    } finally {
      idp.user = saved;
      await t.app.services.connectors.update(company.id, { enabled: true }, CLI);
    }
  });

  it("an unverified upstream address makes an account whose address is not verified; it signs in only once verified (PRODUCT.md 2)", async () => {
    const saved = idp.user;
    idp.user = { sub: "emp-4", email: uniqueEmail("unverified"), email_verified: false };
    try {
      const { page } = await signInVia("company");
      // no tokens: the verification page, which can send a new link
      expect(page.url.startsWith(REDIRECT)).toBe(false);
      expect(page.status).toBe(403);
      expect(page.html).toContain("Please verify your email address before signing in");
      expect(page.html).toContain("/verify-email/resend");
      const user = await t.app.db.prisma.user.findFirstOrThrow({ where: { emailNormalized: idp.user.email.toLowerCase() } });
      expect(user).toMatchObject({ email: idp.user.email, emailVerified: false });
      expect((await failures("company")).at(-1)!.data).toMatchObject({ reason: "email_unverified" });
      expect(await t.app.db.prisma.auditEvent.count({ where: { type: "login.succeeded", userId: user.id } })).toBe(0);
      // the address verified (its emailed link): the same upstream sign-in now goes through
      await t.app.db.prisma.user.update({ where: { id: user.id }, data: { emailVerified: true, emailVerifiedAt: new Date() } });
      const again = await signInVia("company");
      expect(String((await again.tokens()).claims()!.sub)).toBe(user.id);
    } finally {
      idp.user = saved;
    }
  });

  for (const [mode, detail] of [
    ["other_key", /signature/i],
    ["alg_none", /alg/i],
    ["expired", /exp/i],
    ["wrong_nonce", /nonce/i],
    ["wrong_iss", /iss/i],
  ] as const) {
    it(`an ID token with ${mode.replace("_", " ")} is refused: clear page, nothing created or linked, audited`, async () => {
      rogue.mode = mode;
      const { page } = await signInVia("rogue");
      expect(page.status).toBe(400);
      expect(page.html).toContain("its answer could not be accepted");
      expect(await t.app.db.prisma.user.count({ where: { emailNormalized: rogueEmail.toLowerCase() } })).toBe(0);
      const rogueRow = (await t.app.services.connectors.findBySlug("rogue"))!;
      expect(await t.app.db.prisma.linkedIdentity.count({ where: { connectorId: rogueRow.id } })).toBe(0);
      const last = (await failures("rogue")).at(-1)!.data as { reason: string; detail: string };
      expect(last.reason).toBe("upstream.token_invalid");
      expect(last.detail).toMatch(detail);
    });
  }

  it("a good answer from the same rogue-shaped provider passes (the refusals above are about the token)", async () => {
    rogue.mode = "good";
    const { page } = await signInVia("rogue");
    expect(page.url.startsWith(REDIRECT)).toBe(true);
  });

  it("a slow upstream token endpoint ends in a 503 page with Retry-After, not a hang; audited", async () => {
    rogue.mode = "slow";
    const { page } = await signInVia("rogue", { stopAt: REDIRECT });
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("30");
    expect(page.html).toContain("did not answer in time");
    expect((await reasonsOf("rogue")).at(-1)).toBe("upstream.unavailable");
  });

  it("an upstream that is down: 503 with Retry-After at the button", async () => {
    const { page } = await signInVia("down");
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("30");
  });

  it("a disabled provider: no button, the start refused (404), a sign-in already at the provider refused on return", async () => {
    const company = (await t.app.services.connectors.findBySlug("company"))!;
    const started = await signInVia("company", { stopAt: `${t.url}/federation/company/callback` });
    await t.app.services.connectors.update(company.id, { enabled: false }, CLI);
    try {
      const browser = new TestBrowser(t.url);
      const url = client.buildAuthorizationUrl(rp, {
        redirect_uri: REDIRECT,
        scope: "openid",
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: "S256",
      });
      const login = await browser.go(url.href);
      expect(login.html).not.toContain('data-upstream="company"');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(login.html)![1]!;
      const start = await browser.go(`${login.url}/federation/company`, {
        init: {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", origin: t.url },
          body: `_csrf=${encodeURIComponent(csrf)}`,
        },
      });
      expect(start.status).toBe(404);
      const back = await started.browser.go(started.page.url, { stopAt: REDIRECT });
      expect(back.status).toBe(400);
      expect((await reasonsOf("company")).at(-1)).toBe("upstream.disabled");
    } finally {
      await t.app.services.connectors.update(company.id, { enabled: true }, CLI);
    }
  });

  it("the user cancels at the provider (error=access_denied): a clear page to start again, nobody signed in, audited, the state spent", async () => {
    const saved = idp.user;
    idp.user = { sub: "emp-cancel", email: uniqueEmail("cancel"), email_verified: true };
    try {
      const atUpstream = await signInVia("company", { stopAt: idp.issuer });
      const state = new URL(atUpstream.page.url).searchParams.get("state")!;
      expect(state).toBeTruthy();
      // what the upstream sends back when the user says no (RFC 6749 4.1.2.1)
      const back = `${t.url}/federation/company/callback?error=access_denied&error_description=${encodeURIComponent("The user cancelled <script>")}&state=${encodeURIComponent(state)}&iss=${encodeURIComponent(idp.issuer)}`;
      const page = await atUpstream.browser.go(back, { stopAt: REDIRECT });
      expect(page.status).toBe(400);
      expect(page.html).toContain("was cancelled there");
      expect(page.html).not.toContain("<script>");
      expect(page.html).toMatch(/href="\/interaction\/[^"]+"/);
      const last = (await failures("company")).at(-1)!.data as { reason: string; detail: string };
      expect(last).toMatchObject({ reason: "upstream.cancelled", detail: expect.stringContaining("access_denied") });
      expect(await t.app.db.prisma.user.count({ where: { emailNormalized: idp.user.email.toLowerCase() } })).toBe(0);
      expect((await atUpstream.browser.go(back, { stopAt: REDIRECT })).status).toBe(400);
      expect((await failures("company")).at(-1)!.data).toMatchObject({ reason: "upstream.state" });
    } finally {
      idp.user = saved;
    }
  });

  it("state: forged, replayed, or another browser's sign-in is refused and audited; it signs nobody in", async () => {
    const forged = await new TestBrowser(t.url).go(`${t.url}/federation/company/callback?code=abc&state=forged`);
    expect(forged.status).toBe(400);
    expect((await reasonsOf("company")).at(-1)).toBe("upstream.state");

    // the attacker starts a sign-in and stops at the callback, then hands the URL to a victim's browser
    const attacker = await signInVia("company", { stopAt: `${t.url}/federation/company/callback` });
    const callbackUrl = attacker.page.url;
    const victim = new TestBrowser(t.url);
    const hijack: Page = await victim.go(callbackUrl, { stopAt: REDIRECT });
    expect(hijack.status).toBe(400);
    expect(hijack.url.startsWith(REDIRECT)).toBe(false);
    // the attacker's own browser still completes (its state was not spent), then a replay is refused
    const done = await attacker.browser.go(callbackUrl, { stopAt: REDIRECT });
    expect(done.url.startsWith(REDIRECT)).toBe(true);
    const replay = await attacker.browser.go(callbackUrl, { stopAt: REDIRECT });
    expect(replay.status).toBe(400);
  });
});
