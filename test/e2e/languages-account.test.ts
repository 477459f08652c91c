// Languages beyond the sign-in step, through the real pages and real mail: a German browser (Accept-Language) gets
// German registration pages, a German verification email (captured by the SMTP sink) and German account pages with
// dates in German words; the account's own language and time zone (set on the profile) choose the language of its
// pages and emails over Accept-Language; the footer's switcher sets the `lang` cookie, which beats the account's
// language, returns to the same path and never to another site; ui_locales still comes first.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, uniqueEmail, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser, LanguageBrowser, type Page } from "../helpers/browser.ts";
import { discover } from "../helpers/oidc-flow.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { openAccountPage } from "../helpers/sessions.ts";

const REDIRECT = "https://rp.example.test/cb";
const PASSWORD = "quiet lantern over the marsh";

const lang = (html: string) => /<html lang="([a-z]+)" dir="(ltr|rtl)">/.exec(html)?.slice(1, 3).join(" ");

describe("languages of the registration, account pages and emails", { timeout: 90_000 }, () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let rp: client.Configuration;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url });
    const { clientId, clientSecret } = await t.createClient({ name: "Acme Notes", type: "confidential", redirectUris: [REDIRECT] });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  const username = () => `u${Math.random().toString(36).slice(2, 10)}`;

  it("a German browser registers in German, gets a German verification email, and the account keeps German", async () => {
    const browser = new LanguageBrowser(t.url, "de-DE,de;q=0.9,en;q=0.5");
    const email = uniqueEmail("de");
    const name = username();
    const form = await browser.go(`${t.url}/register`);
    expect(lang(form.html)).toBe("de ltr");
    // a refusal from the form's own check is German too
    const refused = await browser.submit(form, "/register", {
      username: name,
      email: "not an address",
      password: PASSWORD,
      team_name: `Team ${name}`,
    });
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("Geben Sie eine gültige E-Mail-Adresse ein");
    // so is the password policy's refusal (a service's fixed text, found in the catalogue)
    const weak = await browser.submit(form, "/register", { username: name, email, password: "password12345", team_name: `Team ${name}` });
    expect(weak.status).toBe(400);
    expect(weak.html).toContain("Dieses Passwort ist zu gängig");

    const sent = await browser.submit(form, "/register", { username: name, email, password: PASSWORD, team_name: `Team ${name}` });
    expect(sent.status).toBe(200);
    expect(lang(sent.html)).toBe("de ltr");
    expect(sent.html).toContain('<h1 id="check-heading">Sehen Sie in Ihr Postfach</h1>');
    expect(sent.html).toContain(`Falls <strong>${email}</strong> eine E-Mail zu einem Gatehouse-Konto empfangen kann`);
    expect(sent.html).toMatch(/<title>Sehen Sie in Ihr Postfach · Gatehouse<\/title>/);

    const mail = await sink.waitFor((m) => m.to.includes(email));
    expect(mail.subject).toBe("Bestätigen Sie Ihre E-Mail-Adresse für Gatehouse");
    expect(mail.text).toContain(`Hallo ${name},`);
    expect(mail.text).toContain("Der Link funktioniert einmal und für 24 Stunden.");
    expect(mail.html).toContain('<html lang="de" dir="ltr">');
    expect(mail.html).toContain(">Meine E-Mail-Adresse bestätigen</a>");
    expect((await t.app.db.prisma.user.findFirstOrThrow({ where: { email } })).locale).toBe("de");

    const link = /https?:\/\/\S+\/verify-email\?token=[\w-]+/.exec(mail.text)![0];
    const confirm = await browser.go(link);
    expect(confirm.html).toContain(">Meine E-Mail-Adresse bestätigen</button>");
    const verified = await browser.submit(confirm, "/verify-email", {});
    expect(lang(verified.html)).toBe("de ltr");
    expect(verified.html).toContain("E-Mail-Adresse bestätigt");

    // the account's language outlives the browser: an English browser's reset email for it is German
    const english = new LanguageBrowser(t.url, "en");
    await english.submit(await english.go(`${t.url}/forgot-password`), "/forgot-password", { identifier: email });
    const reset = await sink.waitFor((m) => m.to.includes(email) && m.subject.includes("zurücksetzen"));
    expect(reset.subject).toBe("Gatehouse-Passwort zurücksetzen");
    expect(reset.text).toContain("Jemand hat angefordert, das Passwort Ihres Gatehouse-Kontos zurückzusetzen.");
  });

  it("the account pages follow a German browser, their messages and dates included", async () => {
    const user = await t.createUser();
    const browser = new LanguageBrowser(t.url, "de");
    const profile = await openAccountPage(browser, t.url, "/account/profile", { identifier: user.email, password: user.password });
    expect(profile.url).toBe(`${t.url}/account/profile`);
    expect(lang(profile.html)).toBe("de ltr");
    expect(profile.html).toContain('<h1 id="profile-heading">Ihr Konto</h1>');
    expect(profile.html).toContain(">Sitzungen</a>");
    expect(profile.html).toContain('<label for="time-zone">Zeitzone</label>');
    const saved = await browser.submit(profile, "/account/profile/name", { name: "Grete" });
    expect(saved.html).toContain("Ihr Name wurde gespeichert.");
    const wrong = await browser.submit(profile, "/account/profile/email", { email: uniqueEmail("x"), password: "not the password at all" });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toContain("Das ist nicht Ihr aktuelles Passwort.");

    const sessions = await browser.go(`${t.url}/account/sessions`);
    expect(lang(sessions.html)).toBe("de ltr");
    expect(sessions.html).toContain("<dt>Zuletzt aktiv</dt>");
    // "6. Dez. 2026, 14:05 UTC": German words for the date, in UTC (the account has no time zone), named
    expect(sessions.html).toMatch(/<dd>\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+\.? \d{4}(, | um )\d{2}:\d{2} UTC<\/dd>/);
    for (const path of [
      "/account/security",
      "/account/two-factor",
      "/account/passkeys",
      "/account/sign-in-providers",
      "/account/devices",
      "/account/teams",
      "/account/data",
    ]) {
      const page = await browser.go(`${t.url}${path}`);
      expect(page.status, path).toBe(200);
      expect(lang(page.html), path).toBe("de ltr");
      expect(page.html, path).toContain(">Ihre Daten</a>");
    }
  });

  it("the profile's language and time zone win over Accept-Language; bad values are refused and change nothing", async () => {
    const user = await t.createUser();
    const browser = new LanguageBrowser(t.url, "en-US,en;q=0.9");
    const profile = await openAccountPage(browser, t.url, "/account/profile", { identifier: user.email, password: user.password });
    expect(lang(profile.html)).toBe("en ltr");
    expect(profile.html).toContain("Language and time zone");

    const bad = await browser.submit(profile, "/account/profile/preferences", { locale: "xx", time_zone: "Europe/Paris" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("Choose one of the languages in the list.");
    const badZone = await browser.submit(profile, "/account/profile/preferences", { locale: "fr", time_zone: "Mars/Olympus" });
    expect(badZone.status).toBe(400);
    expect(await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ locale: null, timeZone: null });

    const saved = await browser.submit(profile, "/account/profile/preferences", { locale: "fr", time_zone: "Europe/Paris" });
    expect(saved.status).toBe(200);
    expect(lang(saved.html)).toBe("fr ltr");
    expect(saved.html).toContain("Votre langue et votre fuseau horaire ont été enregistrés.");
    expect(saved.html).toContain('<option value="Europe/Paris" selected>');
    expect(await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      locale: "fr",
      timeZone: "Europe/Paris",
    });

    // dates in the account's zone, named; the emails in its language and zone
    const sessions = await browser.go(`${t.url}/account/sessions`);
    expect(sessions.html).toMatch(/<dd>\d{1,2} [a-zéû]+\.? \d{4}(,| à) \d{2}:\d{2} UTC\+[12]<\/dd>/);
    await browser.submit(await browser.go(`${t.url}/forgot-password`), "/forgot-password", { identifier: user.email });
    const reset = await sink.waitFor((m) => m.to.includes(user.email) && m.subject.startsWith("Réinitialisez"));
    expect(reset.text).toContain(`Bonjour ${user.username},`);
    expect(reset.text).toMatch(/avec .+, le \d{1,2} [a-zéû]+\.? \d{4}(,| à) \d{2}:\d{2} UTC\+[12]\./);

    // back to the browser's language: the empty choice
    const cleared = await browser.submit(saved, "/account/profile/preferences", { locale: "", time_zone: "UTC" });
    expect(lang(cleared.html)).toBe("en ltr");
    expect(await t.app.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ locale: null, timeZone: null });
  });

  it("the switcher sets the cookie and returns to the same path; the cookie beats the account's language", async () => {
    const browser = new LanguageBrowser(t.url, "en");
    const page = await browser.go(`${t.url}/forgot-password`);
    expect(page.html).toContain('<a href="/language?set=de" lang="de" hreflang="de">Deutsch</a>');
    expect(page.html).toContain('<span lang="en" aria-current="true">English</span>');

    const res = await browser.request(`${t.url}/language?set=de&return=${encodeURIComponent("/forgot-password?x=1")}`);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/forgot-password?x=1");
    expect(res.headers.getSetCookie().join("\n")).toMatch(/^lang=de; .*httponly/im);
    const german = await browser.go(`${t.url}/forgot-password`);
    expect(lang(german.html)).toBe("de ltr");
    expect(german.html).toContain('<span lang="de" aria-current="true">Deutsch</span>');

    // without `return`: back to the Referer when it is a page of ours, else the start page
    const back = await browser.request(`${t.url}/language?set=fr`, { headers: { referer: `${t.url}/verify-email` } });
    expect(back.headers.get("location")).toBe("/verify-email");
    const foreign = await browser.request(`${t.url}/language?set=fr`, { headers: { referer: "https://evil.example/verify-email" } });
    expect(foreign.headers.get("location")).toBe("/");

    // the cookie comes before the account's own language
    const user = await t.createUser();
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { locale: "fr" } });
    await browser.request(`${t.url}/language?set=de&return=/`);
    const profile = await openAccountPage(browser, t.url, "/account/profile", { identifier: user.email, password: user.password });
    expect(lang(profile.html)).toBe("de ltr");
  });

  it("the switcher refuses another site as the return and unknown languages, and sets nothing then", async () => {
    for (const target of ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "evil.example"]) {
      const browser = new TestBrowser(t.url);
      const res = await browser.request(`${t.url}/language?set=de&return=${encodeURIComponent(target)}`);
      expect(res.status, target).toBe(400);
      expect(res.headers.get("location"), target).toBeNull();
      expect(res.headers.getSetCookie(), target).toEqual([]);
    }
    const unknown = await new TestBrowser(t.url).request(`${t.url}/language?set=xx&return=/`);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.getSetCookie()).toEqual([]);
  });

  it("the emailed-link pages, the start page and the sign-out pages follow the browser's language", async () => {
    const browser = new LanguageBrowser(t.url, "fr-FR,fr;q=0.9");
    const unlock = await browser.go(`${t.url}/unlock?token=${"x".repeat(43)}`);
    expect(unlock.status).toBe(400);
    expect(lang(unlock.html)).toBe("fr ltr");
    expect(unlock.html).toContain("Ce lien n’est plus valide");
    const restore = await browser.go(`${t.url}/account/restore?token=${"x".repeat(43)}`);
    expect(lang(restore.html)).toBe("fr ltr");
    expect(restore.html).toContain("Ce lien de restauration a déjà été utilisé");
    const home = await browser.go(`${t.url}/`);
    expect(lang(home.html)).toBe("fr ltr");
    expect(home.html).toContain("Un fournisseur d’identité OAuth 2.0 et OpenID Connect.");
    const user = await t.createUser();
    const german = new LanguageBrowser(t.url, "de");
    await openAccountPage(german, t.url, "/account/profile", { identifier: user.email, password: user.password });
    const logout = await german.go(`${t.url}/session/end`);
    expect(lang(logout.html)).toBe("de ltr");
    expect(logout.html).toContain(">Ja, abmelden</button>");
    const out = await german.submit(logout, "/session/end", { logout: "yes" });
    expect(lang(out.html)).toBe("de ltr");
    expect(out.html).toContain("Sie sind abgemeldet");
  });

  it("an app's ui_locales still comes before the switcher's cookie", async () => {
    const browser = new LanguageBrowser(t.url, "en");
    await browser.request(`${t.url}/language?set=de&return=/`);
    const url = client
      .buildAuthorizationUrl(rp, {
        redirect_uri: REDIRECT,
        scope: "openid",
        state: client.randomState(),
        ui_locales: "fr",
        code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()),
        code_challenge_method: "S256",
      })
      .toString();
    const login: Page = await browser.go(url);
    expect(login.url).toContain("/interaction/");
    expect(lang(login.html)).toBe("fr ltr");
    const plain = await browser.go(`${t.url}/forgot-password`);
    expect(lang(plain.html)).toBe("de ltr");
  });
});
