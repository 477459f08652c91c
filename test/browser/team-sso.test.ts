// Home-realm discovery (#17 item 3) in a real chromium: with JavaScript off, an address of a domain a team verified
// (a loopback DNS server holds its TXT record) and routed to its IdP, then "Continue with single sign-on" with the
// password left empty (the button skips the form's validation), goes through the IdP (a real oidc-provider on
// loopback) back to the relying party; the sign-in page and the Owner's "Domains & SSO" page pass axe and break no
// CSP rule.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomBytes } from "node:crypto";
import * as client from "openid-client";
import type { Browser } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";
import { startDnsServer, type DnsServer } from "../helpers/dns-server.ts";
import { createTeam } from "../helpers/team-flow.ts";
import { watchedPage } from "./csp-watch.ts";
import { axeViolations, blocking } from "./axe.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("home-realm discovery in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let dns: DnsServer;
  let idp: UpstreamIdp;
  let browser: Browser;
  let rp: client.Configuration;
  let owner: Awaited<ReturnType<TestApp["createUser"]>>;
  let teamSlug = "";
  const domain = `chromium-${randomBytes(4).toString("hex")}.test`;

  beforeAll(async () => {
    browser = await launchChromium();
    dns = await startDnsServer();
    t = await startTestApp({ DNS_SERVERS: dns.address });
    idp = await startUpstreamIdp([`${t.url}/federation/corp/callback`], {
      sub: "chromium-sso",
      email: `grace@${domain}`,
      email_verified: true,
    });
    const made = await t.app.services.connectors.create(
      {
        slug: "corp",
        name: "Corp SSO",
        kind: "oidc",
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        trustEmailVerified: true,
      },
      { actorId: "cli", via: "cli" },
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
    owner = await t.createUser();
    const team = await createTeam(t, owner.id);
    teamSlug = team.slug;
    const request = { ip: null, userAgent: null };
    const added = await t.app.services.teamDomains.add(team.id, owner.id, domain, request);
    if (added.outcome !== "added") throw new Error(JSON.stringify(added));
    dns.records.set(added.domain.recordName, [added.domain.recordValue]);
    expect((await t.app.services.teamDomains.verify(team.id, owner.id, added.domain.id, request)).outcome).toBe("verified");
    expect((await t.app.services.teamDomains.update(team.id, owner.id, added.domain.id, { connector: "corp" }, request)).outcome).toBe(
      "updated",
    );
    const { clientId, clientSecret } = await t.createClient({
      name: "Acme Notes",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await t?.close();
    await dns?.close();
  });

  it("without JavaScript: the address, an empty password, Continue with single sign-on: through the team's IdP to the relying party", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    const violations: string[] = [];
    const page = await watchedPage(
      context,
      (v) => {
        violations.push(v);
      },
      { javaScript: false },
    );
    const reachedRp = page.waitForRequest((r) => r.url().startsWith(REDIRECT));
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    await page.goto(url.toString());
    await page.getByLabel("Email or username").fill(`grace@${domain}`);
    await page.getByRole("button", { name: "Continue with single sign-on" }).click();
    expect(new URL((await reachedRp).url()).searchParams.get("code")).toBeTruthy();
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { subject: "chromium-sso" } })).toBe(1);
    expect(violations).toEqual([]);
    await context.close();
  });

  it("the sign-in page with the button and the Owner's Domains & SSO page pass axe", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const violations: string[] = [];
    const page = await watchedPage(context, (v) => {
      violations.push(v);
    });
    await page.goto(`${t.url}/login?return_to=${encodeURIComponent(`/account/teams/${teamSlug}/sso`)}`);
    expect(blocking(await axeViolations(page)), "axe: the sign-in page with single sign-on").toEqual([]);
    await page.getByLabel("Email or username").fill(owner.email);
    await page.getByLabel("Password", { exact: true }).fill(owner.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/sso$/);
    await expect(page.getByRole("heading", { name: "Domains and single sign-on" }).isVisible()).resolves.toBe(true);
    expect(blocking(await axeViolations(page)), "axe: the Domains & SSO page").toEqual([]);
    expect(violations).toEqual([]);
    await context.close();
  });
});
