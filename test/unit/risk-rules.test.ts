// The suspicious-login rules as pure functions over fixtures: each fires only when it should, never without a
// baseline or with an unknown location, and says why in plain words. Also networkOf and the distance.
import { describe, it, expect } from "vitest";
import { newCountry } from "../../src/services/risk/rules/new-country.ts";
import { impossibleTravel } from "../../src/services/risk/rules/impossible-travel.ts";
import { newNetwork, networkOf } from "../../src/services/risk/rules/new-network.ts";
import { distanceKm, countryName } from "../../src/services/risk/rules/places.ts";
import { evaluateRules } from "../../src/services/risk/rules/index.ts";
import { sayHoldReason } from "../../src/services/risk/words.ts";
import type { PastSignIn, Place, SignInAttempt } from "../../src/services/risk/rules/types.ts";

const settings = { travelMaxKmh: 900, travelMinKm: 500 };
const T0 = new Date("2026-11-01T12:00:00Z");
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

type Located = Place & { latitude: number; longitude: number };
const LONDON: Located = { countryCode: "GB", latitude: 51.5143, longitude: -0.0912 };
const TOKYO: Located = { countryCode: "JP", latitude: 35.694, longitude: 139.754 };
const PARIS: Located = { countryCode: "FR", latitude: 48.8575, longitude: 2.3514 };
const READING: Located = { countryCode: "GB", latitude: 51.4543, longitude: -0.9781 };

const past = (ip: string, place: Place | null, at = T0): PastSignIn => ({
  ip,
  network: networkOf(ip) ?? ip,
  countryCode: place?.countryCode ?? null,
  latitude: place?.latitude ?? null,
  longitude: place?.longitude ?? null,
  at,
});
const attempt = (ip: string, place: Place | null, at = later(60)): SignInAttempt => ({ ip, network: networkOf(ip), place, at });

describe("new_country", () => {
  it("fires for a country not in the history, naming it", () => {
    const result = newCountry(attempt("133.242.0.1", TOKYO), [past("81.2.69.142", LONDON)], settings);
    expect(result).toEqual({ fired: true, reason: { key: "holdReason.new_country", values: { country: "JP" } } });
    expect(result.fired && sayHoldReason("en", result.reason)).toBe("a sign-in from a country you have not signed in from before (Japan)");
  });
  it("does not fire for a country seen before (any case), even long ago in the history", () => {
    const history = [past("62.210.16.6", PARIS, later(30)), past("81.2.69.142", { ...LONDON, countryCode: "gb" })];
    expect(newCountry(attempt("81.2.69.160", LONDON), history, settings).fired).toBe(false);
  });
  it("does not fire without history, with no known country in it, or with an unknown location now", () => {
    expect(newCountry(attempt("133.242.0.1", TOKYO), [], settings).fired).toBe(false);
    expect(newCountry(attempt("133.242.0.1", TOKYO), [past("127.0.0.1", null)], settings).fired).toBe(false);
    expect(newCountry(attempt("10.1.2.3", null), [past("81.2.69.142", LONDON)], settings).fired).toBe(false);
  });
});

describe("impossible_travel", () => {
  it("fires for London then Tokyo an hour later (about 9,570 km)", () => {
    const result = impossibleTravel(attempt("133.242.0.1", TOKYO, later(60)), [past("81.2.69.142", LONDON)], settings);
    expect(result.fired).toBe(true);
    expect(result.fired && result.reason).toMatchObject({
      key: "holdReason.impossible_travelFrom",
      values: { country: "GB", minutes: 60 },
    });
    expect(result.fired && sayHoldReason("en", result.reason)).toMatch(
      /^a sign-in about 9,5\d\d km from your previous one \(United Kingdom\) only 60 minutes later/,
    );
  });
  it("does not fire when the time allows the trip (London to Tokyo 12 hours later is under 900 km/h)", () => {
    expect(impossibleTravel(attempt("133.242.0.1", TOKYO, later(12 * 60)), [past("81.2.69.142", LONDON)], settings).fired).toBe(false);
  });
  it("does not fire under the minimum distance, however short the time (London to Reading, 61 km, 1 minute)", () => {
    expect(impossibleTravel(attempt("1.2.3.4", READING, later(1)), [past("81.2.69.142", LONDON)], settings).fired).toBe(false);
  });
  it("treats no time at all (or a clock gone back) as infinitely fast once the distance counts", () => {
    const result = impossibleTravel(attempt("62.210.16.6", PARIS, T0), [past("133.242.0.1", TOKYO, later(5))], settings);
    expect(result.fired && result.reason).toMatchObject({ values: { country: "JP", minutes: 0 } });
    expect(result.fired && sayHoldReason("en", result.reason)).toMatch(/\(Japan\) less than a minute later/);
  });
  it("compares with the newest sign-in that has coordinates, skipping those without", () => {
    const history = [past("127.0.0.1", null, later(50)), past("62.210.16.6", PARIS, later(40)), past("133.242.0.1", TOKYO, T0)];
    // Paris 40 minutes ago, London now: 344 km is under the minimum; Tokyo is not the one compared with
    expect(impossibleTravel(attempt("81.2.69.142", LONDON, later(60)), history, settings).fired).toBe(false);
  });
  it("follows the thresholds: a lower speed limit fires where the default does not", () => {
    const history = [past("81.2.69.142", LONDON)];
    const paris = attempt("62.210.16.6", PARIS, later(60)); // 344 km in an hour
    expect(impossibleTravel(paris, history, settings).fired).toBe(false);
    expect(impossibleTravel(paris, history, { travelMaxKmh: 300, travelMinKm: 100 }).fired).toBe(true);
  });
  it("does not fire without history, without coordinates now, or with an unknown location", () => {
    expect(impossibleTravel(attempt("133.242.0.1", TOKYO), [], settings).fired).toBe(false);
    expect(
      impossibleTravel(
        attempt("133.242.0.1", { countryCode: "JP", latitude: null, longitude: null }),
        [past("81.2.69.142", LONDON)],
        settings,
      ).fired,
    ).toBe(false);
    expect(impossibleTravel(attempt("192.168.1.5", null), [past("81.2.69.142", LONDON)], settings).fired).toBe(false);
    expect(impossibleTravel(attempt("133.242.0.1", TOKYO), [past("127.0.0.1", null)], settings).fired).toBe(false);
  });
});

