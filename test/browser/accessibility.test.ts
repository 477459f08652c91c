// Automated accessibility checks with axe-core (WCAG 2.x A/AA and axe's best practices, test/browser/axe.ts) in a
// real chromium against a real Gatehouse, at 360 and 1280 px, light and dark: the sign-in pages (the login page
// of a relying party's request and of /login, its error state, the authentication-code step, the consent page,
// register, forgot password, verify email, an invalid reset link, the 404 page) and every admin console screen
// (the audit log with a row's details open, and the phone Menu opened); the translated sign-in pages in German
// and French. A serious or critical finding fails the
// test, naming the rule, the page and the elements; lesser findings are printed.
import { describe, it, expect, beforeAll } from "vitest";
import * as client from "openid-client";
import type { Page } from "playwright-core";
import type { TestApp } from "../helpers/test-app.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { enableTotp, manualClock } from "../helpers/totp-login.ts";
import { adminNav, useAdminBrowser } from "./admin-harness.ts";
import { VIEWPORTS, SCHEMES } from "./screens.ts";
import { axeViolations, blocking, type AxeFinding } from "./axe.ts";

const REDIRECT = "https://rp.example.test/cb";

describe("accessibility (axe-core) in chromium", { timeout: 600_000 }, () => {
  const h = useAdminBrowser();
  let t: TestApp;
  let rp: client.Configuration;
  let totpUser: { email: string; password: string };
  let adminPaths: string[];

  beforeAll(async () => {
    t = h.t;
    const { clientId, clientSecret } = await t.createClient({ name: "Acme Notes", type: "confidential", redirectUris: [REDIRECT] });
    rp = await discover(t.url, clientId, clientSecret);
    const u = await t.createUser();
    await enableTotp(t, manualClock(), u);
    totpUser = u;
    const owner = await t.createUser();
    const team = await t.app.services.teams.createTeam(owner.id, { name: "Axe team", slug: `axe-${Date.now().toString(36)}` });
    if (team.outcome !== "created") throw new Error(team.message);
    const role = await t.app.services.teamRoles.create(team.teamId, owner.id, { name: "Support", permissions: ["gatehouse.team.read"] });
    if (role.outcome !== "created") throw new Error(role.outcome);
    const sys = await t.app.services.systemRoles.create({
      key: `axe_${Date.now().toString(36)}`,
      name: "Axe readers",
      permissions: ["gatehouse.admin.users.read"],
    });
    if (sys.outcome !== "created") throw new Error(sys.message);
    await t.app.queries.auditEvents.insert({
      type: "axe.probe",
      outcome: "failure",
      userId: owner.id,
      actorId: h.admin.id,
      ip: "203.0.113.1",
      userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
      data: { reason: "x" },
    });
    adminPaths = [
      "/admin/dashboard",
      "/admin/users",
      `/admin/users/${owner.id}`,
      "/admin/teams",
      `/admin/teams/${team.teamId}`,
      "/admin/roles",
      `/admin/roles/system/${sys.role.key}`,
      "/admin/roles/teams?q=Axe",
      `/admin/roles/teams/${team.teamId}`,
      `/admin/roles/teams/${team.teamId}/${role.role.id}`,
      "/admin/clients",
      "/admin/clients/new",
      `/admin/clients/${clientId}`,
      "/admin/keys",
      "/admin/audit",
      "/admin/outbox",
    ];
  });

  const printed = new Set<string>();
  /** axe on the page as it is: serious/critical findings collected under `label`; others printed once per rule */
  async function check(page: Page, label: string, failures: string[]): Promise<void> {
    const found: AxeFinding[] = await axeViolations(page);
    for (const f of found.filter((x) => !blocking([x]).length)) {
      if (!printed.has(f.id)) {
        printed.add(f.id);
        console.log(`axe ${f.impact} (not failing) ${f.id} on ${label}: ${f.help} ${f.nodes.join(", ")}`);
      }
    }
    for (const f of blocking(found)) failures.push(`${label}: ${f.impact} ${f.id} (${f.help}) at ${f.nodes.join(", ")}`);
  }

  async function openRelyingPartySignIn(page: Page): Promise<void> {
    const url = client.buildAuthorizationUrl(rp, {
      redirect_uri: REDIRECT,
      scope: "openid profile email",
      state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
      code_challenge_method: "S256",
    });
    await page.goto(url.toString());
    await page.waitForURL(/\/interaction\/[\w-]+$/);
  }
  async function submitPassword(page: Page, identifier: string, password: string): Promise<void> {
    await page.getByLabel("Email or username").fill(identifier);
    await page.locator("#password").fill(password);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.waitForLoadState();
  }

  it("the sign-in pages in German and French (lang attribute, translated text): no serious or critical finding", async () => {
    const failures: string[] = [];
    for (const locale of ["de-DE", "fr-FR"]) {
      const page = await h.newPage({ locale });
      await openRelyingPartySignIn(page);
      expect(await page.locator("html").getAttribute("lang")).toBe(locale.slice(0, 2));
      await check(page, `login ${locale}`, failures);
      for (const path of ["/register", "/forgot-password", "/reset-password?token=not-a-real-token", "/no-such-page"]) {
        await page.goto(`${t.url}${path}`);
        expect(await page.locator("html").getAttribute("lang")).toBe(locale.slice(0, 2));
        await check(page, `${path} ${locale}`, failures);
      }
    }
    expect(failures).toEqual([]);
  });

  for (const scheme of SCHEMES) {
    for (const viewport of VIEWPORTS) {
      const at = `${viewport.width}px ${scheme}`;

      it(`sign-in pages at ${at}: no serious or critical finding`, async () => {
        const failures: string[] = [];
        const page = await h.newPage({ viewport, colorScheme: scheme });
        await openRelyingPartySignIn(page);
        await check(page, `login (relying party) ${at}`, failures);
        await submitPassword(page, "nobody-at-all@example.test", "not the password at all");
        expect(await page.locator(".alert-error").count()).toBeGreaterThan(0);
        await check(page, `login error ${at}`, failures);
        for (const path of [
          "/login",
          "/register",
          "/forgot-password",
          "/verify-email",
          "/reset-password?token=not-a-real-token",
          "/no-such-page",
        ]) {
          await page.goto(`${t.url}${path}`);
          await page.waitForLoadState();
          await check(page, `${path} ${at}`, failures);
        }

        // the authentication-code step, then the consent page of a third-party client
        const second = await h.newPage({ viewport, colorScheme: scheme });
        await openRelyingPartySignIn(second);
        await submitPassword(second, totpUser.email, totpUser.password);
        await second.getByLabel("Authentication code").waitFor();
        await check(second, `authentication code ${at}`, failures);
        const third = await h.newPage({ viewport, colorScheme: scheme });
        await third
          .context()
          .route(`${new URL(REDIRECT).origin}/**`, (route) => route.fulfill({ status: 200, contentType: "text/plain", body: "callback" }));
        await openRelyingPartySignIn(third);
        await submitPassword(third, h.admin.email, h.admin.password);
        await third.locator("#consent-heading").waitFor();
        await check(third, `consent ${at}`, failures);
        expect(failures).toEqual([]);
      });

      it(`admin console at ${at}: no serious or critical finding`, async () => {
        const failures: string[] = [];
        const page = await h.newPage({ viewport, colorScheme: scheme });
        await h.signInAsAdmin(page, "/admin/dashboard");
        for (const path of adminPaths) {
          await page.goto(`${t.url}${path}`);
          await page.waitForLoadState();
          expect(await page.locator("main").count(), path).toBe(1);
          await check(page, `${path} ${at}`, failures);
        }
        // the audit log with a row's details open; the phone's Menu open
        await page.goto(`${t.url}/admin/audit?type=axe.probe`);
        await page.locator("tbody.admin-audit-group").first().getByText("Details").click();
        await check(page, `/admin/audit (details open) ${at}`, failures);
        await adminNav(page);
        await check(page, `/admin/audit (menu) ${at}`, failures);
        expect(failures).toEqual([]);
      });
    }
  }
});
