// The permission registry (duplicates, namespaces, code shapes, wildcards, strict unknown codes) and the plugin
// loader (definePlugin, the example plugin, and bad plugin modules written to a temp folder).
import { describe, it, expect, beforeAll } from "vitest";
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPermissionRegistry, PermissionError, type PermissionDefinition } from "../../src/authz/registry.ts";
import { ADMIN_PERMISSIONS, CORE_OWNER, CORE_PERMISSIONS } from "../../src/authz/core-permissions.ts";
import { grantCovers } from "../../src/authz/wildcards.ts";
import { namespacesOverlap } from "../../src/authz/namespaces.ts";
import { definePlugin } from "../../src/plugins/define-plugin.ts";
import { importPlugins, registerPlugins } from "../../src/plugins/loader.ts";
import { StartupError } from "../../src/lib/startup-error.ts";
import { fromRoot } from "../../src/lib/paths.ts";

const blog: Record<string, PermissionDefinition> = {
  "acme.blog.post.read": { label: "Read posts", tab: "Blog", roles: ["manager", "developer"] },
  "acme.blog.post.update": { label: "Edit posts", tab: "Blog", roles: ["manager"] },
};
const registry = (strict = true) => {
  const r = createPermissionRegistry({ strict });
  r.register(CORE_OWNER, CORE_OWNER, CORE_PERMISSIONS);
  r.register("acme.blog", "acme.blog", blog);
  return r;
};

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(PermissionError);
    return (err as PermissionError).code;
  }
  throw new Error("expected a PermissionError");
}

