// A held sign-in's emailed approval page in the reader's language: services/risk gives its reasons in English
// next to the rules' names, and the page (routes/login-hold-words.ts) says each again in German or French, the
// country and the place included; an English reader keeps the English page. The rules' own outputs are read back
// too, so a rule whose words change without its pattern fails here (the page would otherwise stay English).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import * as client from "openid-client";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { discover, loginWithCode } from "../helpers/oidc-flow.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { authorizationRequest, passwordStep } from "../helpers/totp-login.ts";
import { translator } from "../../src/lib/i18n/index.ts";
import { reasonIn, placeIn } from "../../src/http/routes/login-hold-words.ts";
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

  it("reads back every rule's own English words; unknown words are not guessed", () => {
    const de = translator("de");
    const at = new Date("2026-12-07T12:00:00Z");
    const settings = { travelMinKm: 500, travelMaxKmh: 1000 } as Parameters<typeof impossibleTravel>[2];
    const country = newCountry(
      { ip: "133.242.0.1", network: "133.242.0.0/24", place: { countryCode: "JP", latitude: 35.7, longitude: 139.7 }, at },
      [{ ip: "81.2.69.142", network: "81.2.69.0/24", countryCode: "GB", latitude: 51.5, longitude: -0.1, at }],
      settings,
    );
    expect(country.fired && reasonIn("de", de, "new_country", country.reason)).toBe(
      "eine Anmeldung aus einem Land, aus dem Sie sich bisher nicht angemeldet haben (Japan)",
    );
    const network = newNetwork(
      { ip: "133.242.0.1", network: "133.242.0.0/24", place: null, at },
      [{ ip: "81.2.69.142", network: "81.2.69.0/24", countryCode: null, latitude: null, longitude: null, at }],
      settings,
    );
    expect(network.fired && reasonIn("de", de, "new_network", network.reason)).toBe(
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
      expect(travel.fired && reasonIn("de", de, "impossible_travel", travel.reason)).toMatch(
        new RegExp(`^eine Anmeldung etwa 9\\.\\d{3} km von Ihrer vorherigen \\(Vereinigtes Königreich\\) entfernt, ${gap} später`),
      );
    }
    expect(reasonIn("de", de, "new_country", "something else entirely")).toBeNull();
    expect(placeIn("fr", translator("fr"), "unknown location")).toBe("lieu inconnu");
    expect(placeIn("de", de, "London, United Kingdom")).toBe("London, Vereinigtes Königreich");
  });
});
