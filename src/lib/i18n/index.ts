// Languages of the sign-in pages: English, German and French message catalogues (en.ts is the source), the
// choice of a language for a request (the authorization request's ui_locales first, then Accept-Language, then
// DEFAULT_LOCALE), and a translator that falls back to English for a key a catalogue lacks. Pages get `t` and
// `lang` through lib/views.ts when their route passes `locale`; eta escapes what `t` returns like any text.
import { en, type MessageKey } from "./en.ts";
import { de } from "./de.ts";
import { fr } from "./fr.ts";

export const LOCALES = ["en", "de", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
export type { MessageKey };
export const CATALOGUES: Record<Locale, Partial<Record<MessageKey, string>>> = { en, de, fr };

export const isLocale = (v: unknown): v is Locale => typeof v === "string" && (LOCALES as readonly string[]).includes(v);

/** the supported language of a tag ("de-AT" -> de), or null */
const supported = (tag: string): Locale | null => {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return isLocale(primary) ? primary : null;
};

/** Accept-Language's tags, best first (q=0 left out; ties keep their order) */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header.split(",").slice(0, 20)
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([01](\.\d{0,3})?)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((x) => x.tag);
}

/** ui_locales (space-separated, in order of preference), then Accept-Language, then the default */
export function negotiateLocale(input: { uiLocales?: unknown; acceptLanguage?: string; fallback: Locale }): Locale {
  const asked = typeof input.uiLocales === "string" ? input.uiLocales.split(/\s+/).slice(0, 10) : [];
  for (const tag of [...asked, ...acceptedLanguages(input.acceptLanguage)]) {
    const found = supported(tag);
    if (found) return found;
  }
  return input.fallback;
}

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** `locale`'s messages, English where it lacks a key, the key itself where English does too; {name} filled in */
export function translator(locale: Locale): Translate {
  const own = CATALOGUES[locale];
  return (key, vars) => {
    const text = own[key] ?? en[key] ?? key;
    return vars ? text.replace(/\{(\w+)\}/g, (m, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : m)) : text;
  };
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/**
 * a message as HTML with the `strong` values in <strong> (e.g. the team of an invitation) and the `plain` ones as
 * text: the message and every value are escaped, only the <strong> around a value is markup; for `<%~ %>` in a page
 */
export function emphasised(t: Translate, key: MessageKey, strong: Record<string, string | number>, plain: Record<string, string | number> = {}): string {
  const marks = Object.fromEntries(Object.keys(strong).map((name) => [name, `\u0000${name}\u0000`]));
  return escapeHtml(t(key, { ...plain, ...marks })).replace(/\u0000(\w+)\u0000/g, (_, name: string) => `<strong>${escapeHtml(String(strong[name]))}</strong>`);
}