describe("permission registry", () => {
  it("names every admin permission the code checks by a registered core gatehouse.admin.* code, and every one of those", () => {
    const admin = Object.keys(CORE_PERMISSIONS).filter((c) => c.startsWith("gatehouse.admin."));
    expect(Object.values(ADMIN_PERMISSIONS).sort()).toEqual(admin.sort());
  });

  it("registers idempotently: the same owner may register the same codes again", () => {
    const r = registry();
    expect(() => r.register("acme.blog", "acme.blog", blog)).not.toThrow();
    expect(r.listByOwner("acme.blog").map((p) => p.code)).toEqual(["acme.blog.post.read", "acme.blog.post.update"]);
    expect(r.get("acme.blog.post.read")).toMatchObject({
      owner: "acme.blog",
      label: "Read posts",
      tab: "Blog",
      roles: ["manager", "developer"],
    });
  });

  it("refuses a code another owner registered, and registers nothing of a refused batch", () => {
    const r = registry();
    expect(
      refusal(() =>
        r.register("client:abc", "acme", {
          "acme.shop.cart.read": { label: "Carts", tab: "Shop" },
          "acme.blog.post.read": { label: "Mine", tab: "Blog" },
        }),
      ),
    ).toBe("permission.duplicate");
    expect(r.has("acme.shop.cart.read")).toBe(false);
    expect(r.get("acme.blog.post.read")!.owner).toBe("acme.blog");
    expect(refusal(() => r.register("evil", "gatehouse", { "gatehouse.admin.users.read": { label: "x", tab: "y" } }))).toBe(
      "permission.duplicate",
    );
  });

  it("refuses codes outside the owner's prefix, including look-alike prefixes", () => {
    const r = registry();
    expect(refusal(() => r.register("acme.blog", "acme.blog", { "acme.shop.cart.read": { label: "x", tab: "y" } }))).toBe(
      "permission.outside_namespace",
    );
    expect(refusal(() => r.register("acme.blog", "acme.blog", { "acme.blogger.post.read": { label: "x", tab: "y" } }))).toBe(
      "permission.outside_namespace",
    );
    expect(refusal(() => r.register("acme.blog", "acme.blog", { "acme.blog": { label: "x", tab: "y" } }))).toBe(
      "permission.outside_namespace",
    );
  });

  it("refuses malformed codes and definitions without a label or tab", () => {
    const r = registry();
    for (const code of [
      "Acme.blog.x",
      "acme",
      "acme..blog",
      "acme.blog.*",
      "acme.blog.post update",
      ".acme.blog",
      "acme.blog.",
      "acme.blog.1x",
    ]) {
      expect(refusal(() => r.register("acme", "acme", { [code]: { label: "x", tab: "y" } }))).toBe("permission.invalid_code");
    }
    expect(refusal(() => r.register("acme.blog", "acme.blog", { "acme.blog.tag.read": { label: " ", tab: "Blog" } }))).toBe(
      "permission.invalid_code",
    );
  });

  it("wildcards: * covers everything, acme.blog.* covers acme.blog's codes but not acme.blogger's", () => {
    expect(grantCovers("acme.blog.*", "acme.blog.post.update")).toBe(true);
    expect(grantCovers("acme.blog.*", "acme.blogger.x")).toBe(false);
    expect(grantCovers("acme.blog.post.*", "acme.blog.post.read")).toBe(true);
    expect(grantCovers("acme.blog.post.read", "acme.blog.post.update")).toBe(false);
    const r = registry();
    r.register("acme.blogger", "acme.blogger", { "acme.blogger.x": { label: "X", tab: "Blogger" } });
    expect(r.can(["acme.blog.*"], "acme.blog.post.update")).toBe(true);
    expect(r.can(["acme.blog.*"], "acme.blogger.x")).toBe(false);
    expect(r.can(["*"], "acme.blogger.x")).toBe(true);
    expect(r.can(["acme.blog.post.read"], "acme.blog.post.update")).toBe(false);
    expect(r.resolve(["acme.blog.*"])).toEqual(["acme.blog.post.read", "acme.blog.post.update"]);
    expect(r.resolve(["gatehouse.admin.users.*"])).toEqual(["gatehouse.admin.users.manage", "gatehouse.admin.users.read"]);
  });

  it("validates grants against what is registered", () => {
    const r = registry();
    expect(r.isValidGrant("*")).toBe(true);
    expect(r.isValidGrant("acme.blog.*")).toBe(true);
    expect(r.isValidGrant("acme.blog.post.read")).toBe(true);
    expect(r.isValidGrant("acme.blo.*")).toBe(false);
    expect(r.isValidGrant("acme.blog.post.delete")).toBe(false);
    expect(r.isValidGrant("acme.*.read")).toBe(false);
  });

  it("strict (development, tests): an unknown code throws; not strict (production): it is simply not granted", () => {
    expect(refusal(() => registry(true).can(["*"], "acme.blog.post.delete"))).toBe("permission.unknown");
    expect(registry(false).can(["*"], "acme.blog.post.delete")).toBe(false);
  });

  it("lists by tab in code order", () => {
    const tabs = registry().listByTab();
    expect(tabs.find((t) => t.tab === "Blog")!.permissions.map((p) => p.code)).toEqual(["acme.blog.post.read", "acme.blog.post.update"]);
    expect(tabs.find((t) => t.tab === "Team")!.permissions.every((p) => p.owner === CORE_OWNER)).toBe(true);
  });

  it("namespaces overlap when one holds the other", () => {
    expect(namespacesOverlap("acme", "acme.blog")).toBe(true);
    expect(namespacesOverlap("acme.blog", "acme.blog")).toBe(true);
    expect(namespacesOverlap("acme.blog", "acme.blogger")).toBe(false);
  });
});

