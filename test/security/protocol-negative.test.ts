// What a relying party (or an attacker posing as one) must not get away with: unregistered or altered
// redirect URIs, missing or plain PKCE, reused codes, parallel refresh, bad client secrets.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode, signInThroughPages } from "../helpers/oidc-flow.ts";

const REDIRECT = "https://rp.example.test/callback";

describe("protocol negative cases", () => {
  let t: TestApp;
  let user: Awaited<ReturnType<TestApp["createUser"]>>;
  let rp: client.Configuration;
  let clientId: string;
  let clientSecret: string;

  beforeAll(async () => {
    t = await startTestApp({ REFRESH_REUSE_GRACE_SECONDS: "5" });
    user = await t.createUser();
    const created = await t.createClient({
      name: "Neg RP",
      type: "confidential",
      redirectUris: [REDIRECT],
      grantTypes: ["authorization_code", "refresh_token"],
      firstParty: true,
    });
    clientId = created.clientId;
    clientSecret = created.clientSecret!;
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  const authUrl = (params: Record<string, string>) => {
    const u = new URL("/auth", t.url);
    for (const [k, v] of Object.entries({ client_id: clientId, response_type: "code", scope: "openid", ...params }))
      u.searchParams.set(k, v);
    return u.toString();
  };
  const challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGjSstw-cM";

  it.each([
    ["unregistered", "https://evil.example.test/callback"],
    ["altered path", "https://rp.example.test/callback/../steal"],
    ["extra query", "https://rp.example.test/callback?x=1"],
    ["different scheme", "http://rp.example.test/callback"],
    ["trailing slash", "https://rp.example.test/callback/"],
  ])("redirect_uri %s: an error page, never a redirect", async (_label, redirectUri) => {
    const res = await fetch(authUrl({ redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: "S256" }), {
      redirect: "manual",
    });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    const html = await res.text();
    expect(html).toContain("has not registered");
    expect(html).not.toContain("evil.example.test/callback?");
  });

  it("unknown client_id: an error page, no redirect", async () => {
    const u = new URL(authUrl({ redirect_uri: REDIRECT, code_challenge: challenge, code_challenge_method: "S256" }));
    u.searchParams.set("client_id", "no-such-client");
    const res = await fetch(u, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
    expect(await res.text()).toContain("not registered");
  });

  it("missing PKCE is refused (redirected back with an error, nothing issued)", async () => {
    const res = await fetch(authUrl({ redirect_uri: REDIRECT }), { redirect: "manual" });
    const location = new URL(res.headers.get("location")!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("error_description")).toMatch(/PKCE/);
    expect(location.searchParams.get("code")).toBeNull();
  });

  it("plain PKCE is refused", async () => {
    const res = await fetch(authUrl({ redirect_uri: REDIRECT, code_challenge: "a".repeat(43), code_challenge_method: "plain" }), {
      redirect: "manual",
    });
    const location = new URL(res.headers.get("location")!);
    expect(location.searchParams.get("error")).toBe("invalid_request");
    expect(location.searchParams.get("code")).toBeNull();
  });

  it("implicit and hybrid response types are refused", async () => {
    for (const responseType of ["token", "id_token", "code id_token"]) {
      const res = await fetch(
        authUrl({
          redirect_uri: REDIRECT,
          response_type: responseType,
          nonce: "n",
          code_challenge: challenge,
          code_challenge_method: "S256",
        }),
        { redirect: "manual" },
      );
      const location = new URL(res.headers.get("location")!);
      expect(location.searchParams.get("error") ?? new URLSearchParams(location.hash.slice(1)).get("error")).toBe(
        "unsupported_response_type",
      );
    }
  });

  it("a code exchanged with a wrong verifier, without one, or twice, fails; the second use revokes the grant", async () => {
    const browser = new TestBrowser(t.url);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid offline_access",
      prompt: "consent",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const { callback } = await signInThroughPages(browser, url.toString(), REDIRECT, { identifier: user.email, password: user.password });
    const code = new URL(callback).searchParams.get("code")!;
    const exchange = (params: Record<string, string>) =>
      fetch(`${t.url}/token`, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
        },
        body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, ...params }),
      });
    const wrongVerifier = await exchange({ code_verifier: client.randomPKCECodeVerifier() });
    expect(wrongVerifier.status).toBe(400);
    const noVerifier = await exchange({});
    expect(noVerifier.status).toBe(400);
    expect(((await noVerifier.json()) as { error: string }).error).toBe("invalid_grant");
    expect(((await wrongVerifier.json()) as { error: string }).error).toBe("invalid_grant");
    const first = await exchange({ code_verifier: verifier });
    expect(first.status).toBe(200);
    const tokens = (await first.json()) as { access_token: string; refresh_token: string };
    const second = await exchange({ code_verifier: verifier });
    expect(second.status).toBe(400);
    expect(((await second.json()) as { error: string }).error).toBe("invalid_grant");
    // everything issued from that code is revoked
    expect((await client.tokenIntrospection(rp, tokens.access_token)).active).toBe(false);
    await expect(client.refreshTokenGrant(rp, tokens.refresh_token)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("ten parallel uses of one code: at most one succeeds", async () => {
    const browser = new TestBrowser(t.url);
    const verifier = client.randomPKCECodeVerifier();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    const { callback } = await signInThroughPages(browser, url.toString(), REDIRECT, { identifier: user.email, password: user.password });
    const code = new URL(callback).searchParams.get("code")!;
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${t.url}/token`, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
          },
          body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier }),
        }),
      ),
    );
    expect(results.filter((r) => r.status === 200).length).toBe(1);
    expect(results.filter((r) => r.status === 400).length).toBe(9);
  });

  it("ten parallel refreshes of one token: exactly one new token set; within the grace window the grant survives", async () => {
    const { tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, { identifier: user.email, password: user.password });
    const settled = await Promise.allSettled(Array.from({ length: 10 }, () => client.refreshTokenGrant(rp, tokens.refresh_token!)));
    const won = settled.filter(
      (s): s is PromiseFulfilledResult<Awaited<ReturnType<typeof client.refreshTokenGrant>>> => s.status === "fulfilled",
    );
    expect(won.length).toBe(1);
    for (const s of settled) if (s.status === "rejected") expect(s.reason).toMatchObject({ error: "invalid_grant" });
    // the winner's new refresh token still works: a concurrent refresh is not treated as theft
    const next = await client.refreshTokenGrant(rp, won[0]!.value.refresh_token!);
    expect(next.access_token).toBeTruthy();
  });

  it("a wrong client secret is refused at the token endpoint", async () => {
    const bad = await discover(t.url, clientId, `${clientSecret.slice(0, -2)}xx`);
    await expect(client.clientCredentialsGrant(bad, {})).rejects.toMatchObject({ error: "invalid_client" });
    const res = await fetch(`${t.url}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: "x", client_id: clientId, client_secret: "guess" }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: string }).error).toBe("invalid_client");
  });

  it("a first-party client skips the consent page, even with prompt=consent, and still gets its refresh token", async () => {
    const { pages, tokens } = await loginWithCode(rp, new TestBrowser(t.url), REDIRECT, {
      identifier: user.email,
      password: user.password,
    });
    expect(pages.some((p) => p.html.includes("/confirm"))).toBe(false);
    expect(tokens.refresh_token).toBeTruthy();
    const { events } = await t.app.db.prisma.auditEvent
      .findMany({ where: { type: "consent.granted", userId: user.id } })
      .then((events) => ({ events }));
    expect(events.some((e) => (e.data as { firstParty?: boolean }).firstParty === true)).toBe(true);
  });
});
