// Plain-words names and distances for the rules: a country's name from its code (English unless another language
// is asked for), and the great-circle distance between two points (haversine, mean Earth radius).
import type { Locale } from "../../../lib/i18n/index.ts";

const regionNames = new Map<Locale, Intl.DisplayNames>();

/** "JP" -> "Japan" ("Japon" in "fr"); the code itself when the name is not known */
export function countryName(code: string, locale: Locale = "en"): string {
  let names = regionNames.get(locale);
  if (!names) regionNames.set(locale, (names = new Intl.DisplayNames([locale], { type: "region" })));
  try {
    return names.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

const EARTH_RADIUS_KM = 6371.0088;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** kilometres between two points given in degrees */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLon = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}
