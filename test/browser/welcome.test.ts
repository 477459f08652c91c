// The welcome card in a real chromium against a real Gatehouse: a real authorization request from a relying
// party, so the sign-in page is a real interaction. Tabs both ways, password visibility, the live strength meter
// (the server's own answers), the theme switch and the system's dark scheme, no JavaScript at all, no CSP
// violations, and screenshots at phone and desktop widths in light and dark (test-artifacts/screenshots/).
// (test/browser/tsconfig.json adds the DOM types for the page.evaluate callbacks, which run in the browser.)
import { describe, it, expect, beforeAll, afterAll, afterEach } from "vitest";
import { mkdir } from "node:fs/promises";
import * as client from "openid-client";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { textContrasts } from "./contrast.ts";
import { strengthAnswer } from "../../src/http/routes/password-strength.ts";
import { SCREENSHOTS } from "./screens.ts";
import { watchContextCsp, watchPageCsp } from "./csp-watch.ts";

const REDIRECT = "https://rp.example.test/cb";
const PASSPHRASE = "violet harbour juggles seventeen quiet lanterns";
const LIGHT_BG = "rgb(243, 244, 247)";
const DARK_BG = "rgb(14, 17, 22)";

describe("welcome card in chromium", { timeout: 120_000 }, () => {
  let t: TestApp;
  let browser: Browser;
  let rp: client.Configuration;
  let user: { email: string; username: string; password: string };
  const contexts: BrowserContext[] = [];
  let violations: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(); // first: a missing chromium fails here, with the command to install it
    t = await startTestApp();
    const { clientId, clientSecret } = await t.createClient({
      name: "Acme Notes",
      type: "confidential",
      redirectUris: [REDIRECT],
      firstParty: true,
    });
    rp = await discover(t.url, clientId, clientSecret);
    user = await t.createUser();
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

  /** a browser context that reports every CSP violation of every page it opens, and answers for the relying party */
  async function newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light", ...options });
    contexts.push(context);
    await watchContextCsp(
      context,
      (v) => {
        violations.push(v);
      },
      { javaScript: options.javaScriptEnabled !== false },
    );
    await context.route(`${new URL(REDIRECT).origin}/**`, (route) =>
      route.fulfill({ status: 200, contentType: "text/plain", body: "relying party callback" }),
    );
    return context;
  }

  async function newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await (await newContext(options)).newPage();
    watchPageCsp(page, (v) => {
      violations.push(v);
    });
    return page;
  }

  /** a real authorization request: the browser lands on /interaction/<uid> */
  async function openSignIn(page: Page): Promise<string> {
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    await page.goto(url.toString());
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    return new URL(page.url()).pathname;
  }

  const bodyBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const currentTab = (page: Page) => page.locator('nav.tabs a[aria-current="page"]').textContent();
  const noHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth);

  const contrasts = (page: Page) =>
    textContrasts(page, [
      "h1",
      ".subtitle",
      "label",
      ".tab",
      ".card-links a",
      ".btn-primary",
      ".hint",
      ".strength-text",
      ".alert p",
      ".password-toggle",
      ".theme-toggle",
      ".site-footer p",
      ".brand span",
    ]);
  const expectReadable = async (page: Page) => {
    const measured = await contrasts(page);
    expect(measured.length).toBeGreaterThan(5);
    expect(measured.filter((m) => m.ratio < 4.5)).toEqual([]);
  };

  it("the CSP listener itself reports a violation (so an empty list means something)", async () => {
    const page = await newPage();
    await page.goto(`${t.url}/register`);
    await page.evaluate(() => {
      const s = document.createElement("script");
      s.textContent = "window.__inline = true";
      document.head.appendChild(s);
    });
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(await page.evaluate(() => "__inline" in window)).toBe(false);
    violations = [];
  });

  it("switches the tabs both ways; the Register tab comes back to the same sign-in; links on both tabs", async () => {
    const page = await newPage();
    const signIn = await openSignIn(page);
    expect(await currentTab(page)).toBe("Sign in");
    // (a poll's default second was once too short for chromium on a busy CI machine)
    await expect.poll(() => page.locator("h1").textContent(), { timeout: 10_000 }).toBe("Welcome");
    expect(await page.getByText("Acme Notes").count()).toBe(1);

    const expectLinks = async () => {
      expect(await page.getByRole("link", { name: "Forgot your password?" }).getAttribute("href")).toBe("/forgot-password");
      expect(await page.getByRole("link", { name: "Need to verify your email?" }).getAttribute("href")).toBe("/verify-email");
      // a relying party's sign-in never offers administrator registration (#18 item 7)
      expect(await page.getByRole("link", { name: "Register as Administrator" }).count()).toBe(0);
    };
    await expectLinks();

    await page.getByRole("navigation", { name: "Sign in or register" }).getByRole("link", { name: "Register" }).click();
    await page.waitForURL((u) => u.pathname === "/register");
    expect(new URL(page.url()).searchParams.get("login")).toBe(signIn);
    expect(await currentTab(page)).toBe("Register");
    expect(await page.getByLabel("Username").count()).toBe(1);
    expect(await page.getByLabel("Email", { exact: true }).count()).toBe(1);
    await expectLinks();

    await page.getByRole("link", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.pathname === signIn);
    expect(await currentTab(page)).toBe("Sign in");
    expect(await page.locator("form[aria-labelledby=tab-login]").getAttribute("action")).toBe(`${signIn}/login`);

    // keyboard focus is visible: Shift+Tab from the first field lands on the Register tab
    await page.getByLabel("Email or username").focus();
    await page.keyboard.press("Shift+Tab");
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return {
        text: el.textContent,
        visible: el.matches(":focus-visible"),
        outline: getComputedStyle(el).outlineStyle,
        width: getComputedStyle(el).outlineWidth,
      };
    });
    expect(focused).toEqual({ text: "Register", visible: true, outline: "solid", width: "3px" });
  });

  it("a register page not opened from a sign-in goes to /login, and a foreign ?login= is ignored", async () => {
    const page = await newPage();
    for (const bad of ["", "?login=https://evil.example/interaction/x", "?login=//evil.example", "?login=/interaction/abc/../../x"]) {
      await page.goto(`${t.url}/register${bad}`);
      expect(await page.getByRole("link", { name: "Sign in", exact: true }).getAttribute("href")).toBe("/login");
    }
  });

  it("toggles password visibility, and a visible password is hidden again before the form is sent", async () => {
    const page = await newPage();
    const signIn = await openSignIn(page);
    const password = page.locator("#password");
    await page.getByLabel("Email or username").fill(user.email);
    await password.fill(user.password);
    const toggle = page.getByRole("button", { name: "Show password" });
    await toggle.click();
    expect(await password.getAttribute("type")).toBe("text");
    expect(await page.getByRole("button", { name: "Hide password" }).getAttribute("aria-pressed")).toBe("true");
    await page.getByRole("button", { name: "Hide password" }).click();
    expect(await password.getAttribute("type")).toBe("password");
    await page.getByRole("button", { name: "Show password" }).click();
    expect(await password.getAttribute("type")).toBe("text");

    // what the page looks like once the form is sent: a listener on window runs after gatehouse.js's own
    // (on document), and the button is disabled in the task after that
    const atSubmit: unknown[] = [];
    await page.exposeFunction("__ghAtSubmit", (state: unknown) => {
      atSubmit.push(state);
    });
    await page.evaluate(() => {
      const report = (window as unknown as { __ghAtSubmit(s: unknown): void }).__ghAtSubmit;
      window.addEventListener("submit", () => {
        const input = document.querySelector<HTMLInputElement>("#password")!;
        const button = document.querySelector<HTMLButtonElement>('button[type="submit"]')!;
        const state = { type: input.type, loading: button.classList.contains("is-loading"), busy: button.getAttribute("aria-busy") };
        setTimeout(() => report({ ...state, disabled: button.disabled }), 0);
      });
    });
    const sent = page.waitForRequest((r) => new URL(r.url()).pathname === `${signIn}/login`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    const request = await sent;
    expect(request.method()).toBe("POST");
    expect(new URLSearchParams(request.postData() ?? "").get("password")).toBe(user.password);
    await page.waitForURL((u) => u.href.startsWith(REDIRECT));
    expect(atSubmit).toEqual([{ type: "password", loading: true, busy: "true", disabled: true }]);
    expect(new URL(page.url()).searchParams.get("code")).toBeTruthy();
  });

  it("the strength meter shows the server's own answers as the user types, with the context fields", async () => {
    const page = await newPage();
    await page.goto(`${t.url}/register`);
    const username = `marigold${Date.now().toString(36)}`;
    const email = uniqueEmail("meter");
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Email", { exact: true }).fill(email);
    const password = page.locator("#password");
    const meter = page.locator("meter.strength-meter");
    const text = page.locator(".strength-text");
    expect(await meter.getAttribute("min")).toBe("0");
    expect(await meter.getAttribute("max")).toBe("4");
    expect(await text.getAttribute("aria-live")).toBe("polite");
    expect(await password.getAttribute("aria-describedby")).toContain(await text.getAttribute("id"));
    const server = async (pw: string) => strengthAnswer(await t.app.services.passwordPolicy.check(pw, { username, email }));
    const shown = async () => ({
      score: Number(await meter.evaluate((m: HTMLMeterElement) => m.value)),
      message: await text.textContent(),
    });

    const weak = await server("password1234");
    expect(weak.ok).toBe(false);
    expect(weak.score).toBeLessThanOrEqual(1);
    await password.pressSequentially("password1234");
    await expect.poll(shown).toEqual({ score: weak.score, message: weak.message });

    const strong = await server(PASSPHRASE);
    expect(strong).toMatchObject({ ok: true });
    expect(strong.score).toBeGreaterThanOrEqual(3);
    await password.fill(PASSPHRASE);
    await expect.poll(shown).toEqual({ score: strong.score, message: strong.message });
    expect(await page.locator(".strength").getAttribute("class")).toContain("is-ok");

    // the username typed on the page is sent as context: the same password built from it is refused
    const personal = await server(`${username}!${username}`);
    expect(personal).toMatchObject({ ok: false, message: expect.stringContaining("name, username or email") });
    await password.fill(`${username}!${username}`);
    await expect.poll(shown).toEqual({ score: personal.score, message: personal.message });

    // short passwords: the server's "too short" answer
    await password.fill("abc");
    await expect.poll(() => text.textContent()).toBe((await server("abc")).message);
    await password.fill("");
    await expect.poll(() => text.textContent()).toBe("");
  });

  it("the theme switch is remembered across reloads; without a choice the system's dark scheme applies", async () => {
    const page = await newPage({ colorScheme: "light" });
    await page.goto(`${t.url}/register`);
    const themeScript = page.locator('head script[src$="/theme.js"]');
    expect(await themeScript.evaluate((s: HTMLScriptElement) => !s.defer && !s.async)).toBe(true); // runs before the first paint
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-theme"))).toBeNull();
    expect(await bodyBackground(page)).toBe(LIGHT_BG);
    const toggle = page.getByRole("button", { name: /^Theme:/ });
    const visibleLabel = () =>
      toggle.evaluate((b) =>
        Array.from(b.querySelectorAll(".theme-label"))
          .filter((e) => e.checkVisibility())
          .map((e) => e.textContent),
      );
    expect(await visibleLabel()).toEqual(["System"]);

    await toggle.click(); // system (light) -> dark
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-theme"))).toBe("dark");
    expect(await bodyBackground(page)).toBe(DARK_BG);
    expect(await page.getByRole("button", { name: "Theme: Dark" }).count()).toBe(1);
    expect(await visibleLabel()).toEqual(["Dark"]);
    await page.reload();
    expect(await page.evaluate(() => document.documentElement.getAttribute("data-theme"))).toBe("dark");
    expect(await bodyBackground(page)).toBe(DARK_BG);
    expect(await page.evaluate(() => localStorage.getItem("gatehouse.theme"))).toBe("dark");

    await toggle.click(); // dark -> light
    expect(await bodyBackground(page)).toBe(LIGHT_BG);
    expect(await page.evaluate(() => localStorage.getItem("gatehouse.theme"))).toBe("light");
    await toggle.click(); // light -> back to the system's
    expect(
      await page.evaluate(() => [document.documentElement.getAttribute("data-theme"), localStorage.getItem("gatehouse.theme")]),
    ).toEqual([null, null]);

    // the system prefers dark and nothing is stored: dark
    const dark = await newPage({ colorScheme: "dark" });
    await openSignIn(dark);
    expect(await dark.evaluate(() => document.documentElement.getAttribute("data-theme"))).toBeNull();
    expect(await bodyBackground(dark)).toBe(DARK_BG);
    await dark.emulateMedia({ colorScheme: "light" });
    expect(await bodyBackground(dark)).toBe(LIGHT_BG);
    await dark.emulateMedia({ colorScheme: "dark" });
    // a stored light choice wins over the system's dark
    await dark.evaluate(() => localStorage.setItem("gatehouse.theme", "light"));
    await dark.reload();
    expect(await bodyBackground(dark)).toBe(LIGHT_BG);
  });

  it("works with JavaScript disabled: tabs are links, no theme button, a real sign-in through the form", async () => {
    const page = await newPage({ javaScriptEnabled: false, colorScheme: "dark" });
    const signIn = await openSignIn(page);
    expect(await page.locator("[data-theme-toggle]").isVisible()).toBe(false);
    expect(await bodyBackground(page)).toBe(DARK_BG); // follows the system without any script

    await page.getByRole("link", { name: "Register", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/register");
    expect(await page.locator("meter").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Show password" }).count()).toBe(0);
    // a refused password comes back as an inline error on its field
    await page.getByLabel("Username").fill(`nojs${Date.now().toString(36)}`);
    await page.getByLabel("Email", { exact: true }).fill(uniqueEmail("nojs"));
    await page.locator("#password").fill("password1234");
    await page.getByRole("button", { name: "Register", exact: true }).click();
    await page.waitForLoadState();
    expect(await page.locator("#password").getAttribute("aria-invalid")).toBe("true");
    expect(await page.locator("#password").getAttribute("aria-describedby")).toContain("password-error");
    expect(await page.locator("#password-error").textContent()).toContain("too common");
    expect(await page.getByRole("alert").count()).toBe(1); // under that field only

    await page.getByRole("link", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.pathname === signIn);
    await page.getByLabel("Email or username").fill(user.username);
    await page.locator("#password").fill("not the password at all");
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForLoadState();
    expect(await page.getByRole("alert").textContent()).toContain("Invalid email or password");
    expect(await page.getByLabel("Email or username").getAttribute("aria-invalid")).toBe("true");

    await page.locator("#password").fill(user.password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForURL((u) => u.href.startsWith(REDIRECT));
    expect(new URL(page.url()).searchParams.get("code")).toBeTruthy();
  });

  for (const scheme of ["light", "dark"] as const) {
    for (const viewport of [
      { width: 360, height: 740 },
      { width: 1280, height: 800 },
    ]) {
      it(`screenshots, no horizontal scroll, readable contrast: sign-in and register at ${viewport.width}x${viewport.height}, ${scheme}`, async () => {
        const page = await newPage({ viewport, colorScheme: scheme });
        const name = (what: string) => `${SCREENSHOTS}${what}-${viewport.width}x${viewport.height}-${scheme}.png`;
        const fits = async () => {
          const width = await noHorizontalScroll(page);
          expect(width).toBeLessThanOrEqual(viewport.width);
        };

        await openSignIn(page);
        await fits();
        await expectReadable(page);
        await page.screenshot({ path: name("sign-in"), fullPage: true });

        // a wrong password: the inline error
        await page.getByLabel("Email or username").fill(user.email);
        await page.locator("#password").fill("not the password at all");
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.getByRole("alert").waitFor();
        await fits();
        await expectReadable(page);
        await page.screenshot({ path: name("sign-in-error"), fullPage: true });

        await page.getByRole("link", { name: "Register", exact: true }).click();
        await page.waitForURL((u) => u.pathname === "/register");
        await page.getByLabel("Username").fill("marigold");
        await page.getByLabel("Email", { exact: true }).fill("marigold@example.test");
        await page.locator("#password").fill("password1234");
        await expect.poll(() => page.locator(".strength-text").textContent()).not.toBe("");
        await fits();
        await expectReadable(page);
        await page.screenshot({ path: name("register"), fullPage: true });

        // refused on submit: the error under its field
        await page.getByRole("button", { name: "Register", exact: true }).click();
        await page.locator("#password-error").waitFor();
        expect(await page.getByRole("alert").count()).toBe(1);
        await fits();
        await expectReadable(page);
        await page.screenshot({ path: name("register-error"), fullPage: true });

        if (viewport.width >= 1280) {
          const card = await page.locator(".card").boundingBox();
          expect(card!.width).toBeGreaterThanOrEqual(380);
          expect(card!.width).toBeLessThanOrEqual(480);
          expect(Math.abs(card!.x + card!.width / 2 - viewport.width / 2)).toBeLessThan(2); // centred
        }
      });
    }
  }
});

describe("POST /password/strength", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_STRENGTH_PER_IP: "5" });
  });
  afterAll(async () => {
    await t?.close();
  });

  const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
    fetch(`${t.url}/password/strength`, { method: "POST", headers: { accept: "application/json", ...headers }, body });

  it("answers with the server's policy, not cached; refuses non-JSON (415), oversized bodies (413), other sites (403), then rate limits (429)", async () => {
    const ok = await post(JSON.stringify({ password: PASSPHRASE, username: "alice", email: "alice@example.test" }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get("cache-control")).toBe("no-store");
    expect(await ok.json()).toEqual(
      strengthAnswer(await t.app.services.passwordPolicy.check(PASSPHRASE, { username: "alice", email: "alice@example.test" })),
    );
    const personal = await (await post(JSON.stringify({ password: "alicewonderland77", username: "alicewonderland" }))).json();
    expect(personal).toMatchObject({ ok: false, message: expect.stringContaining("name, username or email") });

    const form = await post("password=hunter2hunter2", { "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    expect(form.headers.get("cache-control")).toBe("no-store");
    const big = await post(JSON.stringify({ password: "x".repeat(70 * 1024) }));
    expect(big.status).toBe(413);
    const foreign = await post(JSON.stringify({ password: PASSPHRASE }), {
      "content-type": "application/json",
      origin: "https://evil.example",
    });
    expect(foreign.status).toBe(403);
    const notAString = await post(JSON.stringify({ password: 12 }));
    expect(notAString.status).toBe(400);

    // 5 per minute from one address: three above reached the limiter (415, 413 and 403 are refused before it)
    const more = [];
    for (let i = 0; i < 4; i++) more.push((await post(JSON.stringify({ password: `attempt ${i}` }))).status);
    expect(more).toEqual([200, 200, 429, 429]);
  });
});