describe("plugins", () => {
  let dir: string;
  const write = (name: string, source: string) => {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, source);
    return file;
  };
  async function startupError(files: string[]): Promise<string> {
    const err = await importPlugins(files).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartupError);
    return (err as Error).message;
  }
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "gh-plugins-"));
  });

  it("definePlugin returns the plugin as declared", () => {
    const plugin = definePlugin({
      id: "acme.notes",
      permissions: { "acme.notes.note.update": { label: "Edit", tab: "Notes", roles: ["manager", "developer"] } },
    });
    expect(plugin.permissions["acme.notes.note.update"].roles).toEqual(["manager", "developer"]);
    // @ts-expect-error a code outside the id is a type error too
    definePlugin({ id: "acme.notes", permissions: { "acme.other.x": { label: "x", tab: "y" } } });
  });

  it("loads the example plugin and registers it with its id as owner and prefix", async () => {
    const loaded = await importPlugins([fromRoot("plugins/acme-notes/index.ts")]);
    expect(loaded.map((l) => l.plugin.id)).toEqual(["acme.notes"]);
    const r = createPermissionRegistry({ strict: true });
    registerPlugins(r, loaded);
    registerPlugins(r, loaded); // idempotent
    expect(r.listByOwner("acme.notes").map((p) => p.code)).toEqual([
      "acme.notes.note.delete",
      "acme.notes.note.read",
      "acme.notes.note.update",
    ]);
    expect(r.get("acme.notes.note.update")).toMatchObject({ tab: "Notes", roles: ["manager", "developer"] });
  });

  it("a folder with an index file is a module; the same module listed twice loads once", async () => {
    const loaded = await importPlugins([fromRoot("plugins/acme-notes"), fromRoot("plugins/acme-notes/index.ts")]);
    expect(loaded).toHaveLength(1);
  });

  it("a bad plugin stops the start with a message naming the module and the problem", async () => {
    const badId = write("bad-id.mjs", `export default { id: "Acme Notes", permissions: {} };`);
    expect(await startupError([badId])).toMatch(
      new RegExp(`${badId.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not a valid plugin: id: must be lower-case dotted words`),
    );
    const outside = write(
      "outside.mjs",
      `export default { id: "acme.wiki", permissions: { "acme.blog.post.read": { label: "x", tab: "y" } } };`,
    );
    expect(await startupError([outside])).toMatch(
      /outside\.mjs is not a valid plugin: permissions\.acme\.blog\.post\.read: is outside the plugin's namespace "acme\.wiki\."/,
    );
    const noLabel = write("no-label.mjs", `export default { id: "acme.wiki", permissions: { "acme.wiki.page.read": { tab: "Wiki" } } };`);
    expect(await startupError([noLabel])).toMatch(/no-label\.mjs is not a valid plugin: permissions\.acme\.wiki\.page\.read\.label/);
    const badRole = write(
      "bad-role.mjs",
      `export default { id: "acme.wiki", permissions: { "acme.wiki.page.read": { label: "x", tab: "y", roles: ["owner"] } } };`,
    );
    expect(await startupError([badRole])).toMatch(/bad-role\.mjs is not a valid plugin: permissions\.acme\.wiki\.page\.read\.roles\.0/);
    const core = write(
      "core.mjs",
      `export default { id: "gatehouse", permissions: { "gatehouse.admin.everything": { label: "x", tab: "y" } } };`,
    );
    expect(await startupError([core])).toMatch(/core\.mjs is not a valid plugin: id: the gatehouse namespace is reserved/);
    const typo = write("typo.mjs", `export default { id: "acme.wiki", permission: {} };`);
    expect(await startupError([typo])).toMatch(/typo\.mjs is not a valid plugin/);
  });

  it("a module that is missing, throws, or has no default export is named in the error", async () => {
    expect(await startupError([path.join(dir, "nope.mjs")])).toMatch(/nope\.mjs does not exist/);
    expect(await startupError([write("throws.mjs", `throw new Error("boom at import");`)])).toMatch(
      /throws\.mjs failed to load: boom at import/,
    );
    expect(await startupError([write("named.mjs", `export const plugin = { id: "acme.wiki", permissions: {} };`)])).toMatch(
      /named\.mjs has no default export/,
    );
    expect(await startupError([write("empty-dir/readme.txt", "")].map(path.dirname))).toMatch(/empty-dir is a folder without index\.js/);
  });

  it("two modules with one id, or a plugin claiming a code someone else has, are refused", async () => {
    const a = write("a.mjs", `export default { id: "acme.wiki", permissions: { "acme.wiki.page.read": { label: "x", tab: "y" } } };`);
    const b = write("b.mjs", `export default { id: "acme.wiki", permissions: {} };`);
    expect(await startupError([a, b])).toMatch(/b\.mjs and .*a\.mjs both declare the plugin id "acme\.wiki"/);
    const parent = write("parent.mjs", `export default { id: "acme", permissions: { "acme.wiki.page.read": { label: "x", tab: "y" } } };`);
    const loaded = await importPlugins([a, parent]);
    const r = createPermissionRegistry({ strict: true });
    let err: unknown;
    try {
      registerPlugins(r, loaded);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(/parent\.mjs \(plugin "acme"\): "acme\.wiki\.page\.read" is already registered by acme\.wiki/);
  });
});
