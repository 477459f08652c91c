// The login page's "Sign in with …" button of an upstream identity provider (#17) in a real chromium: reached
// and pressed from the keyboard, it goes through the upstream (a real oidc-provider on loopback) and back to the
// relying party, signed in; the login page loads nothing from another origin, and no CSP violation happens.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import type { Browser } from "playwright-core";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { startUpstreamIdp, type UpstreamIdp } from "../helpers/upstream-idp.ts";
import { watchedPage } from "./csp-watch.ts";
import { axeViolations, blocking } from "./axe.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("the upstream sign-in button in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let idp: UpstreamIdp;
  let browser: Browser;
  let rp: client.Configuration;
  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    idp = await startUpstreamIdp([`${t.url}/federation/company/callback`], {
      sub: "chromium-1",
      email: uniqueEmail("chromium"),
      email_verified: true,
    });
    const made = await t.app.services.connectors.create(
      {
        slug: "company",
        name: "Company SSO",
        kind: "oidc",
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: idp.clientSecret,
        trustEmailVerified: true,
      },
      { actorId: "cli", via: "cli" },
    );
    if (made.outcome !== "created") throw new Error(JSON.stringify(made));
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
  });

  it("keyboard: Tab to the button, Enter, through the upstream and back to the relying party", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const violations: string[] = [];
    const page = await watchedPage(context, (v) => {
      violations.push(v);
    });
    const loginRequests: string[] = [];
    page.on("request", (r) => {
      if (!r.url().startsWith(REDIRECT)) loginRequests.push(r.url());
    });
    const reachedRp = page.waitForRequest((r) => r.url().startsWith(REDIRECT));
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    await page.goto(url.toString());
    const button = page.getByRole("button", { name: "Sign in with Company SSO" });
    await expect(button.isVisible()).resolves.toBe(true);
    expect(blocking(await axeViolations(page)), "axe: the sign-in page with provider buttons").toEqual([]);
    // everything the sign-in page loaded came from Gatehouse itself
    expect(loginRequests.filter((u) => !u.startsWith(t.url))).toEqual([]);
    for (let i = 0; i < 30 && !(await button.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press("Tab");
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    const callback = new URL((await reachedRp).url());
    expect(callback.searchParams.get("code")).toBeTruthy();
    expect(loginRequests.some((u) => u.startsWith(idp.issuer))).toBe(true);
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { subject: "chromium-1" } })).toBe(1);
    expect(violations).toEqual([]);
    await context.close();
  });

  it("the link page (an account has the address): accessible, and the password links it", async () => {
    const owner = await t.createUser();
    idp.user = { sub: "chromium-2", email: owner.email, email_verified: true };
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const violations: string[] = [];
    const page = await watchedPage(context, (v) => {
      violations.push(v);
    });
    const reachedRp = page.waitForRequest((r) => r.url().startsWith(REDIRECT));
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    await page.goto(url.toString());
    await page.getByRole("button", { name: "Sign in with Company SSO" }).click();
    await page.waitForURL(/\/federation-link$/);
    expect(blocking(await axeViolations(page)), "axe: the link page").toEqual([]);
    await page.getByLabel(`Password of ${owner.email}`).fill(owner.password);
    await page.getByRole("button", { name: "Link and sign in" }).click();
    expect(new URL((await reachedRp).url()).searchParams.get("code")).toBeTruthy();
    expect(await t.app.db.prisma.linkedIdentity.count({ where: { userId: owner.id, subject: "chromium-2" } })).toBe(1);
    expect(violations).toEqual([]);
    await context.close();
  });
});
