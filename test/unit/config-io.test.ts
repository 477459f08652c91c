// Configuration as code, the pure parts (services/config-io): reading a file (format, syntax and shape problems
// with their paths) and the diff (what changes, what is left alone, a new confidential client's secret, a built-in
// team role that a newly registered permission would join still ending as the file says).
import { describe, it, expect } from "vitest";
import { detectFormat, parseConfig, pathText } from "../../src/services/config-io/schema.ts";
import { diffClientPermissions, diffClients } from "../../src/services/config-io/diff-clients.ts";
import { diffTeams } from "../../src/services/config-io/diff-roles.ts";
import type { ConfigSnapshot, ConfigWrites } from "../../src/queries/config-io.ts";
import type { ValidClient } from "../../src/services/config-io/validate-clients.ts";

const writes = (): ConfigWrites => ({
  clientsCreated: [],
  clientsChanged: [],
  permissions: [],
  newDefaults: [],
  systemRolesCreated: [],
  systemRolesChanged: [],
  teamsCreated: [],
  teamsRenamed: [],
  teamRolesCreated: [],
  teamRolesChanged: [],
});
const at = new Date("2026-12-06T12:00:00Z");
const client = (over: Partial<ValidClient> = {}): ValidClient => ({
  id: "blog",
  name: "Blog",
  type: "confidential",
  redirectUris: ["https://blog.example.test/cb"],
  postLogoutRedirectUris: [],
  grantTypes: ["authorization_code"],
  scope: "openid",
  resources: [],
  firstParty: false,
  backchannelLogoutUri: null,
  permissionNamespace: null,
  idTokenSigningAlg: null,
  endsWithSession: false,
  offlineAccessWithoutPrompt: false,
  ...over,
});
const row = (c: ValidClient, secretHash: string | null) => ({
  ...c,
  secretHash,
  secretRotatedAt: null,
  tokenEndpointAuthMethod: "client_secret_basic",
  disabled: false,
  createdAt: at,
  updatedAt: at,
});
const snapshot = (over: Partial<ConfigSnapshot> = {}): ConfigSnapshot => ({
  clients: [],
  systemRoles: [],
  teams: [],
  permissions: [],
  ...over,
});

describe("configuration files", () => {
  it("tells JSON from YAML by name, else by content", () => {
    expect(detectFormat("{}", "x.yaml")).toBe("yaml");
    expect(detectFormat("version: 1", "x.JSON")).toBe("json");
    expect(detectFormat('  {"version": 1}')).toBe("json");
    expect(detectFormat("version: 1")).toBe("yaml");
  });

  it("lists every shape problem with its path, and syntax errors with their line", () => {
    expect(pathText(["clients", 2, "redirectUris", 0])).toBe("clients[2].redirectUris[0]");
    const bad = parseConfig("version: 2\nclients:\n  - id: a\n    name: A\n    type: secret\n    firstparty: true\nteams: {}\n", "yaml");
    expect(bad.ok).toBe(false);
    const paths = !bad.ok ? bad.problems.map((p) => p.path) : [];
    expect(paths).toEqual(expect.arrayContaining(["version", "clients[0].type", "clients[0]", "teams"]));
    const dupKey = parseConfig("version: 1\nversion: 1\n", "yaml");
    expect(!dupKey.ok && dupKey.problems[0]!.message).toMatch(/not valid YAML.*line 2/);
    expect(parseConfig("version: 1\n", "yaml")).toEqual({ ok: true, document: { version: 1, clients: [], systemRoles: [], teams: [] } });
  });
});

describe("the import's diff", () => {
  it("creates a missing confidential client with a new secret and changes only the fields that differ", () => {
    const w = writes();
    const part = diffClients(
      [client(), client({ id: "shop", name: "Shop v2" }), client({ id: "same" })],
      snapshot({ clients: [row(client({ id: "shop", name: "Shop" }), "h1"), row(client({ id: "same" }), "h2")] }),
      w,
      { now: at, newSecret: () => ({ secret: "s3cret", hash: "hash-of-s3cret" }) },
    );
    expect(part.secrets).toEqual([{ clientId: "blog", secret: "s3cret" }]);
    expect(w.clientsCreated).toMatchObject([{ id: "blog", secretHash: "hash-of-s3cret", tokenEndpointAuthMethod: "client_secret_basic" }]);
    expect(w.clientsChanged).toEqual([{ id: "shop", data: { name: "Shop v2" } }]);
    expect(part.changes.map((c) => [c.action, c.name, c.fields])).toEqual([
      ["created", "blog (Blog)", []],
      ["changed", "shop (Shop v2)", ["name"]],
    ]);
    expect(part.unchanged).toEqual({ client: 1 });
    expect(part.events.map((e) => [e.type, e.actorId, e.data?.via])).toEqual([
      ["client.created", "cli", "import"],
      ["client.updated", "cli", "import"],
    ]);
  });

  it("a new permission with default roles joins built-in roles, yet a team in the file ends with the file's set", () => {
    const w = writes();
    diffClientPermissions(
      [{ code: "acme.blog.read", label: "Read", tab: "Blog", owner: "client:blog", defaultRoles: ["developer"] }],
      snapshot(),
      w,
    );
    expect(w.newDefaults).toEqual([{ role: "developer", code: "acme.blog.read" }]);
    const team = { id: "t1", name: "Acme", slug: "acme", requireMfa: false, createdAt: at, updatedAt: at };
    const role = {
      id: "r1",
      teamId: "t1",
      key: "developer",
      name: "Developer",
      permissions: ["gatehouse.team.read"],
      builtIn: true,
      createdAt: at,
      updatedAt: at,
    };
    const part = diffTeams(
      [
        {
          slug: "acme",
          name: "Acme",
          roles: [{ key: "developer", name: "Developer", permissions: ["gatehouse.team.read"], builtIn: true }],
        },
      ],
      snapshot({ teams: [{ ...team, roles: [role] }] }),
      w,
      { ownerId: null, builtInRoles: () => [] },
    );
    // unchanged as far as the operator sees (the file and the database agree), but written after the push
    expect(part.changes).toEqual([]);
    expect(w.teamRolesChanged).toEqual([
      { slug: "acme", key: "developer", data: { name: "Developer", permissions: ["gatehouse.team.read"] } },
    ]);
  });
});
