// The provider admin API for the audit log and login analytics (/api/v1/audit-events, /api/v1/analytics) against
// a real Gatehouse (Postgres, Redis), events inserted with app.queries.auditEvents.insert (times set where a test
// needs them): the list is newest first with exactly the documented fields; each filter (user, team, type exact
// and by prefix, outcome, from/to) gives the events the database has for it; pages by cursor walk every event
// once in order; bad filters, cursors, limits and unknown parameters are 400 request.invalid naming the field.
// The analytics of a seeded range have the counts and rates the events make, every hour bucket, and the headline
// counts; no range means the last 7 days; bad ranges 400. No token 401, a client token 403, a user without a
// system role or with one lacking gatehouse.admin.audit.read 403.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import { randomUUID } from "node:crypto";
import { startTestApp, type TestApp } from "../helpers/test-app.ts";
import { refusals, setUpAdminApi, type AdminApi, type Json } from "../helpers/api.ts";

const FIELDS = ["actorId", "clientId", "createdAt", "data", "id", "ip", "outcome", "type", "userAgent", "userEmail", "userId"];
type Event = Json & { id: string; type: string };
type Where = NonNullable<Parameters<TestApp["app"]["db"]["prisma"]["auditEvent"]["findMany"]>[0]>["where"];

describe("admin audit and analytics API", () => {
  let t: TestApp;
  let a: AdminApi;
  let anna: { id: string; email: string };
  let ben: { id: string; email: string };
  const teamId = randomUUID();

  const events = (query: string, token = a.admin.token) => a.call("GET", `/api/v1/audit-events?${query}`, token);
  const ids = (res: { body: Json }) => (res.body.events as Event[]).map((e) => e.id);
  const idsOf = async (where: Where) =>
    (await t.app.db.prisma.auditEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }] })).map((e) => e.id.toString());
  const insertAt = async (at: string, event: Parameters<TestApp["app"]["queries"]["auditEvents"]["insert"]>[0]) => {
    const row = await t.app.queries.auditEvents.insert(event);
    await t.app.db.prisma.auditEvent.update({ where: { id: row.id }, data: { createdAt: new Date(at) } });
    return row.id.toString();
  };

  beforeAll(async () => {
    t = await startTestApp();
    a = await setUpAdminApi(t);
    anna = await t.createUser();
    ben = await t.createUser();
    const insert = t.app.queries.auditEvents.insert;
    await insert({ type: "apx.alpha", outcome: "success", userId: anna.id, ip: "203.0.113.5", userAgent: "Firefox", clientId: "notes" });
    await insert({ type: "apx.beta", outcome: "failure", userId: anna.id, data: { teamId, reason: "x" } });
    await insert({ type: "apx.alpha", outcome: "failure", userId: ben.id, actorId: a.admin.id });
    await insert({ type: "apx.gamma.deep", outcome: "success", userId: null, data: { teamId, note: "n" } });
    await insertAt("2026-01-05T12:00:00Z", { type: "apx.old", outcome: "success", userId: ben.id });
  });
  afterAll(async () => {
    await t?.close();
  });

  it("lists events newest first with exactly the documented fields", async () => {
    const res = await events("type=apx.");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(ids(res)).toEqual(await idsOf({ type: { startsWith: "apx." } }));
    expect(ids(res)).toHaveLength(5);
    const list = res.body.events as Event[];
    for (const e of list) expect(Object.keys(e).sort()).toEqual(FIELDS);
    expect(list.find((e) => e.type === "apx.alpha" && e.outcome === "success")).toMatchObject({
      userId: anna.id,
      userEmail: anna.email,
      ip: "203.0.113.5",
      userAgent: "Firefox",
      clientId: "notes",
      data: {},
      createdAt: expect.stringMatching(/Z$/),
    });
    expect(list.find((e) => e.type === "apx.alpha" && e.outcome === "failure")).toMatchObject({
      actorId: a.admin.id,
      userEmail: ben.email,
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it("each filter gives the events the database has for it", async () => {
    const apx = { type: { startsWith: "apx." } };
    const cases: [string, Where][] = [
      [`type=apx.&userId=${anna.id}`, { ...apx, userId: anna.id }],
      [`teamId=${teamId.toUpperCase()}`, { data: { path: ["teamId"], equals: teamId } }],
      ["type=apx.alpha", { type: "apx.alpha" }],
      ["type=apx.gamma.*", { type: { startsWith: "apx.gamma." } }],
      ["type=apx.&outcome=failure", { ...apx, outcome: "failure" }],
      ["type=apx.&to=2026-02-01T00:00:00Z", { ...apx, createdAt: { lt: new Date("2026-02-01T00:00:00Z") } }],
      ["type=apx.&from=2026-02-01T00:00:00%2B01:00", { ...apx, createdAt: { gte: new Date("2026-01-31T23:00:00Z") } }],
      [
        `type=apx.&userId=${ben.id}&from=2026-01-05T12:00:00Z&to=2026-01-05T12:00:00.001Z`,
        { ...apx, userId: ben.id, createdAt: new Date("2026-01-05T12:00:00Z") },
      ],
      ["type=apx.nothing", { type: "apx.nothing" }],
    ];
    for (const [query, where] of cases) {
      const res = await events(query);
      expect(res.status, query).toBe(200);
      const expected = await idsOf(where);
      expect(ids(res), query).toEqual(expected);
    }
    expect(ids(await events("type=apx.nothing"))).toEqual([]);
    expect(ids(await events(`type=apx.&userId=${anna.id}`))).toHaveLength(2);
    expect(ids(await events(`teamId=${teamId}`))).toHaveLength(2);
    expect(ids(await events("type=apx.&to=2026-02-01T00:00:00Z"))).toHaveLength(1);
  });

  it("pages by cursor: every event once, in order, with the filter kept", async () => {
    const all = await idsOf({ type: { startsWith: "apx." } });
    const seen: string[] = [];
    let cursor: string | null | undefined;
    do {
      const res = await events(`type=apx.&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(res.status).toBe(200);
      expect((res.body.events as Event[]).length).toBeLessThanOrEqual(2);
      seen.push(...ids(res));
      cursor = res.body.nextCursor;
      expect(seen.length).toBeLessThan(20);
    } while (cursor);
    expect(seen).toEqual(all);
    const unfiltered = await events("limit=100");
    expect(ids(unfiltered)).toEqual((await idsOf({})).slice(0, 100));
  });

  it("refuses bad filters, cursors, limits and unknown parameters with 400 request.invalid naming the field", async () => {
    const cases: [string, string][] = [
      ["userId=not-a-uuid", "userId"],
      ["teamId=42", "teamId"],
      ["type=Bad Type", "type"],
      ["type=login..", "type"],
      ["outcome=maybe", "outcome"],
      ["from=yesterday", "from"],
      ["to=2026-13-01T00:00:00Z", "to"],
      ["from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "to"],
      ["cursor=bm90LWEtY3Vyc29y", "cursor"],
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=two", "limit"],
      ["user=someone", ""],
      ["type=a&type=b", "type"],
    ];
    for (const [query, field] of cases) {
      const res = await events(query);
      expect(res.status, query).toBe(400);
      expect(res.body.code, query).toBe("request.invalid");
      const paths = (res.body.data!.issues as { path: string[] }[]).map((i) => i.path);
      expect(
        paths.some((p) => p[0] === "query" && (field === "" || p[1] === field)),
        `${query}: ${JSON.stringify(paths)}`,
      ).toBe(true);
      expect(res.body.message).toMatch(/query/);
    }
  });

  it("analytics of a seeded range: the counts and rates the events make, every hour bucket, the headline counts", async () => {
    const day = "2025-03-10";
    const at = (time: string) => `${day}T${time}Z`;
    for (const [time, type, data] of [
      ["01:10:00", "login.succeeded", {}],
      ["01:20:00", "login.succeeded", { device: "code" }],
      ["05:00:00", "login.succeeded", {}],
      ["05:30:00", "login.failed", {}],
      ["23:59:59", "login.second_factor_failed", {}],
      ["02:00:00", "login.risk_evaluated", {}],
      ["02:00:01", "login.risk_evaluated", {}],
      ["02:00:02", "login.held", {}],
      ["03:00:00", "device.code_sent", {}],
      ["04:00:00", "password_reset.requested", {}],
      ["2025-03-11T00:00:00", "login.failed", {}],
    ] as const) {
      await insertAt(time.includes("T") ? `${time}Z` : at(time), {
        type,
        outcome: type === "login.succeeded" ? "success" : "failure",
        userId: anna.id,
        data,
      });
    }
    const res = await a.call("GET", `/api/v1/analytics?from=${day}T00:00:00Z&to=2025-03-11T00:00:00Z`, a.admin.token);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      from: `${day}T00:00:00.000Z`,
      to: "2025-03-11T00:00:00.000Z",
      bucket: "hour",
      logins: { attempts: 5, succeeded: 3, failed: 2, successRate: 0.6, failureRate: 0.4 },
      suspicious: { evaluated: 2, held: 1, rate: 0.5 },
      deviceApproval: { succeeded: 3, withEmailedCode: 1, codesSent: 1, rate: 1 / 3 },
      sessions: { measured: 0, averageSeconds: null },
      passwordResets: { requested: 1, rate: 0.2 },
    });
    const series = res.body.series as { start: string; succeeded: number; failed: number }[];
    expect(series).toHaveLength(24);
    expect(series[0]!.start).toBe(`${day}T00:00:00.000Z`);
    expect(series[1]).toEqual({ start: `${day}T01:00:00.000Z`, succeeded: 2, failed: 0 });
    expect(series[5]).toEqual({ start: `${day}T05:00:00.000Z`, succeeded: 1, failed: 1 });
    expect(series[23]).toEqual({ start: `${day}T23:00:00.000Z`, succeeded: 0, failed: 1 });
    expect(res.body.counts).toEqual({
      users: await t.app.db.prisma.user.count(),
      disabledUsers: 0,
      teams: await t.app.db.prisma.team.count(),
      liveSessions: expect.any(Number),
    });
    expect((res.body.counts as { liveSessions: number }).liveSessions).toBeGreaterThan(0);

    const empty = await a.call("GET", "/api/v1/analytics?from=2025-01-01T00:00:00Z&to=2025-01-08T00:00:00Z", a.admin.token);
    expect(empty.body).toMatchObject({
      bucket: "day",
      logins: { attempts: 0, successRate: null, failureRate: null },
      suspicious: { rate: null },
    });
    expect(empty.body.series).toHaveLength(7);
  });

  it("analytics without a range: the last 7 days; bad ranges 400 request.invalid", async () => {
    const before = Date.now();
    const res = await a.call("GET", "/api/v1/analytics", a.admin.token);
    expect(res.status).toBe(200);
    const from = Date.parse(res.body.from as string);
    const to = Date.parse(res.body.to as string);
    expect(to - from).toBe(7 * 86_400_000);
    expect(to).toBeGreaterThanOrEqual(before - 1000);
    expect(res.body.bucket).toBe("day");
    expect((res.body.logins as { succeeded: number }).succeeded).toBeGreaterThan(0); // the test users' own sign-ins
    const badRanges: [string, (string | number)[]][] = [
      ["from=2025-01-01T00:00:00Z", ["query", "to"]],
      ["to=2025-01-01T00:00:00Z", ["query", "from"]],
      ["from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z", ["query", "from"]],
      ["from=2020-01-01T00:00:00Z&to=2025-01-01T00:00:00Z", ["query", "from"]],
      ["from=monday&to=2025-01-01T00:00:00Z", ["query", "from"]],
      ["from=2025-01-01T00:00:00Z&to=tuesday", ["query", "to"]],
      ["from=2025-01-01&to=2025-01-02", ["query", "from"]],
      ["range=7d", ["query"]],
    ]; // an unknown parameter: zod names it in the message, not the path
    for (const [query, path] of badRanges) {
      const bad = await a.call("GET", `/api/v1/analytics?${query}`, a.admin.token);
      expect(bad.status, query).toBe(400);
      expect(bad.body.code, query).toBe("request.invalid");
      expect(bad.body.message, query).toMatch(/query/);
      expect((bad.body.data!.issues as { path: (string | number)[] }[])[0]!.path, query).toEqual(path);
    }
  });

  it("refuses every lower caller on both routes (401 / 403)", async () => {
    const lacking = await a.roleToken(["gatehouse.admin.clients.manage", "gatehouse.admin.users.read", "gatehouse.admin.keys.manage"]);
    const problems = await refusals(
      a,
      lacking.token,
      [
        ["GET", "/api/v1/audit-events"],
        ["GET", "/api/v1/analytics"],
      ],
      "gatehouse.admin.audit.read",
    );
    expect(problems).toEqual([]);
    const reader = await a.roleToken(["gatehouse.admin.audit.read"]);
    expect((await events("type=apx.", reader.token)).status).toBe(200);
    expect((await a.call("GET", "/api/v1/analytics", reader.token)).status).toBe(200);
  });
});
