// SSRF protection for the requests Gatehouse makes to upstream identity providers (#17): discovery, JWKS, token,
// user info, /user/emails. Their URLs are entered by admins (or named by an upstream's discovery document), so in
// production, unless OUTBOUND_ALLOW_PRIVATE, none may reach loopback, private or other special-use addresses
// (cloud metadata at 169.254.169.254, the cluster's own services): a literal address or `localhost` is refused
// when the connector is saved and before connecting, and a host name at connect time on every address it resolves
// to (a name re-pointed after it was saved is refused too). Outside production loopback upstreams are allowed
// (development, tests). Redirects are never followed (openid-client asks for redirect: manual).
import dns from "node:dns";
import { isIP, type LookupFunction } from "node:net";
import { Agent, fetch as undiciFetch } from "undici";
import type { CustomFetch } from "openid-client";
import { isSpecialUseAddress } from "../request/geo.ts";

export class UpstreamAddressRefused extends Error {
  override name = "UpstreamAddressRefused";
}

/** the URL's host as an address, when it is one ("[::1]" -> "::1") */
const literalAddress = (url: URL) => {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  return isIP(host) ? host : null;
};

/** why this URL may not be an upstream's (a private or special-use host), or null */
export function upstreamAddressProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not a URL";
  }
  const host = url.hostname.toLowerCase();
  const literal = literalAddress(url);
  if (host === "localhost" || host.endsWith(".localhost") || (literal && isSpecialUseAddress(literal))) {
    return "points at a loopback, private or special-use address (allowed only with OUTBOUND_ALLOW_PRIVATE)";
  }
  return null;
}

/** a dns lookup that fails when any address the name resolves to is special-use */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "", 0);
    const list = addresses as unknown as dns.LookupAddress[];
    const bad = list.find((a) => isSpecialUseAddress(a.address));
    if (bad) return callback(new UpstreamAddressRefused(`${hostname} resolves to a private or special-use address`), "", 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

/** openid-client's fetch for upstreams: undefined (the default fetch) when private addresses are allowed */
export function upstreamFetch(allowPrivate: boolean): CustomFetch | undefined {
  if (allowPrivate) return undefined;
  const dispatcher = new Agent({ connect: { lookup: guardedLookup } });
  return async (url, options) => {
    const problem = upstreamAddressProblem(url);
    if (problem) throw new UpstreamAddressRefused(`${new URL(url).host} ${problem}`);
    return (await undiciFetch(url, { ...options, dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as Response;
  };
}
