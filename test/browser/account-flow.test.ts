// A person's whole account life in a real chromium against a real Gatehouse with real mail: register (with the
// live strength meter), confirm the emailed link, sign in, turn on two-factor authentication (QR code, secret,
// backup codes), sign out, sign in with a wrong and then a right code, forget the password, reset it with a code
// through the emailed link, and sign in with the new password. The app runs on a clock the test moves, so each
// TOTP step is used once. Every account page is photographed at phone and desktop widths in light and dark
// (test-artifacts/screenshots/account-*), none scrolls sideways at 360 px, and no CSP violation happens.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdir } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { textContrasts } from "./contrast.ts";
import { manualClock, totpCode, type ManualClock } from "../helpers/totp-login.ts";
import { strengthAnswer } from "../../src/http/routes/password-strength.ts";
import { SCREENSHOTS, VIEWPORTS, SCHEMES } from "./screens.ts";
import { watchedPage } from "./csp-watch.ts";

const PASSWORD = "violet harbour juggles seventeen quiet lanterns";
const NEW_PASSWORD = "copper meadow whistles under nine slow moons";

describe("a person's account life in chromium", { timeout: 240_000 }, () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let clock: ManualClock;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const violations: string[] = [];
  const shot: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium(); // first: a missing chromium fails here, with the command to install it
    sink = await startSmtpSink();
    clock = manualClock();
    t = await startTestApp({ SMTP_URL: sink.url }, { clock });
    await mkdir(SCREENSHOTS, { recursive: true });
    context = await browser.newContext({ viewport: VIEWPORTS[1], colorScheme: "light" });
    page = await watchedPage(context, (v) => {
      violations.push(v);
    });
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
    await sink?.close();
  });

  const path = () => new URL(page.url()).pathname;
  const heading = () => page.locator("h1").textContent();
  /** the one mail of this kind the new account gets */
  const mailTo = (to: string, subject: string) => sink.waitFor((m) => m.to.includes(to) && m.subject.startsWith(subject));
  const linkIn = (mail: ReceivedMail, route: string) => new RegExp(`https?://\\S+${route}\\?token=[\\w-]+`).exec(mail.text)![0];

  /**
   * the current page at each viewport and scheme: text readable (4.5:1), the document never wider than the
   * viewport, and a full-page screenshot; back to desktop light afterwards
   */
  async function photograph(name: string): Promise<void> {
    await page.mouse.move(0, 0);
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      for (const colorScheme of SCHEMES) {
        await page.emulateMedia({ colorScheme });
        // a scheme change animates colours: measure and photograph the end state
        await page.evaluate(() =>
          Promise.all(
            document
              .getAnimations()
              .filter((a) => a instanceof CSSTransition)
              .map((a) => a.finished),
          ),
        );
        const unreadable = (await contrasts(page)).filter((m) => m.ratio < 4.5);
        expect(unreadable, `${name} at ${viewport.width}px, ${colorScheme}: text below 4.5:1`).toEqual([]);
        const width = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(width, `${name} at ${viewport.width}px, ${colorScheme}: document width`).toBeLessThanOrEqual(viewport.width);
        // no hover from where the last click was (photograph() moved the mouse away)
        await page.screenshot({
          path: `${SCREENSHOTS}account-${name}-${viewport.width}x${viewport.height}-${colorScheme}.png`,
          fullPage: true,
          animations: "disabled",
        });
      }
    }
    await page.setViewportSize(VIEWPORTS[1]!);
    await page.emulateMedia({ colorScheme: "light" });
    shot.push(name);
  }

  const contrasts = (p: Page) =>
    textContrasts(p, [
      "h1",
      "h2",
      "p",
      "label",
      ".hint",
      ".badge",
      ".account-sections a",
      ".account-sign-out",
      ".btn",
      ".alert p",
      ".card-links a",
      "code",
      "dt",
      "dd",
      ".strength-text",
    ]);

  /** the score and message the meter shows once the server answered for what is typed */
  const meterShows = async (expected: { score: number; message: string }) => {
    const meter = page.locator("meter.strength-meter");
    await expect
      .poll(async () => ({
        score: Number(await meter.evaluate((m: HTMLMeterElement) => m.value)),
        message: await page.locator(".strength-text").textContent(),
      }))
      .toEqual({ score: expected.score, message: expected.message });
    expect(await meter.isVisible()).toBe(true);
  };

  /** the sign-in card: password step */
  async function passwordStep(identifier: string, password: string): Promise<void> {
    expect(path()).toMatch(/^\/interaction\/[\w-]+(\/login)?$/); // the card, or the card again after a refusal
    expect(await heading()).toBe("Welcome");
    await page.getByLabel("Email or username").fill(identifier);
    await page.locator("#password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForLoadState();
  }

  /** the code page: a code, then the account */
  async function codeStep(code: string): Promise<void> {
    await page.getByLabel("Authentication code").fill(code);
    await page.getByRole("button", { name: "Verify" }).click();
  }

  async function signOut(): Promise<void> {
    await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign out" }).click();
    await page.waitForURL((u) => u.pathname === "/session/end");
    expect(await heading()).toBe("Sign out of Gatehouse?");
    await page.getByRole("button", { name: "Yes, sign me out" }).click();
    await expect.poll(heading).toBe("You are signed out");
  }

  /** a 6-digit code that is none of the codes the ±1 window accepts now */
  async function wrongCode(secret: string): Promise<string> {
    const near = await Promise.all([-30, 0, 30].map((d) => totpCode(secret, clock.epoch() + d)));
    for (let n = 0; ; n++) {
      const candidate = String(n).padStart(6, "0");
      if (!near.includes(candidate)) return candidate;
    }
  }

  it("the CSP listener itself reports a violation (so an empty list at the end means something)", async () => {
    const seen: string[] = [];
    const other = await browser.newContext();
    try {
      const probe = await watchedPage(other, (v) => {
        seen.push(v);
      });
      await probe.goto(`${t.url}/forgot-password`);
      await probe.evaluate(() => {
        const s = document.createElement("style");
        s.textContent = "body { color: red }";
        document.head.appendChild(s);
      });
      await expect.poll(() => seen.length).toBeGreaterThan(0);
      expect(await probe.evaluate(() => getComputedStyle(document.body).color)).not.toBe("rgb(255, 0, 0)");
    } finally {
      await other.close();
    }
  });

  it("register, confirm, sign in, two-factor on, sign out, sign in with a code, reset the password with a code, sign in again", async () => {
    const username = `life${Date.now().toString(36)}`;
    const email = uniqueEmail("life");

    // 1. register, with the live meter showing the server's score
    await page.goto(`${t.url}/register`);
    await page.getByLabel("Username").fill(username);
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Team name").fill(`Team ${username}`); // Door A: the new account's own team
    await page.locator("#password").pressSequentially(PASSWORD);
    const strong = strengthAnswer(await t.app.services.passwordPolicy.check(PASSWORD, { username, email }));
    expect(strong).toMatchObject({ ok: true });
    expect(strong.score).toBeGreaterThanOrEqual(3);
    await meterShows(strong);
    await page.getByRole("button", { name: "Register", exact: true }).click();
    await expect.poll(heading).toBe("Check your email");
    expect(await page.locator("main").textContent()).toContain(email);
    await photograph("check-email");

    // 2. the emailed link, in the same page: a button, then "Email confirmed"
    const verification = await mailTo(email, "Confirm your email");
    await page.goto(linkIn(verification, "/verify-email"));
    expect(await heading()).toBe("Confirm your email");
    await page.getByRole("button", { name: "Confirm my email address" }).click();
    await expect.poll(heading).toBe("Email confirmed");

    // 3. sign in at /login (the welcome card), land on the profile
    await page.goto(`${t.url}/login`);
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    await passwordStep(email, PASSWORD);
    await page.waitForURL((u) => u.pathname === "/account/profile");
    expect(await heading()).toBe("Your account");
    expect(await page.locator(".subtitle").textContent()).toContain(username);
    expect(await page.locator(".badge").textContent()).toBe("verified");
    await photograph("profile");

    await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Password" }).click();
    await page.waitForURL((u) => u.pathname === "/account/security");
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await meterShows(strengthAnswer(await t.app.services.passwordPolicy.check(NEW_PASSWORD, { username, email })));
    await photograph("security");

    // two-factor: off, set up (QR code and secret), confirm with a code, the 10 backup codes, then on
    await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Two-factor" }).click();
    await page.waitForURL((u) => u.pathname === "/account/two-factor");
    expect(await page.locator(".status-line .badge").textContent()).toBe("Off");
    await photograph("two-factor-off");
    await page.getByLabel("Current password").fill(PASSWORD); // setting up a factor needs the password
    await page.getByRole("button", { name: "Set up two-factor authentication" }).click();
    await page.locator("#totp-secret").waitFor();
    const qr = page.getByRole("img", { name: /QR code/ });
    expect(await qr.locator("svg").isVisible()).toBe(true);
    const qrBox = await qr.locator("svg").boundingBox();
    expect(qrBox!.width).toBeGreaterThanOrEqual(150); // big enough to scan from a screen
    const secret = (await page.locator("#totp-secret").textContent())!.replace(/\s+/g, "");
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await photograph("two-factor-enroll");
    await page.getByLabel("Authentication code").fill(await totpCode(secret, clock.epoch()));
    await page.getByRole("button", { name: "Turn on two-factor authentication" }).click();
    const codes = page.getByRole("list", { name: "Backup codes" }).locator("li");
    await codes.first().waitFor();
    expect(await codes.count()).toBe(10);
    const backupCodes = (await codes.allTextContents()).map((c) => c.trim());
    expect(backupCodes.filter((c) => !/^[a-z0-9]{5}-[a-z0-9]{5}$/.test(c))).toEqual([]);
    expect(new Set(backupCodes).size).toBe(10);
    expect(await page.getByRole("status").textContent()).toContain("Two-factor authentication is on.");
    await photograph("two-factor-codes");
    await page.getByRole("link", { name: "I have saved my backup codes" }).click();
    await expect.poll(() => page.locator("#backup-codes-left").textContent()).toContain("10");
    expect(await page.locator(".status-line .badge").textContent()).toBe("On");
    await photograph("two-factor-on");

    // 4. sign out through the account nav and the confirmation page; the account pages then ask for a sign-in
    await signOut();
    await page.goto(`${t.url}/account/profile`);
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    expect(await heading()).toBe("Welcome");

    // 5. password, then the code page: a wrong code is refused, the next step's code signs in
    await passwordStep(username, PASSWORD);
    await page.waitForURL(/\/interaction\/[\w-]+\/totp$/);
    expect(await heading()).toBe("Two-factor authentication");
    clock.advance(30); // the step used to confirm the set-up is spent
    await page.getByLabel("Authentication code").fill(await wrongCode(secret));
    await photograph("code-page");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("alert").waitFor();
    expect(await page.getByRole("alert").textContent()).toContain("Invalid code");
    expect(await page.getByLabel("Authentication code").getAttribute("aria-invalid")).toBe("true");
    await photograph("code-page-error");
    await codeStep(await totpCode(secret, clock.epoch()));
    await page.waitForURL((u) => u.pathname === "/account/profile");
    expect(await heading()).toBe("Your account");

    // 6. sign out, "Forgot your password?" from the sign-in card, the emailed link (names the browser and IP)
    await signOut();
    await page.goto(`${t.url}/login`);
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.waitForURL((u) => u.pathname === "/forgot-password");
    await photograph("forgot-password");
    await page.getByLabel("Email or username").fill(email);
    await page.getByRole("button", { name: "Send me a link" }).click();
    await expect.poll(heading).toBe("Check your email");
    await photograph("reset-sent");
    const reset = await mailTo(email, "Reset your Gatehouse password");
    expect(reset.text).toMatch(/using Chrome/);
    expect(reset.text).toContain("127.0.0.1");
    await page.goto(linkIn(reset, "/reset-password"));
    expect(await heading()).toBe("Choose a new password");
    expect(await page.getByLabel("Two-factor code").count()).toBe(1); // a TOTP user: the reset asks for a code
    await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
    await meterShows(strengthAnswer(await t.app.services.passwordPolicy.check(NEW_PASSWORD, { username })));
    clock.advance(30);
    await page.getByLabel("Two-factor code").fill(await totpCode(secret, clock.epoch()));
    await photograph("reset-password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await page.waitForURL(/\/interaction\/[\w-]+$/);
    expect(await page.getByRole("status").textContent()).toContain("Your password was changed");
    await photograph("sign-in-after-reset");

    // the old password is refused; the new one and a code sign in
    await passwordStep(email, PASSWORD);
    expect(await page.getByRole("alert").textContent()).toContain("Invalid email or password");
    await passwordStep(email, NEW_PASSWORD);
    await page.waitForURL(/\/interaction\/[\w-]+\/totp$/);
    clock.advance(30);
    await codeStep(await totpCode(secret, clock.epoch()));
    await page.waitForURL((u) => u.pathname === "/account/profile");
    expect(await page.locator(".subtitle").textContent()).toContain(username);

    // 7. every page was photographed, and nothing broke the Content-Security-Policy
    expect(shot).toEqual([
      "check-email",
      "profile",
      "security",
      "two-factor-off",
      "two-factor-enroll",
      "two-factor-codes",
      "two-factor-on",
      "code-page",
      "code-page-error",
      "forgot-password",
      "reset-sent",
      "reset-password",
      "sign-in-after-reset",
    ]);
    expect(violations, "Content-Security-Policy violations").toEqual([]);
  });
});
