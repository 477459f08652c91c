// Rule new_network: an address the user never signed in from, on a network (/24 for IPv4, /48 for IPv6) they
// never signed in from either. Loopback, private and other special-use addresses have no network here: they say
// nothing about where a person is, so they never fire. Needs a baseline (at least one earlier sign-in).
import { isIP } from "node:net";
import { isSpecialUseAddress } from "../../request/geo.ts";
import { quiet, type Rule } from "./types.ts";

/** "203.0.113.7" -> "203.0.113.0/24", "2001:db8:1:2::1" -> "2001:db8:1::/48"; null for special-use or invalid addresses */
export function networkOf(ip: string): string | null {
  const plain = /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(ip) ? ip.slice(7) : ip;
  if (isSpecialUseAddress(plain)) return null;
  const family = isIP(plain);
  if (family === 4) return `${plain.split(".").slice(0, 3).join(".")}.0/24`;
  if (family === 6) {
    const groups = expandIpv6(plain);
    return groups
      ? `${groups
          .slice(0, 3)
          .map((g) => g.toString(16))
          .join(":")}::/48`
      : null;
  }
  return null;
}

/** the eight 16-bit groups of an IPv6 address (an embedded IPv4 tail included) */
export function expandIpv6(ip: string): number[] | null {
  let text = ip.split("%")[0]!;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const part = (s: string) => (s ? s.split(":").map((g) => parseInt(g, 16)) : []);
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const fill = 8 - left.length - right.length;
  if (fill < 0 || (tail === undefined && fill !== 0)) return null;
  return [...left, ...new Array<number>(fill).fill(0), ...right];
}

export const newNetwork: Rule = (attempt, history) => {
  if (!attempt.network || !history.length) return quiet;
  if (history.some((past) => past.ip === attempt.ip || past.network === attempt.network)) return quiet;
  return { fired: true, reason: { key: "holdReason.new_network", values: { ip: attempt.ip } } };
};
