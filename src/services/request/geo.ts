// Approximate location of an IP address from offline .mmdb files (DB-IP Lite city by default, CC BY 4.0).
// Loopback, private and other special-use addresses are "unknown location". A missing or unreadable database
// turns locations off with one warning instead of stopping Gatehouse. The files are read on first use (the
// city databases take about 60-70 MB of memory each).
import { readFile } from "node:fs/promises";
import { BlockList, isIP } from "node:net";
import { Reader, type Response } from "maxmind";
import type { Logger } from "../../lib/logger.ts";

export type GeoLocation = {
  city: string | null;
  region: string | null;
  countryCode: string;
  latitude: number | null;
  longitude: number | null;
};
/** ip-location-db's flat records, or MaxMind's nested country */
type DbipRecord = {
  city?: string;
  state1?: string;
  country_code?: string;
  latitude?: number;
  longitude?: number;
  country?: { iso_code?: string };
};

export type Geo = { lookup(ip: string | null | undefined): Promise<GeoLocation | null>; enabled: boolean };

// special-use ranges (RFC 6890 and friends): they say nothing about where a person is
const special = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3],
] as const)
  special.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
  ["2001:db8::", 32],
  ["64:ff9b::", 96],
  ["100::", 64],
] as const)
  special.addSubnet(net, bits, "ipv6");

/** "::ffff:1.2.3.4" -> "1.2.3.4"; anything else unchanged */
const unmapped = (ip: string) => (/^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip);

export function isSpecialUseAddress(ip: string): boolean {
  const plain = unmapped(ip);
  const family = isIP(plain);
  if (!family) return true;
  return special.check(plain, family === 6 ? "ipv6" : "ipv4");
}

export function createGeo(deps: { files: string[]; log: Logger }): Geo {
  let readers: Promise<Reader<Response>[]> | undefined;

  async function openAll(): Promise<Reader<Response>[]> {
    const opened: Reader<Response>[] = [];
    for (const file of deps.files) {
      try {
        opened.push(new Reader<Response>(await readFile(file)));
      } catch (err) {
        deps.log.warn(
          { file, err: { message: (err as Error).message } },
          "GeoIP database not readable: approximate locations from it are off",
        );
      }
    }
    return opened;
  }

  return {
    enabled: deps.files.length > 0,
    async lookup(ip) {
      if (!ip || !deps.files.length || isSpecialUseAddress(ip)) return null;
      const plain = unmapped(ip);
      const v6 = isIP(plain) === 6;
      readers ??= openAll();
      // an IPv4 file answers IPv4 addresses; an IPv6 file answers IPv6 (and, when it is the only one, both)
      const all = await readers;
      const reader = all.find((r) => (r.metadata.ipVersion === 6) === v6) ?? all.find((r) => r.metadata.ipVersion === 6);
      const hit = reader?.get(plain) as DbipRecord | null | undefined;
      const countryCode = hit?.country_code ?? hit?.country?.iso_code;
      if (!hit || !countryCode) return null;
      return {
        city: hit.city || null,
        region: hit.state1 || null,
        countryCode,
        latitude: hit.latitude ?? null,
        longitude: hit.longitude ?? null,
      };
    },
  };
}

const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** "London, United Kingdom", or "unknown location" */
export function describeLocation(location: GeoLocation | null): string {
  if (!location) return "unknown location";
  let country = location.countryCode;
  try {
    country = regionNames.of(location.countryCode) ?? country;
  } catch {
    /* not a region code */
  }
  return [location.city, country].filter(Boolean).join(", ");
}
