// Upstream connectors and the protocol with an upstream (#17, step 1), against a real oidc-provider on loopback:
// presets fill everything but id and secret; the secret is encrypted with the master key and never shown; a
// started sign-in carries PKCE S256, state and nonce; the callback's state is single use and bound to its
// interaction; a tampered `iss` (RFC 9207) is refused; an upstream that is down or never answers fails within
// the timeout, nothing hangs.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";
import { freePort } from "../helpers/databases.ts";

const CLI = { actorId: "cli", via: "cli" as const };

describe("upstream connectors and the upstream protocol", () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  let hanging: http.Server;
  beforeAll(async () => {
    t = await startTestApp({ FEDERATION_UPSTREAM_TIMEOUT: "1" });
    idp = await startUpstreamIdp([`${t.url}/federation/company/callback`], {
      sub: "u-123",
      email: "ada@company.test",
      email_verified: true,
      name: "Ada",
    });
    hanging = http.createServer(() => {
      /* never answers */
    });
    await new Promise<void>((r) => hanging.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    hanging?.closeAllConnections();
    hanging?.close();
    await idp?.close();
    await t?.close();
  });
  const connectors = () => t.app.services.connectors;
  const upstream = () => t.app.services.upstream;

  it("a preset fills everything but the client id and secret; the secret is encrypted and never in the view", async () => {
    const made = await connectors().create({ slug: "google-test", preset: "google", clientId: "gid", clientSecret: "g-secret-value" }, CLI);
    expect(made.outcome).toBe("created");
    if (made.outcome !== "created") return;
    expect(made.connector).toMatchObject({
      kind: "oidc",
      issuer: "https://accounts.google.com",
      name: "Google",
      scopes: ["openid", "email", "profile"],
      trustEmailVerified: true,
      preset: "google",
    });
    const row = await t.app.db.prisma.upstreamConnector.findUnique({ where: { id: made.connector.id } });
    expect(row!.clientSecretEncrypted).not.toContain("g-secret-value");
    expect(connectors().secretOf(made.connector)).toBe("g-secret-value");
    const github = await connectors().create({ slug: "github-test", preset: "github", clientId: "hid", clientSecret: "h" }, CLI);
    expect(github).toMatchObject({
      outcome: "created",
      connector: { kind: "oauth2", tokenEndpoint: "https://github.com/login/oauth/access_token", claimsMapping: { subject: "id" } },
    });
    const audit = await t.app.db.prisma.auditEvent.findMany({ where: { type: "connector.created" } });
    expect(audit.map((e) => (e.data as { slug: string }).slug).sort()).toEqual(["github-test", "google-test"]);
    expect(JSON.stringify(audit.map((e) => e.data))).not.toContain("g-secret-value");
  });

  it("refuses incomplete or unsafe settings and a taken slug, creating nothing", async () => {
    expect(await connectors().create({ slug: "ms", preset: "microsoft", clientId: "a", clientSecret: "b" }, CLI)).toMatchObject({
      outcome: "invalid",
      field: "issuer",
    });
    expect(
      await connectors().create(
        { slug: "oa", name: "OA", kind: "oauth2", clientId: "a", clientSecret: "b", authorizationEndpoint: "https://x.test/a" },
        CLI,
      ),
    ).toMatchObject({ outcome: "invalid", field: "tokenEndpoint" });
    expect(await connectors().create({ slug: "google-test", preset: "google", clientId: "a", clientSecret: "b" }, CLI)).toEqual({
      outcome: "slug_taken",
    });
    expect(await t.app.db.prisma.upstreamConnector.count({ where: { slug: { in: ["ms", "oa"] } } })).toBe(0);
  });

  async function companyConnector() {
    const existing = await connectors().findBySlug("company");
    if (existing) return existing;
    const made = await connectors().create(
      { slug: "company", name: "Company", kind: "oidc", issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
      CLI,
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
    return made.connector;
  }

  /** runs the upstream's side: the browser follows the authorization URL back to our callback; its query */
  async function throughUpstream(url: string): Promise<URLSearchParams> {
    const page = await new TestBrowser(idp.issuer).go(url, { stopAt: `${t.url}/federation/company/callback` });
    expect(page.url.startsWith(`${t.url}/federation/company/callback`)).toBe(true);
    return new URL(page.url).searchParams;
  }

  it("a sign-in through the upstream: PKCE, state and nonce; the state is single use and bound to its interaction", async () => {
    const c = await companyConnector();
    const started = await upstream().start(c, "interaction-1");
    expect(started.outcome).toBe("redirect");
    if (started.outcome !== "redirect") return;
    const auth = new URL(started.url);
    expect(auth.searchParams.get("code_challenge_method")).toBe("S256");
    expect(auth.searchParams.get("nonce")).toBeTruthy();
    expect(auth.searchParams.get("redirect_uri")).toBe(`${t.url}/federation/company/callback`);
    const query = await throughUpstream(started.url);
    expect(await upstream().interactionOf(query.get("state")!)).toBe("interaction-1");
    const done = await upstream().finish("company", query, "interaction-1");
    expect(done).toMatchObject({
      outcome: "ok",
      profile: { subject: "u-123", email: "ada@company.test", emailVerified: true, name: "Ada" },
    });
    // the same answer again: the state is spent
    expect(await upstream().finish("company", query, "interaction-1")).toMatchObject({ outcome: "failed", reason: "state" });
  });

  it("a state from another interaction, or an unknown state, is refused and spends nothing else", async () => {
    const c = await companyConnector();
    const started = await upstream().start(c, "interaction-2");
    if (started.outcome !== "redirect") throw new Error("not started");
    const query = await throughUpstream(started.url);
    expect(await upstream().finish("company", query, "someone-else")).toMatchObject({
      outcome: "failed",
      reason: "state",
      detail: "state of another sign-in",
    });
    const forged = new URLSearchParams(query);
    forged.set("state", "forged-state");
    expect(await upstream().finish("company", forged, "interaction-2")).toMatchObject({
      outcome: "failed",
      reason: "state",
      detail: "unknown or used state",
    });
  });

  it("a callback whose iss names another issuer (RFC 9207 mix-up) is refused", async () => {
    const c = await companyConnector();
    const started = await upstream().start(c, "interaction-3");
    if (started.outcome !== "redirect") throw new Error("not started");
    const query = await throughUpstream(started.url);
    expect(query.get("iss")).toBe(idp.issuer);
    query.set("iss", "https://evil.example.test");
    const done = await upstream().finish("company", query, "interaction-3");
    expect(done).toMatchObject({ outcome: "failed", reason: "token_invalid" });
    expect((done as { detail: string }).detail).toMatch(/iss/);
  });

  it("an upstream that is down or never answers fails within the timeout", async () => {
    const down = await connectors().create(
      { slug: "down", name: "Down", kind: "oidc", issuer: `http://127.0.0.1:${await freePort()}`, clientId: "a", clientSecret: "b" },
      CLI,
    );
    const slow = await connectors().create(
      {
        slug: "slow",
        name: "Slow",
        kind: "oidc",
        issuer: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`,
        clientId: "a",
        clientSecret: "b",
      },
      CLI,
    );
    if (down.outcome !== "created" || slow.outcome !== "created") throw new Error("not created");
    expect(await upstream().start(down.connector, "i-down")).toMatchObject({ outcome: "unavailable" });
    expect(await upstream().start(slow.connector, "i-slow")).toMatchObject({ outcome: "unavailable" });
  });
});
