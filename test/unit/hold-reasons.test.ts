// A held sign-in's reasons said in each language (services/risk/words.ts): each rule's key and values in, the exact
// words out in English, German and French (the country named, the distance written, the time between worded in
// that language); and a hold stored before reasons had keys (English sentences, an English place) still said, in
// English as a whole.
import { describe, it, expect } from "vitest";
import { sayHeldSignIn, sayHoldReason } from "../../src/services/risk/words.ts";
import type { Hold, HoldReason } from "../../src/services/risk/index.ts";
import type { Locale } from "../../src/lib/i18n/index.ts";

const say = (reason: HoldReason) => ({ en: sayHoldReason("en", reason), de: sayHoldReason("de", reason), fr: sayHoldReason("fr", reason) });
const NNBSP = "\u202f"; // French groups digits with a narrow no-break space

describe("each rule's reason in en, de and fr", () => {
  it("new_country: the country by its code, named in the language", () => {
    expect(say({ key: "holdReason.new_country", values: { country: "DE" } })).toEqual({
      en: "a sign-in from a country you have not signed in from before (Germany)",
      de: "eine Anmeldung aus einem Land, aus dem Sie sich bisher nicht angemeldet haben (Deutschland)",
      fr: "une connexion depuis un pays d’où vous ne vous étiez jamais connecté (Allemagne)",
    });
  });

  it("new_network: the address as it is", () => {
    expect(say({ key: "holdReason.new_network", values: { ip: "2001:db8::7" } })).toEqual({
      en: "a sign-in from a network you have not signed in from before (2001:db8::7)",
      de: "eine Anmeldung aus einem Netzwerk, aus dem Sie sich bisher nicht angemeldet haben (2001:db8::7)",
      fr: "une connexion depuis un réseau d’où vous ne vous étiez jamais connecté (2001:db8::7)",
    });
  });

  it("impossible_travelFrom: the distance written in the language, the earlier country named, the gap in minutes", () => {
    expect(say({ key: "holdReason.impossible_travelFrom", values: { km: 9571, minutes: 60, country: "GB" } })).toEqual({
      en: "a sign-in about 9,571 km from your previous one (United Kingdom) only 60 minutes later, faster than anyone can travel",
      de: "eine Anmeldung etwa 9.571 km von Ihrer vorherigen (Vereinigtes Königreich) entfernt, nur 60 Minuten später – schneller, als jemand reisen kann",
      fr: `une connexion à environ 9${NNBSP}571 km de la précédente (Royaume-Uni), seulement 60 minutes plus tard : plus vite que quiconque ne peut voyager`,
    });
  });

  it("impossible_travel (no earlier country): the distance and the gap only", () => {
    expect(say({ key: "holdReason.impossible_travel", values: { km: 812, minutes: 0 } })).toEqual({
      en: "a sign-in about 812 km from your previous one less than a minute later, faster than anyone can travel",
      de: "eine Anmeldung etwa 812 km von Ihrer vorherigen entfernt, weniger als eine Minute später – schneller, als jemand reisen kann",
      fr: "une connexion à environ 812 km de la précédente, moins d’une minute plus tard : plus vite que quiconque ne peut voyager",
    });
  });

  it("words the gap: under a minute, one minute, minutes below two hours, then whole hours", () => {
    const gap = (minutes: number, locale: Locale) =>
      sayHoldReason(locale, { key: "holdReason.impossible_travel", values: { km: 1000, minutes } }).match(
        / (less than a minute|only .+?|weniger als eine Minute|nur .+?|moins d’une minute|seulement .+?) (later|später|plus tard)/,
      )?.[1];
    expect([0, 1, 2, 119, 120, 150].map((m) => gap(m, "en"))).toEqual([
      "less than a minute",
      "only 1 minute",
      "only 2 minutes",
      "only 119 minutes",
      "only 2 hours",
      "only 3 hours",
    ]);
    expect([0, 1, 45, 180].map((m) => gap(m, "de"))).toEqual([
      "weniger als eine Minute",
      "nur 1 Minute",
      "nur 45 Minuten",
      "nur 3 Stunden",
    ]);
    expect([0, 1, 45, 180].map((m) => gap(m, "fr"))).toEqual([
      "moins d’une minute",
      "seulement 1 minute",
      "seulement 45 minutes",
      "seulement 3 heures",
    ]);
  });

  it("an English sentence (a hold stored before keys) stays as it is in every language", () => {
    const old = "a sign-in from a country you have not signed in from before (Japan)";
    for (const locale of ["en", "de", "fr"] as const) expect(sayHoldReason(locale, old)).toBe(old);
  });
});

