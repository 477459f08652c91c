// Rule new_country: the sign-in comes from a country none of the user's recent sign-ins came from. Needs a
// baseline (at least one earlier sign-in with a known country) and a known location now.
import { quiet, type Rule } from "./types.ts";

export const newCountry: Rule = (attempt, history) => {
  if (!attempt.place) return quiet;
  const known = history.filter((past) => past.countryCode !== null);
  if (!known.length) return quiet;
  const code = attempt.place.countryCode.toUpperCase();
  if (known.some((past) => past.countryCode!.toUpperCase() === code)) return quiet;
  return { fired: true, reason: { key: "holdReason.new_country", values: { country: code } } };
};
