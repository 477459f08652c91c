// English: a held sign-in's reasons and facts (lib/i18n/en.ts merges it; de-holds.ts and fr-holds.ts have exactly these
// keys). Each risk rule (services/risk/rules) answers one of the holdReason.* keys with its values; the approval page
// (views/pages/login-hold-confirm.eta) and the email (views/emails/suspicious-login) say them through
// services/risk/words.ts, which also picks the gap's words and names the country in the reader's language.
export const enHolds = {
  // the rules' reasons: {country} a country's name, {ip} an address, {km} a distance, {gap} one of the gap.* below
  "holdReason.new_country": "a sign-in from a country you have not signed in from before ({country})",
  "holdReason.new_network": "a sign-in from a network you have not signed in from before ({ip})",
  "holdReason.impossible_travel": "a sign-in about {km} km from your previous one {gap} later, faster than anyone can travel",
  "holdReason.impossible_travelFrom":
    "a sign-in about {km} km from your previous one ({country}) {gap} later, faster than anyone can travel",
  "holdReason.gap.lessThanMinute": "less than a minute",
  "holdReason.gap.minute": "only {count} minute",
  "holdReason.gap.minutes": "only {count} minutes",
  "holdReason.gap.hours": "only {count} hours",
  // the approval page's facts when one is not known
  "holdReason.unknownLocation": "unknown location",
  "holdReason.unknownAddress": "an unknown address",
  "holdReason.yourAccount": "your Gatehouse account",
  "holdReason.anApplication": "an application",
  "holdReason.unknownBrowser": "an unknown browser",
} satisfies Record<string, string>;