describe("the held sign-in on its approval page", () => {
  const base = {
    id: "h1",
    userId: "u1",
    interactionUid: "i1",
    clientId: "c1",
    ip: "133.242.0.1",
    userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
    createdAt: Date.parse("2026-12-07T14:05:00Z"),
    expiresAt: 0,
    approveHash: "a",
    denyHash: "d",
  };
  const current: Hold = {
    ...base,
    rules: ["new_country", "impossible_travel"],
    reasons: [
      { key: "holdReason.new_country", values: { country: "JP" } },
      { key: "holdReason.impossible_travelFrom", values: { km: 9571, minutes: 0, country: "GB" } },
    ],
    place: { city: "Chiyoda City", countryCode: "JP" },
  };

  it("says a hold in the reader's language, the place's country included", () => {
    expect(sayHeldSignIn("de", current, { account: false, name: "Risiko RP" })).toEqual({
      locale: "de",
      signIn: {
        appName: "Risiko RP",
        ip: "133.242.0.1",
        location: "Chiyoda City, Japan",
        browser: "Firefox 128 unter Linux",
        time: "7. Dez. 2026, 14:05 UTC",
        reasons: [
          "eine Anmeldung aus einem Land, aus dem Sie sich bisher nicht angemeldet haben (Japan)",
          "eine Anmeldung etwa 9.571 km von Ihrer vorherigen (Vereinigtes Königreich) entfernt, weniger als eine Minute später – schneller, als jemand reisen kann",
        ],
      },
    });
    const fr = sayHeldSignIn("fr", { ...current, place: null, ip: null, userAgent: null }, { account: true });
    expect(fr.signIn).toMatchObject({
      appName: "votre compte Gatehouse",
      ip: "adresse inconnue",
      location: "lieu inconnu",
      browser: "un navigateur inconnu",
    });
    expect(fr.signIn.reasons[0]).toBe("une connexion depuis un pays d’où vous ne vous étiez jamais connecté (Japon)");
    const en = sayHeldSignIn("en", current, { account: false, name: null });
    expect(en).toMatchObject({
      locale: "en",
      signIn: { appName: "an application", location: "Chiyoda City, Japan", browser: "Firefox 128 on Linux", time: "2026-12-07 14:05 UTC" },
    });
    expect(en.signIn.reasons[1]).toBe(
      "a sign-in about 9,571 km from your previous one (United Kingdom) less than a minute later, faster than anyone can travel",
    );
  });

  it("a hold stored before reasons had keys still renders: its English reasons and place, the page in English", () => {
    const old = {
      ...base,
      rules: ["new_country"],
      reasons: ["a sign-in from a country you have not signed in from before (Japan)"],
      location: "Chiyoda City, Japan",
    } as Hold;
    for (const locale of ["en", "de", "fr"] as const) {
      expect(sayHeldSignIn(locale, old, { account: true })).toEqual({
        locale: "en",
        signIn: {
          appName: "your Gatehouse account",
          ip: "133.242.0.1",
          location: "Chiyoda City, Japan",
          browser: "Firefox 128 on Linux",
          time: "2026-12-07 14:05 UTC",
          reasons: ["a sign-in from a country you have not signed in from before (Japan)"],
        },
      });
    }
  });
});
