// The admin audit log through the pages, on real Postgres: events inserted with app.queries.auditEvents.insert,
// read by an admin signed in through the account pages. Each filter narrows the list (user by email and by id,
// team by slug, event type exact and by prefix, outcome, from/to dates); the list is newest first with a user
// link; "Next page" walks every event exactly once; bad filters give the page with the message (400); the CSV
// export (parsed with csv-parse) has the header, the filter's rows, formula cells neutralised, download headers,
// X-Export-Truncated past the export limit, and is itself audited; 403 without a system role or without audit.read.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { parse } from "csv-parse/sync";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { TestBrowser } from "../helpers/browser.ts";
import { openAccountPage } from "../helpers/sessions.ts";
import { createTeam } from "../helpers/team-flow.ts";
import { EXPORT_COLUMNS, EXPORT_MAX_ROWS } from "../../src/services/audit-log.ts";

describe("admin audit log", { timeout: 120_000 }, () => {
  let t: TestApp;
  let admin: TestBrowser;
  let adminId: string;
  let anna: { id: string; email: string };
  let ben: { id: string; email: string };
  let team: { id: string; slug: string };

  const signedIn = async (user: { email: string; password: string }, path = "/admin/audit") => {
    const browser = new TestBrowser(t.url);
    const page = await openAccountPage(browser, t.url, path, { identifier: user.email, password: user.password });
    return { browser, page };
  };
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, " ")
      .replace(/\s+/g, " ")
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, "&");
  /** the ids of the events on a page, in order */
  const ids = (html: string) => [...html.matchAll(/<tr data-event="(\d+)">/g)].map((m) => m[1]!);
  const list = (query: string) => admin.go(`${t.url}/admin/audit?${query}`);
  const idsOf = async (where: object) =>
    (await t.app.db.prisma.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }] })).map((e) => e.id.toString());
  const today = () => new Date().toISOString().slice(0, 10);

  beforeAll(async () => {
    t = await startTestApp();
    const me = await t.createUser();
    adminId = me.id;
    await t.app.services.systemRoles.setUserRole(me.id, "super_admin");
    admin = (await signedIn(me)).browser;
    anna = await t.createUser();
    ben = await t.createUser();
    team = await createTeam(t, anna.id);
    const insert = t.app.queries.auditEvents.insert;
    await insert({ type: "adm.alpha", outcome: "success", userId: anna.id, ip: "203.0.113.5", userAgent: "Firefox", clientId: "notes" });
    await insert({ type: "adm.beta", outcome: "failure", userId: anna.id, data: { teamId: team.id, reason: "x" } });
    await insert({
      type: "adm.alpha",
      outcome: "failure",
      userId: ben.id,
      clientId: '=HYPERLINK("http://evil.test")',
      userAgent: "@SUM(1+1)",
    });
    await insert({ type: "adm.gamma", outcome: "success", userId: null, actorId: me.id, data: { note: "-2+3" } });
    const old = await insert({ type: "adm.old", outcome: "success", userId: ben.id });
    await t.app.db.prisma.auditEvent.update({ where: { id: old.id }, data: { createdAt: new Date("2026-01-05T12:00:00Z") } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists events newest first with time, type, outcome, a user link, actor, client, IP and data", async () => {
    const page = await list("type=adm.");
    expect(page.status).toBe(200);
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(ids(page.html)).toEqual(await idsOf({ type: { startsWith: "adm." } }));
    expect(ids(page.html)).toHaveLength(5);
    expect(page.html).toContain(`<a href="/admin/users/${anna.id}">${anna.email}</a>`);
    const body = text(page.html);
    expect(body).toContain("203.0.113.5");
    expect(body).toContain('{ "reason": "x", "teamId": "' + team.id + '" }'); // jsonb's key order, pretty-printed in the details
    expect(body).toContain("notes");
    expect(body).toContain(adminId);
    expect(body).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC/);
  });

  it("each filter narrows the list", async () => {
    const cases: [string, object][] = [
      [`type=adm.&user=${encodeURIComponent(anna.email.toUpperCase())}`, { type: { startsWith: "adm." }, userId: anna.id }],
      [`type=adm.&user=${ben.id}`, { type: { startsWith: "adm." }, userId: ben.id }],
      [`team=${team.slug}`, { data: { path: ["teamId"], equals: team.id } }],
      ["type=adm.alpha", { type: "adm.alpha" }],
      ["type=adm.*", { type: { startsWith: "adm." } }],
      ["type=adm.&outcome=failure", { type: { startsWith: "adm." }, outcome: "failure" }],
      [`type=adm.&from=${today()}&to=${today()}`, { type: { startsWith: "adm." }, createdAt: { gte: new Date(`${today()}T00:00:00Z`) } }],
      ["type=adm.&from=2026-01-05&to=2026-01-05", { type: "adm.old" }],
    ];
    for (const [query, where] of cases) {
      const page = await list(query);
      expect(page.status, query).toBe(200);
      const expected = await idsOf(where);
      expect(expected.length, query).toBeGreaterThan(0);
      expect(ids(page.html), query).toEqual(expected);
    }
    expect(ids((await list("type=adm.alpha&outcome=success")).html)).toHaveLength(1);
  });

  it("Next page walks every event once, newest first, keeping the filter", async () => {
    for (let i = 0; i < 57; i++) await t.app.queries.auditEvents.insert({ type: "pag.item", outcome: "success", data: { i } });
    const seen: string[] = [];
    let url: string | null = `${t.url}/admin/audit?type=pag.item`;
    let pages = 0;
    while (url) {
      const page = await admin.go(url);
      expect(page.status).toBe(200);
      seen.push(...ids(page.html));
      const next = /<a class="btn btn-secondary" href="([^"]+)" rel="next">Next page<\/a>/.exec(page.html)?.[1];
      url = next ? `${t.url}${next.replace(/&amp;/g, "&")}` : null;
      if (next) expect(next).toContain("type=pag.item");
      pages++;
    }
    expect(pages).toBe(2);
    expect(seen).toEqual(await idsOf({ type: "pag.item" }));
    expect(new Set(seen).size).toBe(57);
  });

  it("bad filters: the page with the message, 400", async () => {
    for (const [query, message] of [
      ["user=not-a-uuid", "userId must be a user id (UUID)"],
      ["user=nobody@example.test", "No user has the email address nobody@example.test."],
      ["team=no-such-team", "No team has the address no-such-team."],
      ["type=Bad%20Type", "type must be an event type"],
      ["outcome=maybe", 'outcome must be "success" or "failure"'],
      ["from=2026-13-01", "from is not a real date: 2026-13-01"],
      ["from=2026-02-01&to=2026-01-01", "from must be before to"],
      ["cursor=garbage", "cursor is not valid"],
    ] as const) {
      const page = await list(query);
      expect(page.status, query).toBe(400);
      expect(text(page.html), query).toContain(message);
      expect(ids(page.html)).toEqual([]);
      const csv = await admin.request(`${t.url}/admin/audit/export.csv?${query}`);
      if (query.startsWith("cursor")) continue; // the export has no cursor: it is ignored there
      expect(csv.status, query).toBe(400);
      expect(csv.headers.get("content-type")).toMatch(/^text\/html/);
    }
  });

  it("exports the filtered events as CSV: header, rows, formulas neutralised, download headers, audited", async () => {
    const before = await t.app.db.prisma.auditEvent.count({ where: { type: "audit.exported" } });
    const page = await list("type=adm.alpha");
    expect(page.html).toContain('href="/admin/audit/export.csv?type=adm.alpha" download');
    expect(text(page.html)).toContain("(2 rows)");
    const res = await admin.request(`${t.url}/admin/audit/export.csv?type=adm.alpha`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="gatehouse-audit-${today()}.csv"`);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-export-truncated")).toBeNull();
    const rows = parse(await res.text(), { bom: true }) as string[][];
    expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
    const body = rows.slice(1);
    const expected = await t.app.db.prisma.auditEvent.findMany({
      where: { type: "adm.alpha" },
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
    expect(body.map((r) => [r[0], r[1], r[2], r[3]])).toEqual(
      expected.map((e) => [e.createdAt.toISOString(), e.type, e.outcome, e.userId]),
    );
    const evil = body.find((r) => r[3] === ben.id)!;
    expect(evil[6]).toBe('\'=HYPERLINK("http://evil.test")');
    expect(evil[8]).toBe("'@SUM(1+1)");
    expect(evil[4]).toBe(ben.email);
    // the export is audited with the admin, the filter and the row count
    const exported = await t.app.db.prisma.auditEvent.findMany({ where: { type: "audit.exported" }, orderBy: { id: "desc" } });
    expect(exported.length).toBe(before + 1);
    expect(exported[0]).toMatchObject({
      actorId: adminId,
      outcome: "success",
      data: { filter: { type: "adm.alpha" }, rows: 2, truncated: false },
    });
    // a team slug is resolved before exporting, and that is what the record keeps
    const teamCsv = parse(await (await admin.request(`${t.url}/admin/audit/export.csv?team=${team.slug}`)).text(), {
      bom: true,
    }) as string[][];
    expect(teamCsv.slice(1).map((r) => r[1])).toEqual(["adm.beta"]);
    expect(
      (await t.app.db.prisma.auditEvent.findFirst({ where: { type: "audit.exported" }, orderBy: { id: "desc" } }))!.data,
    ).toMatchObject({ filter: { teamId: team.id }, rows: 1 });
  });

  it("past the export limit: X-Export-Truncated and the page says so", async () => {
    await t.app.db.prisma.$executeRaw`INSERT INTO audit_events (type, outcome, data, created_at)
      SELECT 'bulk.row', 'success', '{}'::jsonb, now() - (g * interval '1 millisecond') FROM generate_series(1, ${EXPORT_MAX_ROWS + 1}) g`;
    const page = await list("type=bulk.row");
    expect(page.html).toContain("data-export-truncated");
    expect(text(page.html)).toContain(`the export stops at the newest ${EXPORT_MAX_ROWS} rows`);
    const res = await admin.request(`${t.url}/admin/audit/export.csv?type=bulk.row`);
    expect(res.status).toBe(200);
    expect(res.headers.get("x-export-truncated")).toBe("true");
    const lines = (await res.text()).split("\r\n").filter(Boolean);
    expect(lines.length).toBe(EXPORT_MAX_ROWS + 1); // header + the limit
  });

  it("forbidden: no system role, or a role without audit.read -> 403 on every route, nothing exported", async () => {
    const before = await t.app.db.prisma.auditEvent.count({ where: { type: "audit.exported" } });
    const plain = await t.createUser();
    const role = await t.app.services.systemRoles.create({
      key: `usr${Date.now().toString(36)}`,
      name: "User reader",
      permissions: ["gatehouse.admin.users.read"],
    });
    if (role.outcome !== "created") throw new Error(role.outcome);
    const reader = await t.createUser();
    await t.app.services.systemRoles.setUserRole(reader.id, role.role.key);
    for (const user of [plain, reader]) {
      const { browser, page } = await signedIn(user);
      expect(page.status).toBe(403);
      expect(ids(page.html)).toEqual([]);
      for (const path of [
        "/admin/audit?type=adm.",
        "/admin/audit/export.csv",
        "/admin/audit/export.csv?type=adm.alpha",
        "/admin/dashboard",
      ]) {
        const res = await browser.request(`${t.url}${path}`);
        expect(res.status, path).toBe(403);
        expect(await res.text()).not.toContain("adm.alpha");
      }
    }
    expect(await t.app.db.prisma.auditEvent.count({ where: { type: "audit.exported" } })).toBe(before);
    const anonymous = await new TestBrowser(t.url).request(`${t.url}/admin/audit/export.csv`);
    expect(anonymous.status).toBe(302);
  });
});
