// A held sign-in in its reader's language, for the approval page (http/routes/login-holds.ts) and the email
// (services/notifications.ts): each rule's reason is a catalogue key with its values (rules/types.ts HoldReason),
// said here with the country named and the distance written in that language, and the time between in its words.
// Holds stored before reasons had keys (up to their TTL in Redis) keep their English sentence and English place:
// such a hold is said in English as a whole (a page half in another language would carry a wrong lang attribute).
import { formatDateTime, translator, type Locale, type Translate } from "../../lib/i18n/index.ts";
import { describeUserAgent } from "../request/user-agent.ts";
import { countryName } from "./rules/places.ts";
import type { Hold, HoldPlace, StoredReason } from "./holds.ts";

/** "less than a minute", "only 3 minutes", "only 2 hours" (from two hours on) in `t`'s language */
function gapIn(t: Translate, minutes: number): string {
  if (minutes < 1) return t("holdReason.gap.lessThanMinute");
  if (minutes < 120) return t(minutes === 1 ? "holdReason.gap.minute" : "holdReason.gap.minutes", { count: minutes });
  return t("holdReason.gap.hours", { count: Math.round(minutes / 60) });
}

/** a rule's reason in `locale`; an old hold's English sentence unchanged */
export function sayHoldReason(locale: Locale, reason: StoredReason, t: Translate = translator(locale)): string {
  if (typeof reason === "string") return reason;
  switch (reason.key) {
    case "holdReason.new_country":
      return t(reason.key, { country: countryName(reason.values.country, locale) });
    case "holdReason.new_network":
      return t(reason.key, { ip: reason.values.ip });
    case "holdReason.impossible_travel":
    case "holdReason.impossible_travelFrom": {
      const said = { km: new Intl.NumberFormat(locale).format(reason.values.km), gap: gapIn(t, reason.values.minutes) };
      return reason.key === "holdReason.impossible_travelFrom"
        ? t(reason.key, { ...said, country: countryName(reason.values.country, locale) })
        : t(reason.key, said);
    }
  }
}

/** the reasons in each of `locales` (the email's language is chosen when it is rendered) */
export function holdReasonsIn<L extends Locale>(locales: readonly L[], reasons: readonly StoredReason[]): Record<L, string[]> {
  return Object.fromEntries(locales.map((locale) => [locale, reasons.map((r) => sayHoldReason(locale, r))])) as Record<L, string[]>;
}

/** "Chiyoda City, Japan"; "unknown location" in words */
export function sayPlace(locale: Locale, place: HoldPlace | null, t: Translate = translator(locale)): string {
  if (!place) return t("holdReason.unknownLocation");
  const country = countryName(place.countryCode, locale);
  return place.city ? `${place.city}, ${country}` : country;
}

/** true for a hold stored before reasons had keys: its reasons and place are English text */
export const isEnglishOnly = (hold: Pick<Hold, "reasons" | "place">): boolean =>
  hold.place === undefined || hold.reasons.some((reason) => typeof reason === "string");

export type HeldSignIn = { appName: string; ip: string; location: string; browser: string; time: string; reasons: string[] };

/**
 * what the approval page says about a held sign-in, and in which language: `locale`, or English for a hold stored
 * before reasons had keys. `app`: the Gatehouse account itself, or an application by its name (null: not known)
 */
export function sayHeldSignIn(
  locale: Locale,
  hold: Hold,
  app: { account: true } | { account: false; name: string | null },
): { locale: Locale; signIn: HeldSignIn } {
  const lang: Locale = isEnglishOnly(hold) ? "en" : locale;
  const t = translator(lang);
  const agent = describeUserAgent(hold.userAgent);
  return {
    locale: lang,
    signIn: {
      appName: app.account ? t("holdReason.yourAccount") : (app.name ?? t("holdReason.anApplication")),
      ip: hold.ip ?? t("holdReason.unknownAddress"),
      location: hold.place === undefined ? (hold.location ?? t("holdReason.unknownLocation")) : sayPlace(lang, hold.place, t),
      browser:
        agent.browser && agent.os
          ? t("sessions.heading", { browser: agent.browser, os: agent.os })
          : (agent.browser ?? agent.os ?? t("holdReason.unknownBrowser")),
      // English keeps the English pages' and emails' "2026-12-07 14:05 UTC"
      time:
        lang === "en"
          ? `${new Date(hold.createdAt).toISOString().replace("T", " ").slice(0, 16)} UTC`
          : formatDateTime(hold.createdAt, lang),
      reasons: hold.reasons.map((reason) => sayHoldReason(lang, reason, t)),
    },
  };
}
