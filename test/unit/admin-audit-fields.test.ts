// The audit record's actor fields (services/admin-actor.ts) that the admin use cases share: an unknown ip or user
// agent is written as null, never left out; the surface goes last in data, with the API's token client only where
// there was one. Compared as JSON, so the order of the keys (what a stored record's text shows) counts too.
import { describe, it, expect } from "vitest";
import { auditedBy, requestOf, surfaceOf } from "../../src/services/admin-actor.ts";
import { connectorAuditor } from "../../src/services/federation/connector-admin-context.ts";
import { createClientAdmin } from "../../src/services/client-admin.ts";
import type { AuditService } from "../../src/services/audit.ts";
import type { ClientService } from "../../src/services/clients.ts";
import type { NewAuditEvent } from "../../src/queries/audit-events.ts";

const json = (value: unknown) => JSON.stringify(value);

/** an audit service that keeps what it is given */
function recorder() {
  const seen: NewAuditEvent[] = [];
  const audit = { record: async (e: NewAuditEvent) => void seen.push(e), recordMany: async () => {} } as AuditService;
  return { audit, seen };
}

describe("the actor's audit fields", () => {
  it("auditedBy writes actorId, ip and userAgent in that order, null for what is not known", () => {
    expect(json(auditedBy({ actorId: "u1", ip: "10.0.0.1", userAgent: "UA" }))).toBe('{"actorId":"u1","ip":"10.0.0.1","userAgent":"UA"}');
    expect(json(auditedBy({ actorId: "cli" }))).toBe('{"actorId":"cli","ip":null,"userAgent":null}');
    expect(auditedBy({ actorId: "u1", ip: undefined, userAgent: null })).toStrictEqual({ actorId: "u1", ip: null, userAgent: null });
  });

  it("requestOf takes no request (a team action's) as both unknown", () => {
    expect(requestOf(undefined)).toStrictEqual({ ip: null, userAgent: null });
    expect(json(requestOf({ userAgent: "UA", ip: "::1" }))).toBe('{"ip":"::1","userAgent":"UA"}');
  });

  it("surfaceOf names the API's token client only where there was one (absent, not undefined)", () => {
    expect(json(surfaceOf({ via: "api", apiClientId: "tok" }))).toBe('{"via":"api","apiClientId":"tok"}');
    for (const apiClientId of [undefined, ""]) {
      const surface = surfaceOf({ via: "cli", apiClientId });
      expect(surface).toStrictEqual({ via: "cli" });
      expect("apiClientId" in surface).toBe(false);
    }
  });
});

describe("the records of the use cases that name the token client", () => {
  const connector = { id: "c-1", slug: "corp", name: "Corp" };

  it("a connector's record: the connector, the action's data, then the surface", async () => {
    const { audit, seen } = recorder();
    const record = connectorAuditor(audit);
    await record("connector.updated", connector, { actorId: "u1", ip: "1.2.3.4", via: "api", apiClientId: "tok" }, { enabled: true });
    await record("connector.deleted", connector, { actorId: "cli", via: "cli" });
    expect(seen.map(json)).toEqual([
      '{"type":"connector.updated","outcome":"success","actorId":"u1","ip":"1.2.3.4","userAgent":null,' +
        '"data":{"connectorId":"c-1","slug":"corp","name":"Corp","enabled":true,"via":"api","apiClientId":"tok"}}',
      '{"type":"connector.deleted","outcome":"success","actorId":"cli","ip":null,"userAgent":null,' +
        '"data":{"connectorId":"c-1","slug":"corp","name":"Corp","via":"cli"}}',
    ]);
  });

  it("a client's record: the client id before the actor, the name and data before the surface", async () => {
    const { audit, seen } = recorder();
    const client = { id: "app", name: "App", type: "public" };
    const clients = { find: async () => client, remove: async () => true } as unknown as ClientService;
    const admin = createClientAdmin({ clients, audit });
    await admin.remove("app", { actorId: "u1", userAgent: "UA", via: "api", apiClientId: "tok" });
    await admin.remove("app", { actorId: "u2", ip: "::1", via: "admin_page" });
    expect(seen.map(json)).toEqual([
      '{"type":"client.deleted","outcome":"success","clientId":"app","actorId":"u1","ip":null,"userAgent":"UA",' +
        '"data":{"name":"App","type":"public","via":"api","apiClientId":"tok"}}',
      '{"type":"client.deleted","outcome":"success","clientId":"app","actorId":"u2","ip":"::1","userAgent":null,' +
        '"data":{"name":"App","type":"public","via":"admin_page"}}',
    ]);
  });
});
