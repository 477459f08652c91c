// Rule impossible_travel: from the last sign-in with coordinates to this one, the distance is at least the
// minimum (approximate locations are coarse) and covering it in the time between would take a speed above the
// maximum. Both places must be known; a sign-in at the same moment or earlier counts as no time at all.
import { distanceKm } from "./places.ts";
import { quiet, type Rule } from "./types.ts";

export const impossibleTravel: Rule = (attempt, history, settings) => {
  const here = attempt.place;
  if (!here || here.latitude === null || here.longitude === null) return quiet;
  const last = history.find((past) => past.latitude !== null && past.longitude !== null);
  if (!last) return quiet;
  const km = distanceKm({ latitude: last.latitude!, longitude: last.longitude! }, { latitude: here.latitude, longitude: here.longitude });
  if (km < settings.travelMinKm) return quiet;
  const hours = Math.max(0, attempt.at.getTime() - last.at.getTime()) / 3_600_000;
  const kmh = hours > 0 ? km / hours : Infinity;
  if (kmh <= settings.travelMaxKmh) return quiet;
  // said as whole km and whole minutes (services/risk/words.ts words the gap: under a minute, minutes, hours)
  const values = { km: Math.round(km), minutes: Math.round(hours * 60) };
  return last.countryCode
    ? { fired: true, reason: { key: "holdReason.impossible_travelFrom", values: { ...values, country: last.countryCode.toUpperCase() } } }
    : { fired: true, reason: { key: "holdReason.impossible_travel", values } };
};