describe("new_network", () => {
  it("fires for an address on a network never seen, naming the address", () => {
    const result = newNetwork(attempt("200.160.2.3", null), [past("81.2.69.142", LONDON)], settings);
    expect(result).toEqual({ fired: true, reason: { key: "holdReason.new_network", values: { ip: "200.160.2.3" } } });
    expect(result.fired && sayHoldReason("en", result.reason)).toBe(
      "a sign-in from a network you have not signed in from before (200.160.2.3)",
    );
  });
  it("does not fire for a new address on a known /24, nor for a known address", () => {
    expect(newNetwork(attempt("81.2.69.160", LONDON), [past("81.2.69.142", LONDON)], settings).fired).toBe(false);
    expect(newNetwork(attempt("81.2.69.142", LONDON), [past("81.2.69.142", LONDON)], settings).fired).toBe(false);
  });
  it("uses /48 for IPv6", () => {
    const history = [past("2001:4860:4860::8888", null)];
    expect(newNetwork(attempt("2001:4860:4860:1::1", null), history, settings).fired).toBe(false);
    expect(newNetwork(attempt("2001:4860:4861::1", null), history, settings).fired).toBe(true);
  });
  it("never fires for loopback or private addresses, nor without history", () => {
    const history = [past("81.2.69.142", LONDON)];
    for (const ip of ["127.0.0.1", "::1", "10.0.0.8", "192.168.1.20", "172.16.4.4", "fd00::1", "::ffff:127.0.0.1"]) {
      expect(newNetwork(attempt(ip, null), history, settings).fired, ip).toBe(false);
    }
    expect(newNetwork(attempt("200.160.2.3", null), [], settings).fired).toBe(false);
  });
});

describe("networkOf, distances and names", () => {
  it("gives the /24 of IPv4 (also IPv4-mapped), the /48 of IPv6, and null for special-use or invalid addresses", () => {
    expect(networkOf("81.2.69.142")).toBe("81.2.69.0/24");
    expect(networkOf("::ffff:81.2.69.142")).toBe("81.2.69.0/24");
    expect(networkOf("2001:4860:4860::8888")).toBe("2001:4860:4860::/48");
    expect(networkOf("2a00:1450:4001:80b::200e")).toBe("2a00:1450:4001::/48");
    expect(networkOf("2001:4860::1")).toBe("2001:4860:0::/48");
    for (const ip of ["127.0.0.1", "::1", "10.2.3.4", "fe80::1", "not an ip", ""]) expect(networkOf(ip), ip).toBeNull();
  });
  it("measures great-circle distances in km", () => {
    expect(distanceKm(LONDON, PARIS)).toBeGreaterThan(335);
    expect(distanceKm(LONDON, PARIS)).toBeLessThan(350);
    expect(distanceKm(LONDON, TOKYO)).toBeGreaterThan(9500);
    expect(distanceKm(LONDON, TOKYO)).toBeLessThan(9650);
    expect(distanceKm(TOKYO, TOKYO)).toBe(0);
  });
  it("names countries in English", () => {
    expect(countryName("JP")).toBe("Japan");
    expect(countryName("br")).toBe("Brazil");
    expect(countryName("??")).toBe("??");
  });
});

describe("evaluateRules", () => {
  const history = [past("81.2.69.142", LONDON)];
  it("runs only the enabled rules, in order, with their reasons", () => {
    const fired = evaluateRules(
      ["new_network", "new_country", "impossible_travel"],
      attempt("133.242.0.1", TOKYO, later(60)),
      history,
      settings,
    );
    expect(fired.map((f) => f.rule)).toEqual(["new_network", "new_country", "impossible_travel"]);
    expect(evaluateRules(["new_country"], attempt("133.242.0.1", TOKYO), history, settings).map((f) => f.rule)).toEqual(["new_country"]);
    expect(evaluateRules([], attempt("133.242.0.1", TOKYO), history, settings)).toEqual([]);
  });
  it("fires nothing on a first sign-in", () => {
    expect(evaluateRules(["new_network", "new_country", "impossible_travel"], attempt("133.242.0.1", TOKYO), [], settings)).toEqual([]);
  });
});
