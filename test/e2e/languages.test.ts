// The sign-in pages' language through the real pages (DEFAULT_LOCALE=fr for this app): a relying party's
// authorization request with ui_locales shows the login page in that language (also over the browser's
// Accept-Language), then its authentication-code step and consent; Accept-Language alone chooses it for the
// reset pages and the 404 page; a language Gatehouse does not have gets DEFAULT_LOCALE; English stays English.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { enableTotp, manualClock, totpCode } from "../helpers/totp-login.ts";

const REDIRECT = "https://rp.example.test/cb";

/** a browser whose every request says Accept-Language: `language` */
class LanguageBrowser extends TestBrowser {
  constructor(
    origin: string,
    readonly language: string,
  ) {
    super(origin);
  }
  override request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("accept-language", this.language);
    return super.request(url, { ...init, headers });
  }
}

describe("languages of the sign-in pages", { timeout: 60_000 }, () => {
  let t: TestApp;
  let rp: client.Configuration;

  beforeAll(async () => {
    t = await startTestApp({ DEFAULT_LOCALE: "fr" });
    const { clientId, clientSecret } = await t.createClient({ name: "Acme Notes", type: "confidential", redirectUris: [REDIRECT] });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
  });

  const authorize = async (extra: Record<string, string> = {}) =>
    client
      .buildAuthorizationUrl(rp, {
        redirect_uri: REDIRECT,
        scope: "openid email",
        state: client.randomState(),
        ...extra,
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: "S256",
      })
      .toString();
  const lang = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];

  it("ui_locales chooses the login page's language, before Accept-Language", async () => {
    const page = await new LanguageBrowser(t.url, "fr-CA,fr;q=0.9").go(await authorize({ ui_locales: "es de-CH" }));
    expect(page.url).toMatch(/\/interaction\//);
    expect(lang(page.html)).toBe("de");
    expect(page.html).toContain('<h1 id="welcome-heading">Willkommen</h1>');
    expect(page.html).toContain("Melden Sie sich an, um mit Acme Notes fortzufahren");
    expect(page.html).toContain('<label for="identifier">E-Mail-Adresse oder Benutzername</label>');
    expect(page.html).toContain(">Passwort vergessen?</a>");
    expect(page.html).toMatch(/<title>Anmelden · Gatehouse<\/title>/);
    expect(page.html).toContain(">Zum Inhalt springen</a>");
    // a refusal on the page is in its language too
    const browser = new LanguageBrowser(t.url, "en");
    const login = await browser.go(await authorize({ ui_locales: "de" }));
    const refused = await browser.submit(login, "/interaction/", { identifier: "nobody@example.test", password: "not the password" });
    expect(refused.status).toBe(401);
    expect(refused.html).toContain("<p>E-Mail-Adresse oder Passwort ist falsch</p>");
  });

  it("the authentication-code step and the consent page follow the request's ui_locales", async () => {
    const user = await t.createUser();
    const { secret } = await enableTotp(t, manualClock(), user);
    const browser = new LanguageBrowser(t.url, "en");
    const login = await browser.go(await authorize({ ui_locales: "de" }));
    const second = await browser.submit(login, "/interaction/", { identifier: user.email, password: user.password });
    expect(lang(second.html)).toBe("de");
    expect(second.html).toContain("Zwei-Faktor-Authentifizierung");
    expect(second.html).toContain('<label for="code">Authentifizierungscode</label>');
    const consent = await browser.submit(second, "/interaction/", { code: await totpCode(secret, Math.floor(Date.now() / 1000)) });
    expect(lang(consent.html)).toBe("de");
    expect(consent.html).toContain("Acme Notes</span> möchte:");
    expect(consent.html).toContain("Ihre E-Mail-Adresse sehen");
    expect(consent.html).toContain(">Erlauben</button>");
  });

  it("the Register tab follows Accept-Language, the password hint included", async () => {
    const page = await new LanguageBrowser(t.url, "de-DE,de;q=0.9").go(`${t.url}/register`);
    expect(lang(page.html)).toBe("de");
    expect(page.html).toContain('<label for="username">Benutzername</label>');
    expect(page.html).toContain("Mindestens 12 Zeichen; Sonderzeichen sind nicht nötig.");
    expect(page.html).toContain(">Registrieren</button>");
    const en = await new LanguageBrowser(t.url, "en").go(`${t.url}/register`);
    expect(en.html).toContain("At least 12 characters; no special characters needed.");
    // opened from an app's sign-in: that request's ui_locales wins over Accept-Language
    const browser = new LanguageBrowser(t.url, "de");
    const login = await browser.go(await authorize({ ui_locales: "fr" }));
    const register = await browser.go(`${t.url}/register?login=${encodeURIComponent(new URL(login.url).pathname)}`);
    expect(lang(register.html)).toBe("fr");
    expect(register.html).toContain(">S’inscrire</button>");
  });

  it("Accept-Language chooses the reset pages' and the 404 page's language; English stays English", async () => {
    const fr = await new LanguageBrowser(t.url, "fr-CA,fr;q=0.9,en;q=0.5").go(`${t.url}/forgot-password`);
    expect(lang(fr.html)).toBe("fr");
    expect(fr.html).toContain("Réinitialiser votre mot de passe");
    expect(fr.html).toContain(">M’envoyer un lien</button>");
    const invalid = await new LanguageBrowser(t.url, "de").go(`${t.url}/reset-password?token=not-a-token`);
    expect(lang(invalid.html)).toBe("de");
    expect(invalid.html).toContain("Dieser Link ist abgelaufen oder wurde schon verwendet");
    const missing = await new LanguageBrowser(t.url, "de").go(`${t.url}/no-such-page`);
    expect(missing.status).toBe(404);
    expect(lang(missing.html)).toBe("de");
    expect(missing.html).toContain("Seite nicht gefunden");
    const en = await new LanguageBrowser(t.url, "en-GB").go(`${t.url}/forgot-password`);
    expect(lang(en.html)).toBe("en");
    expect(en.html).toContain("Reset your password");
  });

  it("a language Gatehouse does not have gets DEFAULT_LOCALE; pages not translated yet stay wholly English", async () => {
    const page = await new LanguageBrowser(t.url, "es-ES,it;q=0.8").go(`${t.url}/forgot-password`);
    expect(lang(page.html)).toBe("fr");
    expect(page.html).toContain("Réinitialiser votre mot de passe");
    const admin = await new LanguageBrowser(t.url, "de").go(`${t.url}/admin-register`);
    expect(lang(admin.html)).toBe("en");
  });
});
