// The device a session runs on, from its User-Agent (ua-parser-js 1.x) and its IP (offline GeoIP): what a
// user_sessions row keeps and the Sessions page shows.
import { describeUserAgent, parseUserAgent } from "../request/user-agent.ts";
import type { Geo } from "../request/geo.ts";

export type SessionDevice = {
  browser: string | null;
  os: string | null;
  deviceType: string | null;
  countryCode: string | null;
  city: string | null;
};

/** "mobile", "tablet", ... as ua-parser-js says; an unnamed device of a known browser is a desktop */
export function deviceTypeOf(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const r = parseUserAgent(userAgent);
  return r.device.type ?? (r.browser.name ? "desktop" : null);
}

export async function describeSessionDevice(geo: Geo, ip: string | null, userAgent: string | null): Promise<SessionDevice> {
  const { browser, os } = describeUserAgent(userAgent);
  // an unreadable database is "unknown location", never a failed sign-in
  const place = await geo.lookup(ip).catch(() => null);
  return { browser, os, deviceType: deviceTypeOf(userAgent), countryCode: place?.countryCode ?? null, city: place?.city ?? null };
}
