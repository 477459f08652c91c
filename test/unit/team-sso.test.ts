// Pure parts of enterprise SSO per team (#17 item 3): which domains can be claimed (normalized to lower-case
// A-labels; IPs, single labels and junk refused), an address's domain, the first group mapping that matches, the
// groups of an upstream profile (OIDC claim or SAML attribute, mapped or by the common names), the page's
// "group = role" lines, and the test DNS server's wire format (a real Resolver reads it).
import { describe, it, expect, afterAll } from "vitest";
import { Resolver } from "node:dns/promises";
import type { Profile } from "@node-saml/node-saml";
import { domainOfEmail, normalizeDomain } from "../../src/services/federation/team-domains.ts";
import { roleForGroups } from "../../src/services/federation/group-roles.ts";
import { createHomeRealm, ROUTED_DOMAINS_TTL_MS } from "../../src/services/federation/home-realm.ts";
import { groupNames } from "../../src/services/federation/claims.ts";
import { samlProfile } from "../../src/services/federation/saml.ts";
import { parseGroupRoles } from "../../src/http/routes/teams/sso.ts";
import { startDnsServer, type DnsServer } from "../helpers/dns-server.ts";

describe("domains", () => {
  it("normalizes what a team may claim and refuses what is no registrable host name", () => {
    expect(normalizeDomain(" Example.COM. ")).toBe("example.com");
    expect(normalizeDomain("@corp.example.com")).toBe("corp.example.com");
    expect(normalizeDomain("bücher.example")).toBe("xn--bcher-kva.example");
    for (const bad of [
      "",
      "localhost",
      "10.0.0.1",
      "-bad.example",
      "a..example",
      "exa mple.com",
      "x".repeat(64) + ".com",
      "example.com/path",
    ])
      expect(normalizeDomain(bad)).toBeNull();
    expect(domainOfEmail("Ada@Corp.Example.COM")).toBe("corp.example.com");
    expect(domainOfEmail("no-at-sign")).toBeNull();
  });
});

describe("groups to roles", () => {
  it("the first mapping (in the Owner's order) whose group the user is in decides, else the fallback", () => {
    const mapping = [
      { group: "leads", role: "manager" },
      { group: "staff", role: "developer" },
    ];
    expect(roleForGroups(mapping, ["staff", "leads"], "viewer")).toBe("manager");
    expect(roleForGroups(mapping, ["staff"], "viewer")).toBe("developer");
    expect(roleForGroups(mapping, [], "viewer")).toBe("viewer");
  });

  it("reads groups from a list or one name, drops what is not a name, bounds them", () => {
    expect(groupNames(["a", " b ", 3, "", "a"])).toEqual(["a", "b"]);
    expect(groupNames("solo")).toEqual(["solo"]);
    expect(groupNames(undefined)).toEqual([]);
    expect(groupNames(Array.from({ length: 300 }, (_, i) => `g${i}`))).toHaveLength(200);
  });

  it("a SAML assertion's groups: the mapped attribute, or memberOf and the common names; none: no groups at all", () => {
    const p = (extra: Record<string, unknown>) =>
      ({ issuer: "idp", nameID: "emp-1", nameIDFormat: "x", mail: "ada@example.test", ...extra }) as unknown as Profile;
    expect(samlProfile({ claimsMapping: {}, trustEmailVerified: true }, p({ memberOf: ["eng", "leads"] }))?.groups).toEqual([
      "eng",
      "leads",
    ]);
    expect(
      samlProfile({ claimsMapping: { groups: "roles" }, trustEmailVerified: true }, p({ roles: "admins", memberOf: ["eng"] }))?.groups,
    ).toEqual(["admins"]);
    expect(samlProfile({ claimsMapping: {}, trustEmailVerified: true }, p({}))).not.toHaveProperty("groups");
  });

  it("the page's mapping lines: group = role, blank lines skipped, a line without = named", () => {
    expect(parseGroupRoles("leads = manager\n\n  a=b=c = developer ")).toEqual([
      { group: "leads", role: "manager" },
      { group: "a=b=c", role: "developer" },
    ]);
    expect(parseGroupRoles("leads = manager\nno mapping")).toEqual({ line: 2 });
  });
});

describe("the test DNS server", () => {
  let dns: DnsServer;
  afterAll(async () => {
    await dns?.close();
  });

  it("answers TXT queries in the wire format a real resolver reads; unknown names are NXDOMAIN", async () => {
    dns = await startDnsServer({ "_gatehouse.example.test": ["one", "x".repeat(300)] });
    const resolver = new Resolver({ timeout: 2000, tries: 1 });
    resolver.setServers([dns.address]);
    const records = (await resolver.resolveTxt("_gatehouse.EXAMPLE.test")).map((chunks) => chunks.join(""));
    expect(records.sort()).toEqual(["one", "x".repeat(300)].sort());
    await expect(resolver.resolveTxt("missing.example.test")).rejects.toMatchObject({ code: "ENOTFOUND" });
  });
});

describe("home realm's list of routed domains", () => {
  const row = {
    id: "d1",
    teamId: "t1",
    domain: "corp.example",
    verifiedAt: new Date(),
    connectorId: "c1",
    ssoRequired: true,
    defaultRoleKey: null,
    groupRoles: [],
    verificationToken: "x",
    createdById: null,
    createdAt: new Date(),
    updatedAt: new Date(),
  };
  function realm(list: { domain: string; ssoRequired: boolean; connectorId: string | null }[]) {
    const calls = { list: 0, rows: 0 };
    let clock = 0;
    const r = createHomeRealm({
      domains: {
        routedDomains: async () => {
          calls.list++;
          return list;
        },
        findVerified: async (d: string) => {
          calls.rows++;
          return d === row.domain ? row : null;
        },
      } as never,
      teams: { findById: async () => ({ name: "Corp" }), ownerOf: async () => ({ userId: "owner" }) } as never,
      connectors: { find: async () => null },
      now: () => clock,
    });
    return {
      r,
      calls,
      tick: (ms: number) => {
        clock += ms;
      },
    };
  }

  it("reads a domain's row only when the list says it requires SSO, and the list once per period", async () => {
    const { r, calls, tick } = realm([
      { domain: "corp.example", ssoRequired: true, connectorId: "c1" },
      { domain: "open.example", ssoRequired: false, connectorId: "c2" },
    ]);
    expect(await r.blocks({ id: "u1", email: "ada@elsewhere.example" })).toBeNull();
    expect(await r.requiredForAddress("bob@open.example")).toBeNull();
    expect(calls).toEqual({ list: 1, rows: 0 }); // a sign-in outside the SSO domains asks Postgres nothing
    expect(await r.blocks({ id: "u1", email: "ada@corp.example" })).toMatchObject({ domain: "corp.example" });
    expect(await r.blocks({ id: "owner", email: "boss@corp.example" })).toBeNull(); // break-glass
    expect(calls.list).toBe(1);
    tick(ROUTED_DOMAINS_TTL_MS);
    expect(await r.offered()).toBe(true);
    expect(calls.list).toBe(2);
    r.forget();
    await r.offered();
    expect(calls.list).toBe(3);
  });

  it("keeps refusing a domain whose provider was deleted (fails closed), and offers no SSO button for it alone", async () => {
    const { r } = realm([{ domain: "corp.example", ssoRequired: true, connectorId: null }]);
    expect(await r.offered()).toBe(false);
    expect(await r.requiredForAddress("ada@corp.example")).toMatchObject({ domain: "corp.example" });
  });
});
