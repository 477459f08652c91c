// Passkeys in a real chromium with the DevTools WebAuthn virtual authenticator, against a real Gatehouse whose
// ISSUER is http://localhost:<port> (an RP ID cannot be an IP address). A platform authenticator (internal,
// user verification) is registered on the account page and then signs in alone, from the "Sign in with a
// passkey" button; a cross-platform security key (usb) is registered and used as the second factor after the
// password. openid-client, the relying party, checks the ID token's amr, acr and auth_time each time. A
// passkey-only account deletes itself with its passkey on /account/data. No CSP violation happens on any page.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import * as client from "openid-client";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { watchedPage } from "./csp-watch.ts";
import { textContrasts } from "./contrast.ts";
import { ACR_PHISHING_RESISTANT } from "../../src/lib/acr.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("passkeys in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let browser: Browser;
  let rp: client.Configuration;
  const contexts: BrowserContext[] = [];
  let violations: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url }, { hostname: "localhost" });
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
    await t?.close();
    await sink?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    const seen = violations;
    violations = [];
    expect(seen, "Content-Security-Policy violations").toEqual([]);
  });

  /** a page with a virtual authenticator attached (internal: this device's, with user verification; usb: a security key) */
  async function pageWithAuthenticator(transport: "internal" | "usb"): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    contexts.push(context);
    const page = await watchedPage(context, (v) => {
      violations.push(v);
    });
    if (process.env.PK_DEBUG) page.on("requestfailed", (r) => console.log("FAILED", r.url(), r.failure()?.errorText));
    if (process.env.PK_DEBUG) page.on("response", (r) => console.log("RESP", r.status(), r.request().method(), r.url()));
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable");
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        ctap2Version: "ctap2_1",
        transport,
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return { page, context };
  }

  async function signInWithPassword(page: Page, user: { email: string; password: string }) {
    await page.getByLabel("Email or username").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
  }

  /** registers a passkey on /account/passkeys (signing in first) */
  async function addPasskey(page: Page, user: { email: string; password: string }, name: string) {
    await page.goto(`${t.url}/login?return_to=/account/passkeys`);
    await signInWithPassword(page, user);
    await page.waitForURL(/\/account\/passkeys$/);
    await page.getByLabel("Name").fill(name);
    await page.getByLabel("Current password").last().fill(user.password);
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await expect
      .poll(
        () =>
          page
            .locator(".alert")
            .allTextContents()
            .then((x) => x.join(" ")),
        { timeout: 15_000 },
      )
      .toContain(`The passkey "${name}" was added`);
  }

  /** an authorization request of the relying party; the code it gets back, exchanged, gives the ID token claims */
  async function authorize(page: Page) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      state,
      prompt: "login",
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
    });
    // the callback is watched as a request (the host does not exist; routing it is not needed)
    const callback = page.waitForRequest((r) => r.url().startsWith(REDIRECT), { timeout: 30_000 });
    await page.goto(url.toString());
    return async () => {
      const tokens = await client.authorizationCodeGrant(rp, new URL((await callback).url()), {
        pkceCodeVerifier: verifier,
        expectedState: state,
        idTokenExpected: true,
      });
      return tokens.claims()!;
    };
  }

  it("registers a platform passkey, then signs in with it alone: amr swk + user, acr phishing-resistant", async () => {
    const { page, context } = await pageWithAuthenticator("internal");
    const user = await t.createUser();
    await addPasskey(page, user, "Work laptop");
    expect(await page.locator("[data-passkey-row] h2").allTextContents()).toEqual([expect.stringContaining("Work laptop")]);
    const [stored] = await t.app.services.passkeys.list(user.id);
    expect(stored).toMatchObject({ name: "Work laptop", kind: "swk" });
    await sink.waitFor(
      (m) =>
        m.to.includes(user.email) &&
        m.subject === "The passkeys of your Gatehouse account changed" &&
        m.text.includes('"Work laptop" was added'),
    );

    // signed out (a fresh cookie jar; the authenticator stays), the relying party asks for a sign-in: the
    // identifier field's autofill offers the passkey (conditional UI), which the virtual authenticator picks
    await context.clearCookies();
    const optionsAsked = page.waitForRequest((r) => r.url().endsWith("/passkey/options") && r.method() === "POST");
    const before = Math.floor(Date.now() / 1000);
    const claimsOnceBack = await authorize(page);
    expect(JSON.parse((await optionsAsked).postData() ?? "{}")).toMatchObject({ factor: "first" });
    const claims = await claimsOnceBack();
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(["swk", "user"]);
    expect(claims.acr).toBe(ACR_PHISHING_RESISTANT);
    expect(claims.auth_time).toBeGreaterThanOrEqual(before - 2);
    expect(claims.auth_time).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 2);
    expect((await t.app.services.passkeys.list(user.id))[0]!.lastUsedAt).not.toBeNull();
  });

  it('the "Sign in with a passkey" button signs in where the browser has no passkey autofill', async () => {
    const { page, context } = await pageWithAuthenticator("internal");
    const user = await t.createUser();
    await addPasskey(page, user, "Phone");
    await context.clearCookies();
    // this browser says it has no conditional mediation: only the button asks
    await context.addInitScript(() => {
      (
        window.PublicKeyCredential as unknown as { isConditionalMediationAvailable: () => Promise<boolean> }
      ).isConditionalMediationAvailable = async () => false;
    });
    const claimsOnceBack = await authorize(page);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    const claims = await claimsOnceBack();
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(["swk", "user"]);
    expect(claims.acr).toBe(ACR_PHISHING_RESISTANT);
  });

  it("a usb security key is the second factor after the password: amr pwd + hwk + user", async () => {
    const { page, context } = await pageWithAuthenticator("usb");
    const user = await t.createUser();
    await addPasskey(page, user, "Blue key");
    expect((await t.app.services.passkeys.list(user.id))[0]).toMatchObject({ kind: "hwk" });
    await context.clearCookies();
    const claimsOnceBack = await authorize(page);
    await signInWithPassword(page, user);
    await page.waitForURL(/\/interaction\/[\w-]+\/totp/);
    await page.getByRole("button", { name: "Use your passkey or security key" }).click();
    const claims = await claimsOnceBack();
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(["pwd", "hwk", "user"]);
    expect(claims.acr).toBe(ACR_PHISHING_RESISTANT);
  });

  it("a password sign-in without passkeys is not phishing-resistant: amr pwd, as before", async () => {
    const { page, context } = await pageWithAuthenticator("internal");
    const user = await t.createUser();
    await context.clearCookies();
    const claimsOnceBack = await authorize(page);
    await signInWithPassword(page, user);
    const claims = await claimsOnceBack();
    expect(claims.amr).toEqual(["pwd"]);
    expect(claims.acr).not.toBe(ACR_PHISHING_RESISTANT);
  });
  it("a passkey-only account deletes itself on /account/data with its passkey (#21)", async () => {
    const { page } = await pageWithAuthenticator("internal");
    const user = await t.createUser();
    await addPasskey(page, user, "Only way in");
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: null } });
    await page.goto(`${t.url}/account/data`);
    expect(await page.getByLabel("Your current password").count()).toBe(0);
    expect(await page.locator("[data-passkey-unsupported]").isVisible()).toBe(false);
    const optionsAsked = page.waitForRequest((r) => r.url().endsWith("/account/data/passkey-options") && r.method() === "POST");
    await page.getByRole("button", { name: "Delete my account with a passkey" }).click();
    await optionsAsked;
    await expect.poll(() => page.locator("h1").textContent(), { timeout: 15_000 }).toContain("Your account was deleted");
    expect(await t.app.queries.users.findById(user.id)).toBeNull();
  });

  it("the passkey pages fit a phone and read well, light and dark; without JavaScript the controls stay hidden", async () => {
    const { page } = await pageWithAuthenticator("internal");
    const user = await t.createUser();
    await addPasskey(page, user, "Phone with a rather long passkey name to wrap");
    for (const colorScheme of ["light", "dark"] as const) {
      await page.setViewportSize({ width: 360, height: 740 });
      await page.emulateMedia({ colorScheme });
      await page.goto(`${t.url}/account/passkeys`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `passkeys page ${colorScheme}`).toBeLessThanOrEqual(360);
      const unreadable = (await textContrasts(page, ["h1", "h2", ".card p", "dd", "label"])).filter((c) => c.ratio < 4.5);
      expect(unreadable, colorScheme).toEqual([]);
    }
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, javaScriptEnabled: false });
    contexts.push(context);
    const plain = await watchedPage(
      context,
      (v) => {
        violations.push(v);
      },
      { javaScript: false },
    );
    await plain.goto(
      client
        .buildAuthorizationUrl(rp, {
          redirect_uri: REDIRECT,
          scope: "openid",
          state: client.randomState(),
          code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
          code_challenge_method: "S256",
        })
        .toString(),
    );
    // the identifier field offers passkeys in its autofill (conditional UI; test 1 sees it work)
    expect(await plain.getByLabel("Email or username").getAttribute("autocomplete")).toBe("username webauthn");
    expect(await plain.getByRole("button", { name: "Sign in with a passkey" }).isVisible()).toBe(false);
    expect(await plain.getByRole("button", { name: "Sign in", exact: true }).isVisible()).toBe(true);
  });
});
