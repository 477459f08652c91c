// The team pages in a real chromium against a real Gatehouse: the sign-in team step picked through the form with
// JavaScript off (radio list, keyboard reachable), the register page's team address suggested from the team
// name as it is typed (and left alone once the user types their own), no CSP violations, no sideways scroll,
// readable contrast, and screenshots at phone and desktop widths in light and dark (test-artifacts/screenshots/);
// the account's Teams page and its leave confirmation at both widths.
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { mkdir } from "node:fs/promises";
import * as client from "openid-client";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { textContrasts } from "./contrast.ts";
import { twoTeamUser } from "../helpers/team-flow.ts";
import { SCREENSHOTS } from "./screens.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("team pages in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let rp: client.Configuration;
  const contexts: BrowserContext[] = [];
  let violations: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    t = await startTestApp();
    const { clientId, clientSecret } = await t.createClient({
      name: "Acme Notes",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
      scope: "openid roles",
    });
    rp = await discover(t.url, clientId, clientSecret);
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    const seen = violations;
    violations = [];
    expect(seen, "Content-Security-Policy violations").toEqual([]);
  });

  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light", ...options });
    contexts.push(context);
    await context.route(`${new URL(REDIRECT).origin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: "text/plain", body: "relying party callback" }),
    );
    const page = await context.newPage();
    page.on("console", (msg) => {
      if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
    });
    return page;
  }

  /** a real authorization request, then the password: the browser lands on the team step */
  async function toTeamStep(page: Page, user: { email: string; password: string }) {
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid roles",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    await page.goto(url.toString());
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    await page.getByLabel("Email or username").fill(user.email);
    await page.locator("#password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL(/\/interaction\/[\w-]+\/team$/);
  }

  it("picks a team with JavaScript off: a labelled radio group, the choice goes through the form", async () => {
    const { user, own, other } = await twoTeamUser(t);
    const page = await newPage({ javaScriptEnabled: false });
    await toTeamStep(page, user);
    expect(await page.locator("h1").textContent()).toBe("Choose a team");
    const group = page.getByRole("radiogroup", { name: "Your teams" });
    expect(await group.getByRole("radio").count()).toBe(2);
    expect(await page.getByRole("radio", { name: new RegExp(own.name) }).isChecked()).toBe(true);
    await page.getByRole("radio", { name: new RegExp(other.name) }).check();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL((u) => u.href.startsWith(REDIRECT));
    expect(new URL(page.url()).searchParams.get("code")).toBeTruthy();
    const [event] = await t.app.db.prisma.auditEvent.findMany({ where: { userId: user.id, type: "login.succeeded" } });
    expect(event!.data).toMatchObject({ teamId: other.id });
  });

  it("the register page suggests the team address from the name, until the user types their own", async () => {
    const page = await newPage();
    await page.goto(`${t.url}/register`);
    const slug = page.getByLabel("Team address (optional)");
    await page.getByLabel("Team name").pressSequentially("Ünïcode Research & Co.");
    expect(await slug.inputValue()).toBe("unicode-research-co");
    expect(t.app.services.teams.validateTeam({ name: "Ünïcode Research & Co." })).toMatchObject({ slug: "unicode-research-co" }); // the server's own
    await slug.fill("my-own");
    await page.getByLabel("Team name").pressSequentially(" Labs");
    expect(await slug.inputValue()).toBe("my-own");
    // emptied, it follows the name again
    await slug.fill("");
    await page.getByLabel("Team name").fill("Second Try");
    expect(await slug.inputValue()).toBe("second-try");
  });

  it("the account's Teams page at phone and desktop widths: no sideways scroll; leaving asks first", async () => {
    const { user, other } = await twoTeamUser(t);
    for (const viewport of [
      { width: 360, height: 740 },
      { width: 1280, height: 800 },
    ]) {
      const page = await newPage({ viewport });
      await page.goto(`${t.url}/account/teams`);
      await page.getByLabel("Email or username").fill(user.email);
      await page.locator("#password").fill(user.password);
      await page.getByRole("button", { name: "Sign in", exact: true }).click();
      await page.waitForURL((u) => u.pathname === "/account/teams");
      expect(
        await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Teams" }).getAttribute("aria-current"),
      ).toBe("page");
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      await page.screenshot({ path: `${SCREENSHOTS}account-teams-${viewport.width}x${viewport.height}-light.png`, fullPage: true });
      await page.getByRole("button", { name: `Leave ${other.name}` }).click();
      await page.waitForLoadState();
      expect(await page.locator("h1").textContent()).toBe(`Leave ${other.name}?`);
      await page.screenshot({ path: `${SCREENSHOTS}account-teams-leave-${viewport.width}x${viewport.height}-light.png`, fullPage: true });
      await page.getByRole("link", { name: "Cancel" }).click();
      await page.waitForURL((u) => u.pathname === "/account/teams");
    }
    expect(await t.app.queries.teams.membership(other.id, user.id)).not.toBeNull();
  });

  for (const scheme of ["light", "dark"] as const) {
    for (const viewport of [
      { width: 360, height: 740 },
      { width: 1280, height: 800 },
    ]) {
      it(`screenshots, no sideways scroll, readable contrast: the team step at ${viewport.width}x${viewport.height}, ${scheme}`, async () => {
        const { user } = await twoTeamUser(t);
        const page = await newPage({ viewport, colorScheme: scheme });
        await toTeamStep(page, user);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
        const low = (await textContrasts(page, ["h1", ".subtitle", "label", ".hint", "code", ".btn-primary", ".card-links a"])).filter(
          (m) => m.ratio < 4.5,
        );
        expect(low).toEqual([]);
        await page.screenshot({ path: `${SCREENSHOTS}team-step-${viewport.width}x${viewport.height}-${scheme}.png`, fullPage: true });
      });
    }
  }
});
