// The required two-factor setup step of a sign-in (an administrator requires a second factor of a team) in the
// request's language: with ui_locales=de over an English browser the setup page, its refusals (a malformed and a
// wrong code) and the backup-code page are German; with Accept-Language fr the setup page is French.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startAdminApi, API_REDIRECT } from "../helpers/api.ts";
import { TestBrowser, LanguageBrowser, type Page } from "../helpers/browser.ts";
import { authorizationRequest, manualClock, totpCode, type ManualClock } from "../helpers/totp-login.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";

type Admin = Awaited<ReturnType<typeof startAdminApi>>;

const lang = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];

describe("the required two-factor setup in the page's language", { timeout: 90_000 }, () => {
  let a: Admin;
  let clock: ManualClock;
  let superToken: string;

  beforeAll(async () => {
    clock = manualClock();
    a = await startAdminApi({}, { clock });
    superToken = (await a.roleUser("super_admin")).token;
  });
  afterAll(async () => {
    await a?.t.close();
  });

  /** a member of a team that requires a second factor, signing in with `language` and `extra` parameters */
  async function toEnrolPage(language: string, extra: Record<string, string>): Promise<{ browser: TestBrowser; page: Page }> {
    const owner = await a.t.createUser();
    const team = await createTeam(a.t, owner.id);
    const member = await a.t.createUser();
    await addMember(a.t, team, member.id);
    expect((await a.call("PUT", `/api/v1/teams/${team.id}/mfa-required`, superToken, { required: true })).status).toBe(200);
    const browser = new LanguageBrowser(a.t.url, language);
    const req = await authorizationRequest(a.rp, API_REDIRECT, extra);
    const login = await browser.go(req.url, { stopAt: API_REDIRECT });
    const page = await browser.submit(login, "/login", { identifier: member.email, password: member.password }, { stopAt: API_REDIRECT });
    expect(page.url).toMatch(/\/enrol$/);
    return { browser, page };
  }

  it("ui_locales=de: the setup page, its refusals and the backup codes are German", async () => {
    const { browser, page } = await toEnrolPage("en", { ui_locales: "de" });
    expect(lang(page.html)).toBe("de");
    expect(page.html).toContain('<h1 id="enrol-heading">Zwei-Faktor-Authentifizierung einrichten</h1>');
    expect(page.html).toContain("<title>Zwei-Faktor-Authentifizierung einrichten · ");
    expect(page.html).toContain('aria-label="QR-Code, um dieses Konto zu einer Authenticator-App hinzuzufügen"');
    const malformed = await browser.submit(page, "/enrol", { code: "12" }, { stopAt: API_REDIRECT });
    expect(malformed.status).toBe(400);
    expect(malformed.html).toContain("<p>Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein</p>");
    const secret = /data-totp-secret>([A-Z2-7 ]+)</.exec(page.html)![1]!.replaceAll(" ", "");
    const right = await totpCode(secret, clock.epoch());
    const wrong = await browser.submit(page, "/enrol", { code: right === "000000" ? "111111" : "000000" }, { stopAt: API_REDIRECT });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain(
      "<p>Dieser Code stimmt nicht. Prüfen Sie, ob die Uhrzeit Ihres Geräts stimmt, und versuchen Sie den neuesten Code.</p>",
    );
    const codes = await browser.submit(page, "/enrol", { code: right }, { stopAt: API_REDIRECT });
    expect(codes.html).toContain("data-backup-codes");
    expect(codes.html).toContain("Die Zwei-Faktor-Authentifizierung ist eingeschaltet.");
    expect(codes.html).toContain(">Weiter</button>");
  });

  it("Accept-Language fr: the setup page is French; English stays English", async () => {
    const fr = await toEnrolPage("fr-FR,fr;q=0.9", {});
    expect(lang(fr.page.html)).toBe("fr");
    expect(fr.page.html).toContain('<h1 id="enrol-heading">Configurer l’authentification à deux facteurs</h1>');
    const en = await toEnrolPage("en", {});
    expect(lang(en.page.html)).toBe("en");
    expect(en.page.html).toContain('<h1 id="enrol-heading">Set up two-factor authentication</h1>');
    expect(en.page.html).toContain("<p>Can&#39;t scan it? Enter this key in the app instead (time-based, 6 digits):</p>");
  });
});
