// Sortable admin tables (#18 item 1) end to end: the users, teams, clients and webhooks lists sort server-side
// by a column of the whitelist (users and teams in the database, paged after the last row) (?sort=<column>&dir=asc|desc), the headers link to the other direction and mark the sorted column
// with aria-sort; an unknown column or direction is ignored (the default order) and never an error.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { addMember, createTeam } from "../helpers/team-flow.ts";

describe("sortable admin tables", () => {
  let t: TestApp;
  let admin: TestBrowser;
  const names = (html: string) => [...html.matchAll(/<tr data-client="[^"]+">\s*<td><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!);
  /** the marked column headers as label:aria-sort */
  const sorted = (html: string) => [...html.matchAll(/aria-sort="(\w+)"><a href="[^"]*">([^<]+)/g)].map((m) => `${m[2]!.trim()}:${m[1]}`);
  const urls = (html: string) => [...html.matchAll(/<tr data-webhook-id="[^"]+">\s*<td>([^<]+)/g)].map((m) => m[1]!);

  beforeAll(async () => {
    t = await startTestApp();
    const user = await t.createUser();
    await t.app.services.systemRoles.setUserRole(user.id, "super_admin");
    for (const name of ["beta shop", "Alpha shop", "gamma shop"])
      await t.createClient({ name, type: "public", redirectUris: ["https://sort.example.test/cb"] });
    for (const host of ["b", "c", "a"]) {
      const made = await t.app.services.webhooks.create(
        { url: `https://${host}.hooks.example.test/in`, description: "", eventTypes: [] },
        { actorId: user.id, via: "admin_page" },
      );
      expect(made.outcome).toBe("created");
    }
    admin = new TestBrowser(t.url);
    await openAccountPage(admin, t.url, "/admin/clients", { identifier: user.email, password: user.password });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("clients: by name either way, the header links to the other direction and carries aria-sort", async () => {
    const byDefault = await admin.go(`${t.url}/admin/clients`);
    expect(names(byDefault.html)).toEqual(["beta shop", "Alpha shop", "gamma shop"]); // registration order
    expect(sorted(byDefault.html)).toEqual(["Created:ascending"]);
    expect(byDefault.html).toContain('href="/admin/clients?sort=name&amp;dir=asc"');

    const asc = await admin.go(`${t.url}/admin/clients?sort=name&dir=asc`);
    expect(names(asc.html)).toEqual(["Alpha shop", "beta shop", "gamma shop"]);
    expect(asc.html).toMatch(
      /<th scope="col" class="sortable" aria-sort="ascending"><a href="\/admin\/clients\?sort=name&amp;dir=desc">Name/,
    );
    const desc = await admin.go(`${t.url}/admin/clients?sort=name&dir=desc`);
    expect(names(desc.html)).toEqual(["gamma shop", "beta shop", "Alpha shop"]);
    expect(sorted(desc.html)).toEqual(["Name:descending"]);
  });

  it("an unknown column or direction is ignored: the default order, never an error", async () => {
    for (const query of [
      "sort=secretHash",
      "sort=__proto__",
      "sort=constructor&dir=desc",
      "sort=name%3BDROP%20TABLE%20users",
      "sort[]=name",
      "sort=name&sort=id",
    ]) {
      const page = await admin.go(`${t.url}/admin/clients?${query}`);
      expect(page.status, query).toBe(200);
      if (query.startsWith("sort=name&")) continue; // the first of repeated values counts
      expect(names(page.html), query).toEqual(["beta shop", "Alpha shop", "gamma shop"]);
      expect(sorted(page.html), query).toEqual(["Created:ascending"]);
    }
    const sideways = await admin.go(`${t.url}/admin/clients?sort=name&dir=sideways`);
    expect(names(sideways.html)).toEqual(["Alpha shop", "beta shop", "gamma shop"]);
  });

  it("users: sorted by the database by a whitelisted column, paged after the last row, audited as user.searched", async () => {
    const tag = `sortu${Date.now().toString(36)}`;
    for (const name of ["m", "z", "a"]) await t.createUser({ username: `${tag}_${name}`, email: `${name}-${tag}@example.test` });
    const usernames = (html: string) => [...html.matchAll(/<tr data-user="[^"]+">\s*<td><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]!);
    const asc = await admin.go(`${t.url}/admin/users?q=${tag}&sort=username&dir=asc`);
    expect(asc.status).toBe(200);
    expect(usernames(asc.html)).toEqual(["a", "m", "z"].map((n) => `${tag}_${n}`));
    expect(sorted(asc.html)).toEqual(["Username:ascending"]);
    const desc = await admin.go(`${t.url}/admin/users?q=${tag}&sort=email&dir=desc`);
    expect(usernames(desc.html)).toEqual(["z", "m", "a"].map((n) => `${tag}_${n}`));
    const byDefault = await admin.go(`${t.url}/admin/users?q=${tag}&sort=password_hash`);
    expect(usernames(byDefault.html)).toEqual(["a", "z", "m"].map((n) => `${tag}_${n}`)); // newest first
    expect(sorted(byDefault.html)).toEqual(["Created:descending"]);
    expect((await admin.go(`${t.url}/admin/users?sort=email&cursor=not-an-id`)).status).toBe(400);
    // pages continue after the last row in the chosen order (the use case, one row a page)
    const actor = { actorId: "cli" };
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await t.app.services.userList.search(
        { query: tag, sort: { col: "username", dir: "desc" }, limit: 1, ...(cursor ? { cursor } : {}) },
        actor,
      );
      if (page.outcome !== "ok") throw new Error(page.message);
      seen.push(...page.users.map((u) => u.username));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(["z", "m", "a"].map((n) => `${tag}_${n}`));
    const audit = await t.app.db.prisma.auditEvent.findFirst({
      where: { type: "user.searched", data: { path: ["sort"], equals: "email desc" } },
    });
    expect(audit).toMatchObject({ data: { query: tag, count: 3, via: "admin_page" } });
  });

  it("teams: by name or member count through the database, on /admin/teams and /admin/roles/teams", async () => {
    const tag = `sortt${Date.now().toString(36)}`;
    const owner = await t.createUser();
    const teams = [];
    for (const name of ["Mid", "zed", "Alpha"]) teams.push(await createTeam(t, owner.id, `${tag} ${name}`));
    const member = await t.createUser();
    await addMember(t, teams[0]!, member.id);
    const teamNames = (html: string) => [...html.matchAll(new RegExp(`>(${tag} \\w+)</a>`, "g"))].map((m) => m[1]!.slice(tag.length + 1));
    const byName = await admin.go(`${t.url}/admin/teams?q=${tag}&sort=name&dir=asc`);
    expect(byName.status).toBe(200);
    expect(teamNames(byName.html)).toEqual(["Alpha", "Mid", "zed"]);
    expect(sorted(byName.html)).toEqual(["Name:ascending"]);
    expect(byName.html).toContain('<input type="hidden" name="sort" value="name"><input type="hidden" name="dir" value="asc">');
    const byMembers = await admin.go(`${t.url}/admin/roles/teams?q=${tag}&sort=members&dir=desc`);
    expect(byMembers.status).toBe(200);
    expect(teamNames(byMembers.html)[0]).toBe("Mid");
    expect(byMembers.html).toContain(`href="/admin/roles/teams?q=${tag}&amp;sort=members&amp;dir=asc"`);
    const unknown = await admin.go(`${t.url}/admin/teams?q=${tag}&sort=owner_id`);
    expect(teamNames(unknown.html)).toEqual(["Alpha", "zed", "Mid"]); // newest first
    expect((await admin.go(`${t.url}/admin/teams?sort=name&cursor=nope`)).status).toBe(400);
  });

  it("webhooks: by URL and by registration time, keeping the page's other parameters", async () => {
    expect(urls((await admin.go(`${t.url}/admin/webhooks`)).html)).toEqual(
      ["b", "c", "a"].map((h) => `https://${h}.hooks.example.test/in`),
    );
    const byUrl = await admin.go(`${t.url}/admin/webhooks?sort=url&dir=asc`);
    expect(urls(byUrl.html)).toEqual(["a", "b", "c"].map((h) => `https://${h}.hooks.example.test/in`));
    const newest = await admin.go(`${t.url}/admin/webhooks?sort=created&dir=desc`);
    expect(newest.status).toBe(200);
    expect(sorted(newest.html)).toEqual(["Registered:descending"]);
    expect(sorted((await admin.go(`${t.url}/admin/webhooks?sort=bogus`)).html)).toEqual([]);
  });
});
