// The language helpers beyond the catalogues (lib/i18n): the order of choice with the switcher's cookie and the
// account's language, dates and durations in a language's words and a time zone (UTC when none, always named),
// the writing direction, a service's fixed English text found in the catalogue, and the switcher's return path.
import { describe, it, expect } from "vitest";
import {
  formatDateTime,
  formatDuration,
  negotiateLocale,
  textDirection,
  timeZoneOrNull,
  translateText,
  translator,
} from "../../src/lib/i18n/index.ts";
import { sameSitePath } from "../../src/http/routes/language.ts";

const AT = new Date("2026-12-06T22:05:00Z");

describe("choosing the language with a cookie and an account", () => {
  it("ui_locales, then the chosen ones in order (cookie, account), then Accept-Language, then the default", () => {
    expect(negotiateLocale({ uiLocales: "fr", chosen: ["de", "en"], acceptLanguage: "en", fallback: "en" })).toBe("fr");
    expect(negotiateLocale({ chosen: ["de", "fr"], acceptLanguage: "fr", fallback: "en" })).toBe("de");
    expect(negotiateLocale({ chosen: [undefined, "fr"], acceptLanguage: "de", fallback: "en" })).toBe("fr");
    expect(negotiateLocale({ chosen: [null, "xx", 7], acceptLanguage: "de", fallback: "en" })).toBe("de");
    expect(negotiateLocale({ chosen: [], fallback: "fr" })).toBe("fr");
  });
});

describe("dates, durations and direction", () => {
  it("writes a date in the language's words, in the time zone, naming the zone; UTC when none or unknown", () => {
    expect(formatDateTime(AT, "en")).toBe("Dec 6, 2026, 10:05 PM UTC");
    expect(formatDateTime(AT, "de", "Europe/Berlin")).toBe("6. Dez. 2026, 23:05 MEZ");
    expect(formatDateTime(AT, "fr", "Europe/Paris")).toBe("6 déc. 2026, 23:05 UTC+1");
    expect(formatDateTime(AT, "de", "Mars/Olympus")).toBe("6. Dez. 2026, 22:05 UTC");
    expect(formatDateTime(AT, "fr", null, true)).toBe("6 déc. 2026");
    expect(formatDateTime(null, "en")).toBe("");
    expect(formatDateTime("not a date", "en")).toBe("");
  });

  it("says how long a link works in whole days, hours or minutes", () => {
    expect(formatDuration(7 * 86400, "de")).toBe("7 Tage");
    expect(formatDuration(3600, "fr")).toBe("1\u00a0heure"); // Intl puts a no-break space before French units
    expect(formatDuration(600, "en")).toBe("10 minutes");
    expect(formatDuration(10, "en")).toBe("1 minute");
  });

  it("knows valid time zones and the writing direction", () => {
    expect(timeZoneOrNull("Europe/Paris")).toBe("Europe/Paris");
    expect(timeZoneOrNull("Mars/Olympus")).toBeNull();
    expect(timeZoneOrNull("")).toBeNull();
    expect(timeZoneOrNull(42)).toBeNull();
    expect(["en", "de", "fr"].map(textDirection)).toEqual(["ltr", "ltr", "ltr"]);
    expect(textDirection("ar")).toBe("rtl");
    expect(textDirection("he-IL")).toBe("rtl");
  });
});

describe("translating a route's message", () => {
  it("a key, or a fixed English text the catalogue holds, in the language; any other text unchanged", () => {
    const de = translator("de");
    expect(translateText(de, "profile.nameSaved")).toBe("Ihr Name wurde gespeichert.");
    expect(translateText(de, "That is not your current password.")).toBe("Das ist nicht Ihr aktuelles Passwort.");
    expect(translateText(de, "teams.left", { team: "Ops" })).toContain("Sie haben Ops verlassen.");
    expect(translateText(de, "Some text we do not have")).toBe("Some text we do not have");
    expect(translateText(translator("en"), "form.email")).toBe("Enter a valid email address");
  });
});

describe("the switcher's return path", () => {
  it("takes only a path on this site", () => {
    expect(sameSitePath("/account/profile?x=1")).toBe("/account/profile?x=1");
    expect(sameSitePath("/")).toBe("/");
    for (const bad of [
      "https://evil.example/",
      "//evil.example",
      "/\\evil.example",
      "evil",
      "javascript:alert(1)",
      "/a\nb",
      "/a\\b",
      "/" + "a".repeat(600),
      undefined,
      ["/"],
    ]) {
      expect(sameSitePath(bad), String(bad)).toBeNull();
    }
  });
});

describe("the password policy's refusals", () => {
  it("are in the catalogue word for word (so a page translates them), and German and French have them", async () => {
    const { MESSAGES } = await import("../../src/services/password-policy.ts");
    for (const text of Object.values(MESSAGES)) {
      expect(translateText(translator("en"), text)).toBe(text);
      expect(translateText(translator("de"), text), text).not.toBe(text);
      expect(translateText(translator("fr"), text), text).not.toBe(text);
    }
  });
});
