// Languages of the pages and emails: English, German and French message catalogues (en.ts is the source), the
// choice of a language for a request (the authorization request's ui_locales first, then the switcher's cookie and
// the account's language, then Accept-Language, then DEFAULT_LOCALE), a translator that falls back to English for a
// key a catalogue lacks, and dates and durations in a language's own words (Intl). Pages get `t` and
// `lang` through lib/views.ts when their route passes `locale`; eta escapes what `t` returns like any text.
import { en, type MessageKey } from "./en.ts";
import { de } from "./de.ts";
import { fr } from "./fr.ts";

export const LOCALES = ["en", "de", "fr"] as const;
export type Locale = (typeof LOCALES)[number];
export type { MessageKey };
export const CATALOGUES: Record<Locale, Partial<Record<MessageKey, string>>> = { en, de, fr };

/** the language switcher's cookie (http/routes/language.ts): a supported language's code, nothing else */
export const LANG_COOKIE = "lang";

export const isLocale = (v: unknown): v is Locale => typeof v === "string" && (LOCALES as readonly string[]).includes(v);

/** the supported language of a tag ("de-AT" -> de), or null */
const supported = (tag: string): Locale | null => {
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return isLocale(primary) ? primary : null;
};

/** Accept-Language's tags, best first (q=0 left out; ties keep their order) */
export function acceptedLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .slice(0, 20)
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().split(";");
      const q = params.map((p) => /^\s*q=([01](\.\d{0,3})?)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((x) => x.tag && x.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((x) => x.tag);
}

/**
 * ui_locales (space-separated, in order of preference), then the `chosen` languages in their order (the switcher's
 * cookie, the account's own), then Accept-Language, then the default
 */
export function negotiateLocale(input: { uiLocales?: unknown; chosen?: unknown[]; acceptLanguage?: string; fallback: Locale }): Locale {
  const asked = typeof input.uiLocales === "string" ? input.uiLocales.split(/\s+/).slice(0, 10) : [];
  const chosen = (input.chosen ?? []).filter((c): c is string => typeof c === "string");
  for (const tag of [...asked, ...chosen, ...acceptedLanguages(input.acceptLanguage)]) {
    const found = supported(tag);
    if (found) return found;
  }
  return input.fallback;
}

/** the writing direction of a language (every one we ship is left to right; the pages use CSS logical properties) */
const RTL = new Set(["ar", "fa", "he", "ur", "ps", "yi"]);
export const textDirection = (locale: string): "ltr" | "rtl" => (RTL.has(locale.split("-")[0]!) ? "rtl" : "ltr");

/** the names of the languages in themselves, for the switcher */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: "English", de: "Deutsch", fr: "Français" };

/** a valid IANA time zone name, or null */
export function timeZoneOrNull(zone: unknown): string | null {
  if (typeof zone !== "string" || zone.length > 64 || !zone) return null;
  try {
    return new Intl.DateTimeFormat("en", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

/** a date and time in `locale`'s words, in `timeZone` (UTC when none), its zone named ("6. Dez. 2026, 14:05 UTC") */
export function formatDateTime(
  value: Date | string | number | null | undefined,
  locale: Locale,
  timeZone?: string | null,
  dateOnly = false,
): string {
  if (value === null || value === undefined) return "";
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return "";
  const zone = timeZoneOrNull(timeZone) ?? "UTC";
  const options: Intl.DateTimeFormatOptions = dateOnly
    ? { year: "numeric", month: "short", day: "numeric", timeZone: zone }
    : { year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", timeZone: zone, timeZoneName: "short" };
  return new Intl.DateTimeFormat(locale, options).format(date);
}

/** "7 days", "7 Tage", "7 jours": how long a link works, in whole days, hours or minutes */
export function formatDuration(seconds: number, locale: Locale): string {
  const [value, unit] =
    seconds >= 86400
      ? ([Math.round(seconds / 86400), "day"] as const)
      : seconds >= 3600
        ? ([Math.round(seconds / 3600), "hour"] as const)
        : ([Math.max(1, Math.round(seconds / 60)), "minute"] as const);
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(value);
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

let englishKeys: Map<string, MessageKey> | undefined;
/**
 * a message key, or a fixed English text a service returned (a refusal's message), in `t`'s language: the key's
 * text, the English text's own key's text when the catalogue has that text, else the text unchanged (English)
 */
export function translateText(t: Translate, text: string, vars?: Record<string, string | number>): string {
  if (Object.hasOwn(en, text)) return t(text as MessageKey, vars);
  englishKeys ??= new Map(
    Object.entries(en)
      .reverse()
      .map(([key, value]) => [value, key as MessageKey]),
  );
  const key = englishKeys.get(text);
  return key ? t(key, vars) : text;
}

const HTML_ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

/**
 * a message as HTML with the `strong` values in <strong> (e.g. the team of an invitation) and the `plain` ones as
 * text: the message and every value are escaped, only the <strong> around a value is markup; for `<%~ %>` in a page
 */
export function emphasised(
  t: Translate,
  key: MessageKey,
  strong: Record<string, string | number>,
  plain: Record<string, string | number> = {},
): string {
  const marks = Object.fromEntries(Object.keys(strong).map((name) => [name, `\u0000${name}\u0000`]));
  return escapeHtml(t(key, { ...plain, ...marks })).replace(
    // eslint-disable-next-line no-control-regex -- NUL marks where a <strong> value goes; no message holds one
    /\u0000(\w+)\u0000/g,
    (_, name: string) => `<strong>${escapeHtml(String(strong[name]))}</strong>`,
  );
}
