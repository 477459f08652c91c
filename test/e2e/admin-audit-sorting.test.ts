// The audit log's sortable table (#18 item 1) end to end: the Time, Event and Actor headers sort it in the database
// (?sort=time|type|actor&dir=asc|desc; by type or actor each group newest first; events without an actor of their own
// last either way), the "Next page" links walk every event exactly once in the chosen order (a keyset over the sort
// keys, created_at and id, ties on the same instant included), the filter form and the pager keep the order, a cursor
// of another order is refused (400), and an unknown column is the default order (newest first).
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";

type Seeded = { id: string; type: string; createdAt: Date; actorless: boolean; actorKey: string };

describe("sortable audit log", { timeout: 90_000 }, () => {
  let t: TestApp;
  let admin: TestBrowser;
  let events: Seeded[];
  const TYPES = ["srt.delta", "srt.alpha", "srt.gamma", "srt.beta"];
  const decode = (s: string) => s.replace(/&amp;/g, "&");
  const ids = (html: string) => [...html.matchAll(/<tr data-event="(\d+)">/g)].map((m) => m[1]!);
  const nextOf = (html: string) => {
    const m = /<a class="btn btn-secondary" href="([^"]+)" rel="next">/.exec(html);
    return m ? decode(m[1]!) : null;
  };
  const marked = (html: string) => [...html.matchAll(/aria-sort="(\w+)"><a href="[^"]*">([^<]+)/g)].map((m) => `${m[2]!.trim()}:${m[1]}`);

  /** every event of the filter, page after page, following the page's own "Next page" link */
  async function walk(path: string): Promise<string[]> {
    const seen: string[] = [];
    let url: string | null = path;
    for (let pages = 0; url && pages < 10; pages++) {
      const page = await admin.go(`${t.url}${url}`);
      expect(page.status, url).toBe(200);
      seen.push(...ids(page.html));
      url = nextOf(page.html);
    }
    return seen;
  }

  beforeAll(async () => {
    t = await startTestApp();
    const me = await t.createUser();
    await t.app.services.systemRoles.setUserRole(me.id, "super_admin");
    const zora = await t.createUser();
    await t.app.db.prisma.user.update({ where: { id: zora.id }, data: { name: "Zora" } });
    const bea = await t.createUser({ username: `bea${Date.now().toString(36)}`, email: `bea-${Date.now().toString(36)}@example.test` });
    const target = await t.createUser();
    // 120 events: four types, four kinds of actor (a named admin, one by email, the CLI, none, the user themselves),
    // pairs of events on the same instant (ties broken by id)
    const base = Date.parse("2026-11-02T08:00:00Z");
    const actors: (string | null)[] = [zora.id, bea.id, "cli", null, target.id];
    for (let i = 0; i < 120; i++) {
      await t.app.queries.auditEvents.insert({
        type: TYPES[i % 4]!,
        outcome: i % 7 === 0 ? "failure" : "success",
        userId: target.id,
        actorId: actors[i % 5],
      });
    }
    const rows = await t.app.db.prisma.auditEvent.findMany({ where: { type: { startsWith: "srt." } }, orderBy: { id: "asc" } });
    for (const [i, r] of rows.entries())
      await t.app.db.prisma.auditEvent.update({ where: { id: r.id }, data: { createdAt: new Date(base + Math.floor(i / 2) * 60_000) } });
    const keyOf = (actorId: string | null) =>
      actorId === zora.id ? "zora" : actorId === bea.id ? bea.email.toLowerCase() : (actorId ?? "");
    events = (await t.app.db.prisma.auditEvent.findMany({ where: { type: { startsWith: "srt." } } })).map((r) => ({
      id: r.id.toString(),
      type: r.type,
      createdAt: r.createdAt,
      actorless: r.actorId === null || r.actorId === target.id,
      actorKey: keyOf(r.actorId),
    }));
    expect(events).toHaveLength(120);
    admin = new TestBrowser(t.url);
    await openAccountPage(admin, t.url, "/admin/audit", { identifier: me.email, password: me.password });
  });
  afterAll(async () => {
    await t?.close();
  });

  const newestFirst = (a: Seeded, b: Seeded) => b.createdAt.getTime() - a.createdAt.getTime() || Number(BigInt(b.id) - BigInt(a.id));
  const order = (cmp: (a: Seeded, b: Seeded) => number) => [...events].sort(cmp).map((e) => e.id);
  const by = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

  it("newest first by default; Time ascending walks every event once, oldest first, ties by id", async () => {
    const byDefault = await admin.go(`${t.url}/admin/audit?type=srt.`);
    expect(marked(byDefault.html)).toEqual(["Time:descending"]);
    expect(byDefault.html).toContain('href="/admin/audit?type=srt.&amp;sort=time&amp;dir=asc"');
    expect(await walk("/admin/audit?type=srt.")).toEqual(order(newestFirst));

    const oldest = await walk("/admin/audit?type=srt.&sort=time&dir=asc");
    expect(oldest).toEqual(order((a, b) => -newestFirst(a, b)));
    const first = await admin.go(`${t.url}/admin/audit?type=srt.&sort=time&dir=asc`);
    expect(marked(first.html)).toEqual(["Time:ascending"]);
  });

  it("by event type and by actor, either way, each group newest first, across pages", async () => {
    expect(await walk("/admin/audit?type=srt.&sort=type&dir=asc")).toEqual(order((a, b) => by(a.type, b.type) || newestFirst(a, b)));
    expect(await walk("/admin/audit?type=srt.&sort=type&dir=desc")).toEqual(order((a, b) => by(b.type, a.type) || newestFirst(a, b)));
    const actorAsc = await walk("/admin/audit?type=srt.&sort=actor&dir=asc");
    expect(actorAsc).toEqual(order((a, b) => Number(a.actorless) - Number(b.actorless) || by(a.actorKey, b.actorKey) || newestFirst(a, b)));
    const actorDesc = await walk("/admin/audit?type=srt.&sort=actor&dir=desc");
    expect(actorDesc).toEqual(
      order((a, b) => Number(a.actorless) - Number(b.actorless) || by(b.actorKey, a.actorKey) || newestFirst(a, b)),
    );
    // the rows without an actor of their own come last either way
    const last = new Set(events.filter((e) => e.actorless).map((e) => e.id));
    expect(actorDesc.slice(-last.size).every((id) => last.has(id))).toBe(true);
    const page = await admin.go(`${t.url}/admin/audit?type=srt.&sort=actor&dir=desc`);
    expect(marked(page.html)).toEqual(["Actor:descending"]);
  });

  it("the filter form and the pager keep the order; a cursor of another order is refused; an unknown column is the default", async () => {
    const page = await admin.go(`${t.url}/admin/audit?type=srt.&sort=type&dir=desc`);
    expect(page.html).toContain('<input type="hidden" name="sort" value="type"><input type="hidden" name="dir" value="desc">');
    const next = nextOf(page.html)!;
    expect(next).toMatch(/sort=type&dir=desc&cursor=/);
    const second = await admin.go(`${t.url}${next}`);
    expect(decode(second.html)).toContain('href="/admin/audit?type=srt.&sort=type&dir=desc">First page</a>');

    const cursor = new URL(next, t.url).searchParams.get("cursor")!;
    expect((await admin.go(`${t.url}/admin/audit?type=srt.&sort=actor&dir=desc&cursor=${encodeURIComponent(cursor)}`)).status).toBe(400);
    expect((await admin.go(`${t.url}/admin/audit?type=srt.&cursor=${encodeURIComponent(cursor)}`)).status).toBe(400);

    for (const query of ["sort=data", "sort=e.id;DROP TABLE users", "sort=__proto__&dir=asc"]) {
      const res = await admin.go(`${t.url}/admin/audit?type=srt.&${query}`);
      expect(res.status, query).toBe(200);
      expect(ids(res.html), query).toEqual(order(newestFirst).slice(0, 50));
    }
  });
});
