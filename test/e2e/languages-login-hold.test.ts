// A held sign-in's emailed approval page and email in the reader's language: services/risk's rules give each reason
// as a catalogue key with its values (a country by its code, the distance, the time between), and the page and the
// email say them (services/risk/words.ts) in German or French, the country and the place included; an English
// reader keeps the English page. A hold stored before reasons had keys (English sentences in Redis, up to the
// hold's TTL) still renders, in English.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { authorizationRequest, passwordStep } from "../helpers/totp-login.ts";
import { sayHoldReason } from "../../src/services/risk/words.ts";
import { sha256 } from "../../src/lib/crypto.ts";
import { newCountry } from "../../src/services/risk/rules/new-country.ts";
import { newNetwork } from "../../src/services/risk/rules/new-network.ts";
import { impossibleTravel } from "../../src/services/risk/rules/impossible-travel.ts";

const REDIRECT = "https://rp.example.test/callback";
const LONDON = "81.2.69.142";
const TOKYO = "133.242.0.1";

/** a browser behind the test's "proxy" (every request from `ip`) that asks for `language` */
class Browser extends TestBrowser {
  constructor(
    origin: string,
    readonly ip: string,
    readonly language: string,
  ) {
    super(origin);
  }
  override request(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set("x-forwarded-for", this.ip);
    headers.set("accept-language", this.language);
    return super.request(url, { ...init, headers });
  }
}

const lang = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];

