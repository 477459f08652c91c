// Permissions reach the database at start: plugins through PLUGINS, new codes' default roles into every
// existing team's built-in roles exactly once, relying parties' registrations read back after a restart (and
// by other processes), and a bad plugin or a conflicting code stops the start with a clear error.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { createContext, type CoreContext as AppContext } from "../../src/context.ts";
import { loadConfig } from "../../src/config/load.ts";
import { fromRoot } from "../../src/lib/paths.ts";
import { StartupError } from "../../src/lib/startup-error.ts";

const NOTES = fromRoot("plugins/acme-notes/index.ts");
const NOTES_CODES = ["acme.notes.note.delete", "acme.notes.note.read", "acme.notes.note.update"];

/** where a registration came from (audited with it) */
const SOMEWHERE = { ip: "127.0.0.1", userAgent: "test" };

describe("permission sync at start", () => {
  let t: TestApp;
  const restarted: AppContext[] = [];
  /** another start of Gatehouse on the same database and Redis, with these plugins */
  const restart = async (plugins: string[]) => {
    const ctx = await createContext({ ...t.config, plugins });
    restarted.push(ctx);
    return ctx;
  };
  const rolePermissions = async (ctx: AppContext, teamId: string, key: string) =>
    [...(await ctx.queries.teams.roleByKey(teamId, key))!.permissions].sort();

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    for (const ctx of restarted) await ctx.close();
    await t?.close();
  });

  it("writes core permissions to the table with their owner, tab and default roles", async () => {
    const rows = await t.app.queries.permissions.list();
    expect(rows.map((r) => r.code)).toEqual(t.app.services.permissions.list().map((p) => p.code));
    expect(rows.find((r) => r.code === "gatehouse.team.read")).toMatchObject({
      owner: "gatehouse",
      tab: "Team",
      defaultRoles: ["manager", "developer"],
    });
  });

  it("a plugin added later gives its codes to existing teams' built-in roles, once", async () => {
    const owner = await t.createUser();
    const created = await t.app.services.teams.createTeam(owner.id, { name: `Sync ${Date.now()}` });
    if (created.outcome !== "created") throw new Error(created.message);
    expect(await rolePermissions(t.app, created.teamId, "manager")).not.toContain("acme.notes.note.read");

    const withNotes = await restart([NOTES]);
    expect(withNotes.services.permissions.listByOwner("acme.notes").map((p) => p.code)).toEqual(NOTES_CODES);
    expect((await withNotes.queries.permissions.list()).filter((r) => r.owner === "acme.notes").map((r) => r.code)).toEqual(NOTES_CODES);
    const manager = await rolePermissions(withNotes, created.teamId, "manager");
    expect(manager).toEqual(expect.arrayContaining(NOTES_CODES));
    expect(await rolePermissions(withNotes, created.teamId, "developer")).toEqual(
      expect.arrayContaining(["acme.notes.note.read", "acme.notes.note.update"]),
    );
    expect(await rolePermissions(withNotes, created.teamId, "developer")).not.toContain("acme.notes.note.delete");
    expect(await rolePermissions(withNotes, created.teamId, "owner")).toEqual(["*"]);
    expect(manager.filter((c) => c === "acme.notes.note.read")).toHaveLength(1);

    // the team takes delete away from its Managers: later starts do not give it back
    const role = (await withNotes.queries.teams.roleByKey(created.teamId, "manager"))!;
    await withNotes.queries.teams.updateRole(role.id, { permissions: role.permissions.filter((c) => c !== "acme.notes.note.delete") });
    const again = await restart([NOTES]);
    expect(await rolePermissions(again, created.teamId, "manager")).not.toContain("acme.notes.note.delete");
    expect((await rolePermissions(again, created.teamId, "manager")).filter((c) => c === "acme.notes.note.read")).toHaveLength(1);

    // a team created now gets the plugin's defaults from the registry
    const later = await again.services.teams.createTeam(owner.id, { name: `Later ${Date.now()}` });
    if (later.outcome !== "created") throw new Error(later.message);
    expect(await rolePermissions(again, later.teamId, "developer")).toEqual(
      expect.arrayContaining(["acme.notes.note.read", "acme.notes.note.update"]),
    );
  });

  it("a relying party's registration survives a restart and reaches other processes", async () => {
    const { clientId } = await t.createClient({
      name: "Billing",
      type: "confidential",
      grantTypes: ["client_credentials"],
      permissionNamespace: `billing${Date.now()}`,
    });
    const ns = (await t.app.services.clients.find(clientId))!.permissionNamespace!;
    const other = await restart([]); // a second process, already running
    const result = await t.app.services.permissionSync.registerForClient(
      clientId,
      { [`${ns}.invoice.read`]: { label: "Read invoices", tab: "Billing", roles: ["developer"] } },
      SOMEWHERE,
    );
    expect(result).toMatchObject({ outcome: "registered", namespace: ns, added: [`${ns}.invoice.read`] });

    const fresh = await restart([]);
    expect(fresh.services.permissions.get(`${ns}.invoice.read`)).toMatchObject({
      owner: `client:${clientId}`,
      label: "Read invoices",
      tab: "Billing",
      roles: ["developer"],
    });
    expect(other.services.permissions.has(`${ns}.invoice.read`)).toBe(false);
    await other.services.permissionSync.refresh();
    expect(other.services.permissions.get(`${ns}.invoice.read`)?.owner).toBe(`client:${clientId}`);
  });

  it("a plugin declaring a code a relying party registered stops the start, naming both", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gh-sync-"));
    const ns = `crm${Date.now()}`;
    const { clientId } = await t.createClient({
      name: "CRM",
      type: "confidential",
      grantTypes: ["client_credentials"],
      permissionNamespace: ns,
    });
    expect(
      (await t.app.services.permissionSync.registerForClient(clientId, { [`${ns}.lead.read`]: { label: "Leads", tab: "CRM" } }, SOMEWHERE))
        .outcome,
    ).toBe("registered");
    const plugin = path.join(dir, "crm.mjs");
    writeFileSync(plugin, `export default { id: "${ns}", permissions: { "${ns}.lead.read": { label: "Leads", tab: "CRM" } } };`);
    const err = await createContext({ ...t.config, plugins: [plugin] }).then(
      (ctx) => {
        restarted.push(ctx);
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toContain(`"${ns}.lead.read" was registered by client ${clientId}`);
    expect((err as Error).message).toContain(`declared by ${ns}`);
  });

  it("a bad plugin module stops the start before anything is opened, naming the module", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "gh-sync-"));
    const bad = path.join(dir, "bad-plugin.mjs");
    writeFileSync(bad, `export default { id: "acme.bad", permissions: { "acme.bad.Thing": { label: "x", tab: "y" } } };`);
    // nothing listens here: the error must come from the plugin, before any connection is tried
    const config = loadConfig({
      NODE_ENV: "test",
      ISSUER: "http://127.0.0.1:9",
      DATABASE_URL: "postgresql://nobody@127.0.0.1:9/none",
      REDIS_URL: "redis://127.0.0.1:9",
      COOKIE_KEYS: "k".repeat(32),
      MASTER_KEY: Buffer.alloc(32, 1).toString("base64"),
      PLUGINS: bad,
      LOG_LEVEL: "silent",
    });
    expect(config.plugins).toEqual([bad]);
    const err = await createContext(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(/bad-plugin\.mjs is not a valid plugin: permissions\.acme\.bad\.Thing/);
  });

  it("PLUGINS paths are relative to the project root", () => {
    const config = loadConfig({
      NODE_ENV: "test",
      COOKIE_KEYS: "k".repeat(32),
      MASTER_KEY: Buffer.alloc(32, 1).toString("base64"),
      PLUGINS: "plugins/acme-notes/index.ts, /opt/x.js",
    });
    expect(config.plugins).toEqual([NOTES, "/opt/x.js"]);
  });
});

describe("PLUGINS in a running app", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PLUGINS: "plugins/acme-notes/index.ts" });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("the example plugin's codes are registered and grantable", async () => {
    expect(
      t.app.services.permissions
        .listByTab()
        .find((tab) => tab.tab === "Notes")!
        .permissions.map((p) => p.code),
    ).toEqual(NOTES_CODES);
    expect(t.app.services.permissions.can(["acme.notes.*"], "acme.notes.note.update")).toBe(true);
    const owner = await t.createUser();
    const created = await t.app.services.teams.createTeam(owner.id, { name: `Notes ${Date.now()}` });
    if (created.outcome !== "created") throw new Error(created.message);
    const claims = await t.app.services.teams.claimsFor(owner.id, created.teamId);
    expect(claims!.permissions).toEqual(expect.arrayContaining(NOTES_CODES));
  });
});
