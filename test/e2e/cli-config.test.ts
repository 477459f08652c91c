// Configuration as code, the CLI run as a real process (`npm run gatehouse -- export|import`): a test app's
// configuration (clients with a registered permission, a custom system role, a team with a custom role and an
// edited Developer set) exported and imported into a second, empty database round-trips (the second's export
// equals the first's, with and without secret hashes, YAML and JSON); importing again reports no changes; a dry run
// prints the diff and changes nothing; invalid files are refused with every problem's path and change nothing.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { parse } from "yaml";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { cliEnv, runGatehouse, type CliRun } from "../helpers/cli.ts";
import { createTestDatabase, deleteRedisPrefix, testRedisPrefix } from "../helpers/databases.ts";

describe("gatehouse export / import", () => {
  let t: TestApp;
  let envA: NodeJS.ProcessEnv;
  let envB: NodeJS.ProcessEnv;
  let second: { url: string; drop(): Promise<void> };
  let prefixB: string;
  let dir: string;
  let confidentialId: string;

  const gatehouse = (env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> => runGatehouse(env, args);
  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  async function queryB<T>(text: string, values: unknown[] = []): Promise<T[]> {
    const c = new pg.Client({ connectionString: second.url });
    await c.connect();
    try {
      return (await c.query(text, values)).rows as T[];
    } finally {
      await c.end();
    }
  }

  beforeAll(async () => {
    t = await startTestApp();
    second = await createTestDatabase();
    prefixB = testRedisPrefix();
    dir = mkdtempSync(path.join(tmpdir(), "gh-config-"));
    envA = cliEnv(t);
    envB = cliEnv(t, { DATABASE_URL: second.url, REDIS_KEY_PREFIX: prefixB });

    const s = t.app.services;
    const made = await t.createClient({
      name: "Blog",
      type: "confidential",
      redirectUris: ["https://blog.example.test/cb"],
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      permissionNamespace: "acme.blog",
      resources: [`${t.url}/api`],
    });
    confidentialId = made.clientId;
    await t.createClient({ name: "Mobile", type: "public", redirectUris: ["com.example.app:/cb"], endsWithSession: true });
    const registered = await s.permissionSync.registerForClient(
      confidentialId,
      {
        "acme.blog.post.read": { label: "Read posts", tab: "Blog", roles: ["developer"] },
        "acme.blog.post.update": { label: "Edit posts", tab: "Blog" },
      },
      { ip: null, userAgent: null },
    );
    expect(registered.outcome).toBe("registered");
    expect(
      (await s.systemRoles.create({ key: "auditor", name: "Auditor", permissions: ["gatehouse.admin.audit.read"] }, { actorId: "cli" }))
        .outcome,
    ).toBe("created");
    const owner = await t.createUser();
    const team = await s.teams.createTeam(owner.id, { name: "Acme Research", slug: "acme-research" });
    if (team.outcome !== "created") throw new Error(team.message);
    expect(
      (await s.teamRoles.create(team.teamId, owner.id, { name: "Editor", permissions: ["acme.blog.post.update", "gatehouse.team.read"] }))
        .outcome,
    ).toBe("created");
    const developer = (await t.app.queries.teams.roleByKey(team.teamId, "developer"))!;
    expect(
      (
        await s.teamRoles.update(team.teamId, owner.id, developer.id, {
          name: "Developer",
          permissions: ["acme.blog.*", "gatehouse.team.read"],
        })
      ).outcome,
    ).toBe("updated");
    // the second instance: migrated by its first command, with an administrator to own the imported teams
    const admin = await gatehouse(envB, "create-admin", "--email", "owner@example.test", "--json");
    expect(admin.code, admin.stderr).toBe(0);
  }, 300_000);
  afterAll(async () => {
    await t?.close();
    await second?.drop();
    if (prefixB) await deleteRedisPrefix(prefixB);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("export -> import into an empty database round-trips; importing again changes nothing", async () => {
    const exported = await gatehouse(envA, "export");
    expect(exported.code, exported.stderr).toBe(0);
    const text = exported.stdout;
    expect(text).toContain("id: " + confidentialId);
    expect(text).toContain("acme.blog.post.read");
    expect(text).toContain("slug: acme-research");
    expect(text).not.toContain("secretHash");
    expect(text).not.toMatch(/@example\.test/); // no people

    const path1 = file("config.yaml", text);
    const refused = await gatehouse(envB, "import", path1);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("teams[0].slug: there is no team acme-research here");

    const first = await gatehouse(envB, "import", path1, "--team-owner", "owner@example.test");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`+ client ${confidentialId} (Blog)`);
    expect(first.stdout).toContain("+ team acme-research");
    expect(first.stdout).toContain("+ team role acme-research/editor");
    expect(first.stdout).toMatch(/clients: 2 created, 0 changed, 0 unchanged/);
    // a new confidential client without a hash gets a new secret, printed once
    expect(first.stdout).toMatch(new RegExp(`client_secret of ${confidentialId}: [\\w-]{43}`));

    const again = await gatehouse(envB, "export");
    expect(again.stdout).toBe(text);

    const twice = await gatehouse(envB, "import", path1, "--team-owner", "owner@example.test");
    expect(twice.code, twice.stderr).toBe(0);
    expect(twice.stdout.trim()).toBe("No changes: the database already matches the file.");

    const audited = await queryB<{ type: string; actor_id: string; data: { via?: string } }>(
      "SELECT type, actor_id, data FROM audit_events WHERE data->>'via' = 'import' ORDER BY id",
    );
    expect(audited.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        "client.created",
        "permission.registered",
        "system_role.created",
        "team.created",
        "team.role.created",
        "config.imported",
      ]),
    );
    expect(audited.every((e) => e.actor_id === "cli")).toBe(true);
    expect(audited.filter((e) => e.type === "config.imported")).toHaveLength(1);
    const [owner] = await queryB<{ role: string }>(
      "SELECT r.key AS role FROM memberships m JOIN team_roles r ON r.id = m.role_id JOIN users u ON u.id = m.user_id WHERE u.email = 'owner@example.test'",
    );
    expect(owner?.role).toBe("owner");
  }, 300_000);

  it("--with-secret-hashes carries the secret's hash, so the importing instance keeps the same secret (same stored hash); JSON round-trips too", async () => {
    const out = path.join(dir, "with-hashes.json");
    const exported = await gatehouse(envA, "export", "--format", "json", "--with-secret-hashes", "--out", out);
    expect(exported.code, exported.stderr).toBe(0);
    const { readFileSync } = await import("node:fs");
    const doc = JSON.parse(readFileSync(out, "utf8")) as { clients: { id: string; secretHash?: string }[] };
    const hashA = (await t.app.queries.clients.findById(confidentialId))!.secretHash!;
    expect(doc.clients.find((c) => c.id === confidentialId)?.secretHash).toBe(hashA);

    const imported = await gatehouse(envB, "import", out, "--team-owner", "owner@example.test");
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`~ client ${confidentialId} (Blog): secret`);
    const [row] = await queryB<{ secret_hash: string }>("SELECT secret_hash FROM oidc_clients WHERE id = $1", [confidentialId]);
    expect(row?.secret_hash).toBe(hashA);
    // the content decides the format when the file name does not
    const fromStdin = path.join(dir, "no-extension");
    writeFileSync(fromStdin, readFileSync(out, "utf8"));
    expect((await gatehouse(envB, "import", fromStdin)).stdout.trim()).toBe("No changes: the database already matches the file.");
    expect((await gatehouse(envB, "export", "--format", "json", "--with-secret-hashes")).stdout).toBe(readFileSync(out, "utf8"));
  }, 300_000);

  it("--dry-run prints the diff and changes nothing", async () => {
    const before = (await gatehouse(envB, "export")).stdout;
    const changed = before
      .replace("name: Blog", "name: Blog v2")
      .replace(/systemRoles:\n/, "systemRoles:\n  - key: support\n    name: Support\n    permissions: [gatehouse.admin.users.read]\n");
    const dry = await gatehouse(envB, "import", file("changed.yaml", changed), "--dry-run");
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain("Dry run: nothing was changed.");
    expect(dry.stdout).toContain(`~ client ${confidentialId} (Blog v2): name`);
    expect(dry.stdout).toContain("+ system role support");
    expect(dry.stdout).toMatch(/clients: 0 created, 1 changed, 1 unchanged/);
    expect(dry.stdout).toMatch(/system roles: 1 created, 0 changed, 1 unchanged/);
    expect((await gatehouse(envB, "export")).stdout).toBe(before);
  }, 300_000);

  it("invalid files are refused with every problem's path and change nothing", async () => {
    const before = (await gatehouse(envB, "export")).stdout;
    const events = async () => (await queryB<{ n: string }>("SELECT count(*) AS n FROM audit_events"))[0]!.n;
    const eventsBefore = await events();
    const blog = (parse(before) as { clients: { id: string }[] }).clients.findIndex((c) => c.id === confidentialId);
    const refuse = async (name: string, text: string, ...expected: string[]) => {
      const run = await gatehouse(envB, "import", file(name, text), "--team-owner", "owner@example.test");
      expect(run.code, run.stdout).toBe(2);
      expect(run.stderr).toContain("nothing was changed");
      for (const e of expected) expect(run.stderr).toContain(e);
    };
    await refuse("bad.yaml", "version: 1\nclients: [\n  - id: x\n", "(file): not valid YAML");
    await refuse("bad.json", '{ "version": 1, ', "(file): not valid JSON");
    await refuse(
      "unknown.yaml",
      before
        .replace("gatehouse.admin.audit.read", "gatehouse.admin.nothing.here")
        .replace("- acme.blog.post.update\n", "- acme.blog.post.delete\n"),
      "systemRoles[0].permissions:",
      'teams[0].roles[2].permissions: "acme.blog.post.delete" is not a registered permission',
    );
    await refuse(
      "redirect.yaml",
      before.replace("https://blog.example.test/cb", "http://blog.example.test/cb"),
      `clients[${blog}].redirectUris[0]:`,
    );
    const dup = `${before}  - slug: acme-research\n    name: Twin\n`;
    await refuse("dup.yaml", dup, "teams[1].slug: the team acme-research is also teams[0]");
    await refuse(
      "typo.yaml",
      before.replaceAll("firstParty:", "firstparty:"),
      'clients[0]: Unrecognized key: "firstparty"',
      'clients[1]: Unrecognized key: "firstparty"',
    );
    await refuse(
      "several.yaml",
      before.replace("https://blog.example.test/cb", "ftp://x").replace("name: Auditor", 'name: ""'),
      `clients[${blog}].redirectUris[0]:`,
      "systemRoles[0].name:",
    );
    expect((await gatehouse(envB, "export")).stdout).toBe(before);
    expect(await events()).toBe(eventsBefore);
  }, 300_000);
});