describe("the approval page of a held sign-in in German and French", { timeout: 90_000 }, () => {
  let t: TestApp;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let rp: client.Configuration;

  beforeAll(async () => {
    sink = await startSmtpSink();
    t = await startTestApp({ SMTP_URL: sink.url, TRUST_PROXY: "true", RISK_RULES: "new_country,impossible_travel,new_network" });
    const { clientId, clientSecret } = await t.createClient({ name: "Risiko RP", type: "confidential", redirectUris: [REDIRECT] });
    rp = await discover(t.url, clientId, clientSecret);
  });
  afterAll(async () => {
    await t?.close();
    await sink?.close();
  });

  /** a user seen in London, then signing in from Tokyo: the hold's approve link */
  async function approveLink() {
    const user = await t.createUser();
    await loginWithCode(rp, new Browser(t.url, LONDON, "en"), REDIRECT, { identifier: user.email, password: user.password });
    const req = await authorizationRequest(rp, REDIRECT);
    await passwordStep(new Browser(t.url, TOKYO, "en"), req.url, REDIRECT, { identifier: user.email, password: user.password });
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && m.subject === "Was this you signing in to Gatehouse?");
    return /https?:\/\/\S+\/login-holds\/[\w-]+/.exec(mail.text)![0];
  }

  it("a German reader gets the page in German, every reason and the place included; French too; English stays English", async () => {
    const link = await approveLink();
    const german = await new Browser(t.url, LONDON, "de-DE,de;q=0.9").go(link);
    expect(german.status).toBe(200);
    expect(lang(german.html)).toBe("de");
    expect(german.html).toContain("eine Anmeldung aus einem Land, aus dem Sie sich bisher nicht angemeldet haben (Japan)");
    expect(german.html).toContain(`eine Anmeldung aus einem Netzwerk, aus dem Sie sich bisher nicht angemeldet haben (${TOKYO})`);
    expect(german.html).toMatch(
      /eine Anmeldung etwa [\d.]+ km von Ihrer vorherigen \(Vereinigtes Königreich\) entfernt, (weniger als eine Minute|nur \d+ Minuten?) später/,
    );
    expect(german.html).toContain(`Chiyoda City, Japan (ungefähr), ${TOKYO}`);
    expect(german.html).toContain("Risiko RP");
    // "7. Dez. 2026, 14:05 UTC"
    expect(german.html).toMatch(/<dd>\d{1,2}\. [A-ZÄÖÜ][a-zäöü]+\.? \d{4}(, | um )\d{2}:\d{2} UTC<\/dd>/);
    for (const english of ["a sign-in from", "faster than anyone", "approximately", "Approve this sign-in?", "Why we asked"])
      expect(german.html).not.toContain(english);

    const french = await new Browser(t.url, LONDON, "fr").go(link);
    expect(lang(french.html)).toBe("fr");
    expect(french.html).toContain("une connexion depuis un pays d’où vous ne vous étiez jamais connecté (Japon)");
    expect(french.html).toContain(`Chiyoda City, Japon (environ), ${TOKYO}`);
    expect(french.html).toMatch(/\(Royaume-Uni\), (moins d’une minute|seulement \d+ minutes?) plus tard/);

    const english = await new Browser(t.url, LONDON, "en").go(link);
    expect(lang(english.html)).toBe("en");
    expect(english.html).toContain("Approve this sign-in?");
    expect(english.html).toContain("a sign-in from a country you have not signed in from before (Japan)");
    expect(english.html).toContain(`Chiyoda City, Japan (approximately), ${TOKYO}`);
    expect(english.html).toMatch(/<dd>\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/dd>/);
  });

  it("says every rule's own key and values in German", () => {
    const at = new Date("2026-12-07T12:00:00Z");
    const settings = { travelMinKm: 500, travelMaxKmh: 1000 } as Parameters<typeof impossibleTravel>[2];
    const country = newCountry(
      { ip: "133.242.0.1", network: "133.242.0.0/24", place: { countryCode: "JP", latitude: 35.7, longitude: 139.7 }, at },
      [{ ip: "81.2.69.142", network: "81.2.69.0/24", countryCode: "GB", latitude: 51.5, longitude: -0.1, at }],
      settings,
    );
    expect(country.fired && sayHoldReason("de", country.reason)).toBe(
      "eine Anmeldung aus einem Land, aus dem Sie sich bisher nicht angemeldet haben (Japan)",
    );
    const network = newNetwork(
      { ip: "133.242.0.1", network: "133.242.0.0/24", place: null, at },
      [{ ip: "81.2.69.142", network: "81.2.69.0/24", countryCode: null, latitude: null, longitude: null, at }],
      settings,
    );
    expect(network.fired && sayHoldReason("de", network.reason)).toBe(
      "eine Anmeldung aus einem Netzwerk, aus dem Sie sich bisher nicht angemeldet haben (133.242.0.1)",
    );
    for (const [hoursBefore, gap] of [
      [0, "weniger als eine Minute"],
      [1 / 60, "nur 1 Minute"],
      [0.5, "nur 30 Minuten"],
      [3, "nur 3 Stunden"],
    ] as const) {
      const travel = impossibleTravel(
        { ip: "133.242.0.1", network: null, place: { countryCode: "JP", latitude: 35.7, longitude: 139.7 }, at },
        [
          {
            ip: "81.2.69.142",
            network: "81.2.69.0/24",
            countryCode: "GB",
            latitude: 51.5,
            longitude: -0.1,
            at: new Date(at.getTime() - hoursBefore * 3_600_000),
          },
        ],
        settings,
      );
      expect(travel.fired && sayHoldReason("de", travel.reason)).toMatch(
        new RegExp(`^eine Anmeldung etwa 9\\.\\d{3} km von Ihrer vorherigen \\(Vereinigtes Königreich\\) entfernt, ${gap} später`),
      );
    }
  });

  it("a German account's hold email gives the reasons in German", async () => {
    const user = await t.createUser();
    await t.app.db.prisma.user.update({ where: { id: user.id }, data: { locale: "de" } });
    await loginWithCode(rp, new Browser(t.url, LONDON, "de"), REDIRECT, { identifier: user.email, password: user.password });
    const req = await authorizationRequest(rp, REDIRECT);
    await passwordStep(new Browser(t.url, TOKYO, "de"), req.url, REDIRECT, { identifier: user.email, password: user.password });
    const mail = await sink.waitFor((m) => m.to.includes(user.email) && /login-holds/.test(m.text));
    expect(mail.text).toContain("\n- eine Anmeldung aus einem Land, aus dem Sie sich bisher nicht angemeldet haben (Japan)\n");
    expect(mail.text).toContain(`\n- eine Anmeldung aus einem Netzwerk, aus dem Sie sich bisher nicht angemeldet haben (${TOKYO})\n`);
    expect(mail.text).toMatch(/\n- eine Anmeldung etwa [\d.]+ km von Ihrer vorherigen \(Vereinigtes Königreich\) entfernt, /);
    expect(mail.html).toContain("<li>eine Anmeldung aus einem Land, aus dem Sie sich bisher nicht angemeldet haben (Japan)</li>");
    for (const english of ["a sign-in from", "faster than anyone"]) {
      expect(mail.text).not.toContain(english);
      expect(mail.html).not.toContain(english);
    }
  });

  it("a hold stored before reasons had keys (English sentences, an English place) still renders, in English", async () => {
    const link = await approveLink();
    const token = /\/login-holds\/([\w-]+)/.exec(link)![1]!;
    // rewrite the stored hold in the shape Gatehouse stored before: English reasons and location, no place
    const [id] = (await t.app.redis.get(`risk:link:{${sha256(token)}}`))!.split(":");
    const key = `risk:hold:{${id}}`;
    const stored = JSON.parse((await t.app.redis.get(key))!) as Record<string, unknown>;
    delete stored.place;
    stored.reasons = [
      "a sign-in from a country you have not signed in from before (Japan)",
      "a sign-in about 9,571 km from your previous one (United Kingdom) less than a minute later, faster than anyone can travel",
      `a sign-in from a network you have not signed in from before (${TOKYO})`,
    ];
    stored.location = "Chiyoda City, Japan";
    await t.app.redis.set(key, JSON.stringify(stored), "KEEPTTL");

    for (const language of ["de-DE,de;q=0.9", "en"]) {
      const page = await new Browser(t.url, LONDON, language).go(link);
      expect(page.status).toBe(200);
      expect(lang(page.html)).toBe("en");
      expect(page.html).toContain("Approve this sign-in?");
      expect(page.html).toContain("a sign-in from a country you have not signed in from before (Japan)");
      expect(page.html).toContain("(United Kingdom) less than a minute later, faster than anyone can travel");
      expect(page.html).toContain(`Chiyoda City, Japan (approximately), ${TOKYO}`);
      expect(page.html).toMatch(/<dd>\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC<\/dd>/);
    }
  });
});
