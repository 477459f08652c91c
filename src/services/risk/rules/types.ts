// What every suspicious-login rule is given and what it answers: the sign-in being checked (its address, that
// address's network and approximate place, the time) and the user's recent successful sign-ins. Rules are pure.

/** an approximate place; null coordinates when the database knows only the country */
export type Place = { countryCode: string; latitude: number | null; longitude: number | null };

export type SignInAttempt = {
  ip: string;
  /** the address's /24 (IPv4) or /48 (IPv6); null for loopback, private and other special-use addresses */
  network: string | null;
  /** null: unknown location (special-use address, not in the database, or locations off) */
  place: Place | null;
  at: Date;
};

/** one earlier successful sign-in (a login_locations row) */
export type PastSignIn = {
  ip: string;
  network: string;
  countryCode: string | null;
  latitude: number | null;
  longitude: number | null;
  at: Date;
};

export type RuleSettings = { travelMaxKmh: number; travelMinKm: number };

/**
 * why a rule fired, as a message key of the catalogue (lib/i18n/en-holds.ts) and its values, said in the reader's
 * language only when shown (services/risk/words.ts): a country as its ISO region code, the distance in whole km,
 * the time between the two sign-ins in whole minutes
 */
export type HoldReason =
  | { key: "holdReason.new_country"; values: { country: string } }
  | { key: "holdReason.new_network"; values: { ip: string } }
  | { key: "holdReason.impossible_travel"; values: { km: number; minutes: number } }
  | { key: "holdReason.impossible_travelFrom"; values: { km: number; minutes: number; country: string } };

export type RuleResult = { fired: false } | { fired: true; reason: HoldReason };

/** `history` is newest first */
export type Rule = (attempt: SignInAttempt, history: readonly PastSignIn[], settings: RuleSettings) => RuleResult;

export const quiet: RuleResult = { fired: false };
