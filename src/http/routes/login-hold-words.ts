// The words of a held sign-in's approval page (login-holds.ts) in the page's language. The hold keeps its rules'
// names (services/risk/rules) next to their English reasons; a reason's values (the country, the address, the
// distance and the time between) are read back from that English text by the rule's own pattern, the country
// named again in the page's language. A reason no pattern reads stays as it is (null: the page stays English).
import { formatDateTime, type Locale, type MessageKey, type Translate } from "../../lib/i18n/index.ts";

const englishRegions = new Intl.DisplayNames(["en"], { type: "region" });
let regionCodes: Map<string, string> | undefined;
const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/** "Japan" -> "JP" (the English names lib/risk's countryName and services/request/geo.ts use) */
function regionCode(englishName: string): string | undefined {
  if (!regionCodes) {
    regionCodes = new Map();
    for (const a of LETTERS)
      for (const b of LETTERS) {
        const name = englishRegions.of(a + b);
        if (name && name !== a + b && !regionCodes.has(name)) regionCodes.set(name, a + b);
      }
  }
  return regionCodes.get(englishName);
}

/** a country's English name in `locale` (the name unchanged when it is not a country's) */
export function countryIn(locale: Locale, englishName: string): string {
  const code = regionCode(englishName);
  return code ? (new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? englishName) : englishName;
}

/** "Berlin, Germany" -> "Berlin, Deutschland"; "unknown location" in words */
export function placeIn(locale: Locale, t: Translate, location: string): string {
  if (location === "unknown location") return t("holdReason.unknownLocation");
  const at = location.lastIndexOf(", ");
  return at < 0 ? countryIn(locale, location) : `${location.slice(0, at)}, ${countryIn(locale, location.slice(at + 2))}`;
}

const PATTERNS: Record<string, RegExp> = {
  new_country: /^a sign-in from a country you have not signed in from before \((.+)\)$/,
  new_network: /^a sign-in from a network you have not signed in from before \((.+)\)$/,
  impossible_travel:
    /^a sign-in about ([\d,]+) km from your previous one(?: \((.+)\))? (less than a minute|only (\d+) minutes?|only (\d+) hours) later, faster than anyone can travel$/,
};

/** the time between two sign-ins, as services/risk/rules/impossible-travel.ts says it */
function gapIn(t: Translate, minutes: string | undefined, hours: string | undefined): string {
  if (hours) return t("holdReason.gap.hours", { count: Number(hours) });
  if (minutes) return t(Number(minutes) === 1 ? "holdReason.gap.minute" : "holdReason.gap.minutes", { count: Number(minutes) });
  return t("holdReason.gap.lessThanMinute");
}

/** a rule's English reason in the page's language, or null when its words are not the rule's known ones */
export function reasonIn(locale: Locale, t: Translate, rule: string | undefined, reason: string): string | null {
  const match = rule ? PATTERNS[rule]?.exec(reason) : null;
  if (!match) return null;
  if (rule === "new_country") return t("holdReason.new_country", { country: countryIn(locale, match[1]!) });
  if (rule === "new_network") return t("holdReason.new_network", { ip: match[1]! });
  const km = new Intl.NumberFormat(locale).format(Number(match[1]!.replace(/,/g, "")));
  const gap = gapIn(t, match[4], match[5]);
  const key: MessageKey = match[2] ? "holdReason.impossible_travelFrom" : "holdReason.impossible_travel";
  return t(key, { km, gap, ...(match[2] ? { country: countryIn(locale, match[2]) } : {}) });
}

export type HeldSignIn = { appName: string; ip: string; location: string; browser: string; time: string; reasons: string[] };
/** `app`: the Gatehouse account itself, or an application by its name (null: not known) */
export type HoldFacts = {
  app: { account: true } | { account: false; name: string | null };
  ip: string | null;
  location: string;
  browser: string | null;
  os: string | null;
  createdAt: number;
  rules: string[];
  reasons: string[];
};

/** what the page says about the held sign-in in `locale`, or null when a reason cannot be said in it (the page stays English) */
export function heldSignInIn(locale: Locale, t: Translate, facts: HoldFacts): HeldSignIn | null {
  const reasons = facts.reasons.map((reason, i) => reasonIn(locale, t, facts.rules[i], reason));
  if (reasons.some((r) => r === null)) return null;
  return {
    appName: facts.app.account ? t("holdReason.yourAccount") : (facts.app.name ?? t("holdReason.anApplication")),
    ip: facts.ip ?? t("holdReason.unknownAddress"),
    location: placeIn(locale, t, facts.location),
    browser:
      facts.browser && facts.os
        ? t("sessions.heading", { browser: facts.browser, os: facts.os })
        : (facts.browser ?? facts.os ?? t("holdReason.unknownBrowser")),
    time: formatDateTime(facts.createdAt, locale),
    reasons: reasons as string[],
  };
}
