// Languages of the sign-in pages (lib/i18n): every catalogue has every key of the English one and no other, with
// the same {placeholders} and no empty text (this fails on a missing key); a key missing at run time falls back to
// English; the language is chosen from ui_locales, then Accept-Language (q-values, regional tags), then the default.
import { describe, it, expect } from "vitest";
import { CATALOGUES, LOCALES, negotiateLocale, translator, acceptedLanguages, type MessageKey } from "../../src/lib/i18n/index.ts";
import { en } from "../../src/lib/i18n/en.ts";
import { passwordHint } from "../../src/services/password-policy.ts";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogues", () => {
  for (const locale of LOCALES) {
    it(`${locale} has every key of en, no other, with the same placeholders`, () => {
      const catalogue = CATALOGUES[locale] as Record<string, string>;
      const missing = Object.keys(en).filter((k) => !(k in catalogue));
      const extra = Object.keys(catalogue).filter((k) => !(k in en));
      expect({ missing, extra }).toEqual({ missing: [], extra: [] });
      for (const [key, text] of Object.entries(en)) {
        expect(catalogue[key]!.trim(), `${locale} ${key}`).not.toBe("");
        expect(placeholders(catalogue[key]!), `${locale} ${key}`).toEqual(placeholders(text));
      }
    });
  }

  it("the English password hint is the policy's own words (the pages show passwordHint() in English)", () => {
    expect(translator("en")("password.hint", { min: 12 })).toBe(passwordHint(12));
  });

  it("translates with placeholders and falls back to English for a key a catalogue lacks", () => {
    expect(translator("de")("login.upstream", { name: "GitHub" })).toBe("Mit GitHub anmelden");
    expect(translator("fr")("error.eyebrow", { status: 404 })).toBe("Erreur 404");
    const de = CATALOGUES.de as Record<string, string>;
    const saved = de["login.title"];
    delete de["login.title"];
    try {
      expect(translator("de")("login.title")).toBe("Welcome");
    } finally {
      de["login.title"] = saved!;
    }
    expect(translator("fr")("no.such.key" as MessageKey)).toBe("no.such.key");
  });
});

describe("choosing the language", () => {
  it("ui_locales first, in its order; then Accept-Language by q; then the default", () => {
    expect(negotiateLocale({ uiLocales: "es de-CH fr", acceptLanguage: "fr", fallback: "en" })).toBe("de");
    expect(negotiateLocale({ uiLocales: "es", acceptLanguage: "es, fr-CA;q=0.8, de;q=0.9", fallback: "en" })).toBe("de");
    expect(negotiateLocale({ acceptLanguage: "fr-CA,fr;q=0.9,en;q=0.5", fallback: "en" })).toBe("fr");
    expect(negotiateLocale({ acceptLanguage: "de;q=0, en;q=0.1", fallback: "fr" })).toBe("en");
    expect(negotiateLocale({ acceptLanguage: "es, it", fallback: "de" })).toBe("de");
    expect(negotiateLocale({ uiLocales: ["de"], acceptLanguage: undefined, fallback: "fr" })).toBe("fr"); // not a string: ignored
    expect(negotiateLocale({ acceptLanguage: "*", fallback: "en" })).toBe("en");
  });

  it("reads Accept-Language leniently: bad q-values count as 1, at most 20 entries", () => {
    expect(acceptedLanguages("de;q=abc, fr;q=0.5")).toEqual(["de", "fr"]);
    expect(acceptedLanguages(Array.from({ length: 30 }, (_, i) => `x${i}`).join(",")).length).toBe(20);
    expect(acceptedLanguages(undefined)).toEqual([]);
  });
});

describe("emphasised messages", () => {
  it("puts each value in <strong> and escapes the message and the values", async () => {
    const { emphasised, translator } = await import("../../src/lib/i18n/index.ts");
    expect(emphasised(translator("en"), "register.invited", { team: "R&D <Ops>" }, { role: "<b>Dev</b>" })).toBe(
      "You are invited to join <strong>R&amp;D &lt;Ops&gt;</strong> as &lt;b&gt;Dev&lt;/b&gt;. Create your account to accept; you join once your email is confirmed.",
    );
    expect(emphasised(translator("de"), "register.invited", { team: '"x"', role: "Dev" })).toContain(
      "<strong>&quot;x&quot;</strong> als <strong>Dev</strong>",
    );
  });
});
