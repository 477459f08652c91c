// The DNS proof of a team's email domain (team-domains.ts): the TXT record `_gatehouse.<domain>` whose value is
// `gatehouse-domain-verification=<token>`, and the TXT look-ups that read it.
import { Resolver } from "node:dns/promises";

export const RECORD_PREFIX = "_gatehouse";
export const TXT_PREFIX = "gatehouse-domain-verification=";

/** the TXT strings at `name` (each record's chunks joined); [] when there is none; throws when DNS does not answer */
export type TxtLookup = (name: string) => Promise<string[]>;

/** TXT look-ups through node:dns, at DNS_SERVERS (or the system's resolvers) */
export function dnsTxtLookup(servers: string[], timeoutMs = 4000): TxtLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length) resolver.setServers(servers);
  return async (name) => {
    try {
      return (await resolver.resolveTxt(name)).map((chunks) => chunks.join(""));
    } catch (err) {
      // no such name or no TXT record there: nothing proves the domain (anything else: DNS did not answer)
      if (["ENOTFOUND", "ENODATA", "NXDOMAIN"].includes(String((err as { code?: string }).code))) return [];
      throw err;
    }
  };
}
