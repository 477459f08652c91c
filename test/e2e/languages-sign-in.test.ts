// The later sign-in steps in the request's language through the real pages (DEVICE_APPROVAL for every new
// browser, MAGIC_LINKS, an SMTP sink): with Accept-Language de, and with ui_locales=fr over an English browser,
// the emailed device-code page (its refusal too), the team page, the magic-link "check your email" page and the
// link's own page, and a held sign-in's "no longer valid" link page come out German / French (`<html lang>`,
// heading, title); English stays English.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { TestBrowser, LanguageBrowser, type Page } from "../helpers/browser.ts";
import { authorizationRequest } from "../helpers/totp-login.ts";
import {
  DEVICE_REDIRECT as REDIRECT,
  codeMail,
  codeMailCount,
  enterDeviceCode,
  isDevicePage,
  startDeviceEnv,
  type DeviceEnv,
} from "../helpers/device-flow.ts";
import { twoTeamUser } from "../helpers/team-flow.ts";

const lang = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];
const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

describe("languages of the later sign-in steps", { timeout: 90_000 }, () => {
  let env: DeviceEnv;
  beforeAll(async () => {
    env = await startDeviceEnv("without-2fa", { MAGIC_LINKS: "true" });
  });
  afterAll(async () => {
    await env?.t.close();
    await env?.sink.close();
  });

  /** the password of a user with two teams in `browser`: the device-code page */
  async function toDevicePage(browser: TestBrowser, extra: Record<string, string>) {
    const { user, own } = await twoTeamUser(env.t);
    const req = await authorizationRequest(env.rp, REDIRECT, { scope: "openid email roles", ...extra });
    const login = await browser.go(req.url, { stopAt: REDIRECT });
    const before = codeMailCount(env.sink, user.email);
    const page = await browser.submit(login, "/login", { identifier: user.email, password: user.password }, { stopAt: REDIRECT });
    expect(isDevicePage(page)).toBe(true);
    const { code } = await codeMail(env.sink, user.email, before + 1);
    return { user, own, page, code };
  }
  const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

  it("Accept-Language de: the device-code page, its refusal and the team page are German", async () => {
    const browser = new LanguageBrowser(env.t.url, "de-DE,de;q=0.9,en;q=0.5");
    const { page, code } = await toDevicePage(browser, {});
    expect(lang(page.html)).toBe("de");
    expect(page.html).toContain('<h1 id="device-heading">Sehen Sie in Ihr Postfach</h1>');
    expect(page.html).toContain("Anmeldung bei <strong>Device RP</strong> von einem neuen Gerät");
    expect(page.html).toContain('<label for="code">Code aus der E-Mail</label>');
    expect(title(page.html)).toBe("Sehen Sie in Ihr Postfach · Gatehouse");
    const refused = await browser.submit(page, "/device", { code: wrongCode(code) }, { stopAt: REDIRECT });
    expect(refused.status).toBe(401);
    expect(lang(refused.html)).toBe("de");
    expect(refused.html).toContain("<p>Dieser Code stimmt nicht. Noch 4 Versuche.</p>");

    const team = await enterDeviceCode(browser, refused, REDIRECT, code);
    expect(team.url).toMatch(/\/interaction\/[\w-]+\/team$/);
    expect(lang(team.html)).toBe("de");
    expect(team.html).toContain('<h1 id="team-heading">Team auswählen</h1>');
    expect(team.html).toContain("<strong>Ihre Teams</strong>");
    expect(team.html).toContain(">Mit einem anderen Konto neu beginnen</a>");
    expect(title(team.html)).toBe("Team auswählen · Gatehouse");
  });

  it("ui_locales=fr over an English browser: the device-code page and the team page are French", async () => {
    const browser = new LanguageBrowser(env.t.url, "en-GB,en;q=0.9");
    const { page, code } = await toDevicePage(browser, { ui_locales: "fr" });
    expect(lang(page.html)).toBe("fr");
    expect(page.html).toContain('<h1 id="device-heading">Consultez vos e-mails</h1>');
    expect(page.html).toContain(">Envoyer un nouveau code</button>");
    const team = await enterDeviceCode(browser, page, REDIRECT, code);
    expect(lang(team.html)).toBe("fr");
    expect(team.html).toContain('<h1 id="team-heading">Choisir une équipe</h1>');
    expect(team.html).toContain("<strong>Vos équipes</strong>");
  });

  it("English stays English on the device-code and team pages", async () => {
    const browser = new LanguageBrowser(env.t.url, "en");
    const { page, code } = await toDevicePage(browser, {});
    expect(lang(page.html)).toBe("en");
    expect(page.html).toContain('<h1 id="device-heading">Check your email</h1>');
    expect(page.html).toContain("Signing in to <strong>Device RP</strong> from a new device");
    expect(title(page.html)).toBe("Check your email · Gatehouse");
    const team = await enterDeviceCode(browser, page, REDIRECT, code);
    expect(team.html).toContain('<h1 id="team-heading">Choose a team</h1>');
  });

  /** "email me a sign-in link" for `email` from the login page of a fresh request; the page after it and the link */
  async function askForLink(browser: TestBrowser, email: string, extra: Record<string, string>): Promise<{ sent: Page; link: string }> {
    const req = await authorizationRequest(env.rp, REDIRECT, extra);
    const login = await browser.go(req.url, { stopAt: REDIRECT });
    const sent = await browser.submit(login, "/magic-link", { email }, { stopAt: REDIRECT });
    const mail = await env.sink.waitFor((m) => m.to.includes(email) && m.subject === "Your Gatehouse sign-in link");
    return { sent, link: /(http:\/\/\S+\/interaction\/\S+\/magic\/[A-Za-z0-9_-]+)/.exec(mail.text)![1]! };
  }

  it("the magic-link pages: ui_locales=fr for the 'check your email' page, Accept-Language de for the link's page and its code", async () => {
    const user = await env.t.createUser();
    const browser = new LanguageBrowser(env.t.url, "en");
    const { sent, link } = await askForLink(browser, user.email, { ui_locales: "fr" });
    expect(sent.url).toMatch(/\/interaction\/[\w-]+\/magic-link$/);
    expect(lang(sent.html)).toBe("fr");
    expect(sent.html).toContain('<h1 id="magic-heading">Consultez vos e-mails</h1>');
    expect(sent.html).toContain(`Si un compte utilise <strong>${user.email}</strong>, nous lui avons envoyé un lien de connexion.`);
    expect(sent.html).toContain(">Se connecter avec le code</button>");
    // a wrong code: the refusal in French
    const refused = await browser.submit(sent, "/magic-link/code", { code: "000000" }, { stopAt: REDIRECT });
    expect(refused.status).toBe(401);
    expect(refused.html).toContain("Si un compte utilise <strong>votre adresse</strong>");
    const malformed = await browser.submit(refused, "/magic-link/code", { code: "12" }, { stopAt: REDIRECT });
    expect(malformed.status).toBe(400);
    expect(malformed.html).toContain("<p>Saisissez le code à 6 chiffres affiché par le lien</p>");
    expect(refused.html).toContain(
      "<p>Ce code n’est pas correct ou n’est plus valide. Demandez un nouveau lien de connexion si cela continue d’échouer.</p>",
    );

    // the link opened in another browser that reads German: its page, then the code to type where it was asked
    const phone = new LanguageBrowser(env.t.url, "de");
    const open = await phone.go(link, { stopAt: REDIRECT });
    expect(open.status).toBe(200);
    expect(lang(open.html)).toBe("de");
    expect(open.html).toContain('<h1 id="magic-open-heading">Mit Ihrem Link anmelden</h1>');
    expect(title(open.html)).toBe("Mit Ihrem Link anmelden · Gatehouse");
    const code = await phone.submit(open, "/magic/", {}, { stopAt: REDIRECT });
    expect(lang(code.html)).toBe("de");
    expect(code.html).toContain('<h1 id="magic-code-heading">Geben Sie diesen Code dort ein, wo Sie den Link angefordert haben</h1>');
    expect(code.html).toMatch(/<p>Ihr Code: <strong><code data-magic-code>\d{6}<\/code><\/strong><\/p>/);
    // used again: the "no longer valid" page, in German too
    const again = await phone.go(link, { stopAt: REDIRECT });
    const invalid = again.html.includes("magic-invalid-heading") ? again : await phone.submit(again, "/magic/", {}, { stopAt: REDIRECT });
    expect(lang(invalid.html)).toBe("de");
    expect(invalid.html).toContain('<h1 id="magic-invalid-heading">Dieser Anmeldelink ist nicht mehr gültig</h1>');
  });

  it("a held sign-in's emailed link that is no longer valid: German and French from Accept-Language, English by default", async () => {
    const token = "A".repeat(43);
    const de = await new LanguageBrowser(env.t.url, "de-AT").go(`${env.t.url}/login-holds/${token}`);
    expect(de.status).toBe(400);
    expect(lang(de.html)).toBe("de");
    expect(de.html).toContain('<h1 id="invalid-heading">Dieser Link ist nicht mehr gültig</h1>');
    expect(de.html).toContain("<p>Dieser Link oder sein Gegenstück wurde schon verwendet. Es wurde nichts geändert.</p>");
    const fr = await new LanguageBrowser(env.t.url, "fr").go(`${env.t.url}/login-holds/${token}`);
    expect(lang(fr.html)).toBe("fr");
    expect(fr.html).toContain('<h1 id="invalid-heading">Ce lien n’est plus valide</h1>');
    expect(title(fr.html)).toBe("Ce lien n’est plus valide · Gatehouse");
    const en = await new TestBrowser(env.t.url).go(`${env.t.url}/login-holds/${token}`);
    expect(lang(en.html)).toBe("en");
    expect(en.html).toContain('<h1 id="invalid-heading">This link is no longer valid</h1>');
  });
});
