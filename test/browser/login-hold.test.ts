// The "check your email" page of a held sign-in in a real chromium against a real Gatehouse with real mail,
// the client address set with X-Forwarded-For (TRUST_PROXY=true): the page renders (screenshots at phone and
// desktop widths, text readable), reloads by itself without JavaScript (meta refresh), and goes on to the
// relying party once the emailed approve link is used in another browser (whose POST carries Origin: null,
// the page being no-referrer). With JavaScript the poll gets there too, with no CSP violation.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { mkdir } from "node:fs/promises";
import * as client from "openid-client";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { textContrasts } from "./contrast.ts";
import { SCREENSHOTS } from "./screens.ts";
import { watchedPage } from "./csp-watch.ts";

const REDIRECT = "https://rp.example.test/cb";
const LONDON = "81.2.69.142";
const TOKYO = "133.242.0.1";

describe("the held sign-in's waiting page in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let browser: Browser;
  let rp: client.Configuration;
  const contexts: BrowserContext[] = [];
  let violations: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(); // first: a missing chromium fails here, with the command to install it
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, TRUST_PROXY: "true", RISK_RULES: "new_country,impossible_travel,new_network" });
    const { clientId, clientSecret } = await t.createClient({
      name: "Acme Notes",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
    await mkdir(SCREENSHOTS, { recursive: true });
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

  /**
   * a context coming from `ip`, reporting CSP violations. (The relying party's callback is not served: with
   * extraHTTPHeaders set, chromium follows the redirect to it without Playwright's routing, so the tests watch
   * for the request to it rather than a page.)
   */
  async function newPage(ip: string, options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: "light",
      extraHTTPHeaders: { "x-forwarded-for": ip },
      ...options,
    });
    contexts.push(context);
    return watchedPage(
      context,
      (v) => {
        violations.push(v);
      },
      { javaScript: options.javaScriptEnabled !== false },
    );
  }

  /** a user whose last sign-in was in London, signing in from Tokyo: the page lands on the waiting page */
  async function heldAt(page: Page) {
    const user = await t.createUser();
    await t.app.services.risk.recordSignIn(user.id, LONDON);
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    await page.goto(url.toString());
    await page.getByLabel("Email or username").fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/interaction\/[\w-]+\/hold$/);
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === "Was this you signing in to Gatehouse?");
    const approve = /https?:\/\/\S+\/login-holds\/[\w-]+/.exec(mail.text)![0];
    return { user, approve };
  }

  /** the owner opens the approve link on another device and presses the button */
  async function approveElsewhere(link: string) {
    const phone = await newPage(LONDON, { viewport: { width: 360, height: 740 } });
    await phone.goto(link);
    expect(await phone.locator("h1").textContent()).toBe("Approve this sign-in?");
    await phone.screenshot({ path: `${SCREENSHOTS}login-hold-approve-link-360x740-light.png`, fullPage: true, animations: "disabled" });
    await phone.getByRole("button", { name: "Yes, it was me: approve" }).click();
    await expect.poll(() => phone.locator("h1").textContent()).toBe("Sign-in approved");
  }

  it("without JavaScript: renders, reloads itself, and goes on to the relying party once approved", async () => {
    const page = await newPage(TOKYO, { javaScriptEnabled: false });
    const holdLoads: string[] = [];
    page.on("response", (res) => {
      if (/\/hold$/.test(new URL(res.url()).pathname)) holdLoads.push(res.url());
    });
    const { user, approve } = await heldAt(page);

    expect(await page.locator("h1").textContent()).toBe("Check your email");
    expect(await page.locator(".card").textContent()).toContain(
      `we sent a message to ${user.email.slice(0, 2)}***@example.test to confirm it`,
    );
    // readable, no sideways scroll, photographed (right after a load: the page reloads every 5 seconds)
    for (const [viewport, colorScheme] of [
      [{ width: 360, height: 740 }, "light"],
      [{ width: 1280, height: 800 }, "dark"],
    ] as const) {
      await page.waitForEvent("load");
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      const unreadable = (await textContrasts(page, ["h1", ".subtitle", ".card p", ".card-links a"])).filter((m) => m.ratio < 4.5);
      expect(unreadable, `${viewport.width}px ${colorScheme}`).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({
        path: `${SCREENSHOTS}login-hold-waiting-${viewport.width}x${viewport.height}-${colorScheme}.png`,
        fullPage: true,
        animations: "disabled",
      });
    }
    // it has reloaded by itself, and is still waiting
    await expect.poll(() => holdLoads.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    expect(await page.locator("h1").textContent()).toBe("Check your email");

    const callback = page.waitForRequest((r) => r.url().startsWith(REDIRECT), { timeout: 15_000 });
    await approveElsewhere(approve);
    expect(new URL((await callback).url()).searchParams.get("code")).toBeTruthy();
    expect(await t.app.db.prisma.auditEvent.count({ where: { userId: user.id, type: "login.succeeded" } })).toBe(1);
  });

  it("with JavaScript: the poll goes on once approved, with no CSP violation", async () => {
    const page = await newPage(TOKYO);
    const statusChecks: number[] = [];
    page.on("response", (res) => {
      if (new URL(res.url()).pathname.endsWith("/hold/status")) statusChecks.push(res.status());
    });
    const { approve } = await heldAt(page);
    await expect.poll(() => statusChecks.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(statusChecks.every((s) => s === 200)).toBe(true);
    const callback = page.waitForRequest((r) => r.url().startsWith(REDIRECT), { timeout: 15_000 });
    await approveElsewhere(approve);
    expect(new URL((await callback).url()).searchParams.get("code")).toBeTruthy();
  });
});
